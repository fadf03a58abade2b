"""人工坐席: the operators' console — who may use it, what it finds and reads out (the public's
items only), the call log and its export, filing for the caller, and the figures."""

from __future__ import annotations

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from callcentre.choices import CallOutcome
from callcentre.models import CallRecord
from callcentre.selectors import call_figures
from callcentre.services import call_record_create
from disclosure_pages.choices import Scope
from participation.models import DisclosureRequest, Feedback
from search.services import index_sync
from tests.builders import make_item, make_user

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
WJ = "韶关市/武江区/区委办"
CONSOLE = "/admin/callcentre/"
CALLS = "/admin/callcentre/calls/"


def test_anonymous_is_sent_to_the_login_page(client):
    for url in (CONSOLE, CALLS, f"{CALLS}new/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_an_editor_of_a_unit_is_refused(client, user_named):
    client.force_login(user_named("wj_editor"))
    response = client.get(CONSOLE)
    assert response.status_code == 403
    assert "只有坐席员可以使用人工坐席工作台" in response.content.decode()
    assert client.get(CALLS).status_code == 403
    assert client.get(f"{CALLS}new/").status_code == 403
    item = make_item(WJ, title="编辑不能朗读")
    assert client.get(reverse("callcentre:read_aloud", args=[item.pk])).status_code == 403
    assert "/admin/callcentre/" not in client.get("/admin/").content.decode()


def test_the_operator_and_a_superuser_use_the_console(operator_client, client):
    response = operator_client.get(CONSOLE)
    assert response.status_code == 200
    assert "按来电人的描述检索面向社会公开的事项" in response.content.decode()
    assert operator_client.get(CALLS).status_code == 200
    home = operator_client.get("/admin/").content.decode()
    assert '"/admin/callcentre/"' in home and '"/admin/callcentre/calls/"' in home  # the sidebar's props
    admin = make_user(is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(CONSOLE).status_code == 200


def test_the_demo_operator_is_in_the_operator_group_and_no_unit(operator):
    assert operator.groups.filter(name="坐席员").exists()
    assert operator.has_perm("callcentre.use_console")
    assert operator.check_password("demo-2026")
    from disclosure_pages.models import UnitMembership

    assert not UnitMembership.objects.filter(user=operator).exists()


@pytest.fixture
def needles(site_index):
    public = make_item(WJ, title="坐席针公开 党费收缴情况", doc_number="武江委办〔2026〕7号", body="<p>坐席针 正文第一段</p><p>第二段</p>")
    internal = make_item(WJ, title="坐席针党内 不应找到", scope=Scope.PARTY, body="<p>坐席针 党内正文</p>")
    index_sync(item_ids=[public.pk, internal.pk], extract=False)
    return public, internal


def test_search_finds_public_items_and_never_internal_ones(operator_client, needles):
    public, internal = needles
    response = operator_client.get(CONSOLE, {"q": "坐席针"})
    page = response.content.decode()
    assert response.status_code == 200
    assert public.title in page
    assert reverse("callcentre:read_aloud", args=[public.pk]) in page
    assert "坐席针党内" not in page
    assert reverse("callcentre:read_aloud", args=[internal.pk]) not in page
    assert "武江区/区委办" in page and "1-1-1" in page and "2026-03-01" in page


def test_a_superuser_operator_also_finds_only_the_public_items(client, needles):
    client.force_login(make_user(is_superuser=True, is_staff=True))
    page = client.get(CONSOLE, {"q": "坐席针"}).content.decode()
    assert needles[0].title in page and "坐席针党内" not in page


def test_read_aloud_gives_the_essentials_then_the_text(operator_client, needles):
    public, _ = needles
    response = operator_client.get(reverse("callcentre:read_aloud", args=[public.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    essentials = [public.title, "武江区·区委办", "2026年3月1日", "武江委办〔2026〕7号", "坐席针 正文第一段", "第二段"]
    positions = [page.index(text) for text in essentials]
    assert positions == sorted(positions)
    assert "<p>坐席针 正文第一段</p>" in page  # plain text, one paragraph a line


def test_read_aloud_of_an_internal_item_is_a_404(operator_client, needles):
    _, internal = needles
    assert operator_client.get(reverse("callcentre:read_aloud", args=[internal.pk])).status_code == 404
    assert operator_client.get(reverse("callcentre:read_aloud", args=[999999999])).status_code == 404


def form_data(**overrides) -> dict:
    data = {
        "started_at": "2026-03-02 09:15",
        "question": "来电人询问武江区委办2026年党费收缴情况",
        "answer": "已读出公开事项的正文",
        "outcome": CallOutcome.ANSWERED,
        "caller_phone": "13812345678",
    }
    data.update(overrides)
    return data


def test_the_call_form_is_prefilled_with_the_items_opened(operator_client, needles):
    public, _ = needles
    operator_client.get(reverse("callcentre:read_aloud", args=[public.pk]))
    page = operator_client.get(f"{CALLS}new/").content.decode()
    assert f'value="{public.pk}"' in page and public.title in page
    assert "checked" in page


def test_a_call_is_logged_with_its_items_and_a_masked_number(operator_client, operator, needles):
    public, _ = needles
    operator_client.get(reverse("callcentre:read_aloud", args=[public.pk]))
    response = operator_client.post(f"{CALLS}new/", {**form_data(), "items": [public.pk]})
    assert response.status_code == 302, response.content.decode()[:3000]
    call = CallRecord.objects.get(question=form_data()["question"])
    assert call.operator == operator
    assert list(call.items.all()) == [public]
    assert call.caller_phone_masked == "138****5678"
    assert call.caller_phone_hash and "13812345678" not in call.caller_phone_hash
    assert timezone_local(call.started_at) == datetime.datetime(2026, 3, 2, 9, 15)
    # The next call starts with nothing opened.
    assert public.title not in operator_client.get(f"{CALLS}new/").content.decode()


def timezone_local(value):
    return value.astimezone(SHANGHAI).replace(tzinfo=None)


def test_citing_an_internal_item_by_tampering_is_refused_and_keeps_what_was_typed(operator_client, needles):
    public, internal = needles
    response = operator_client.post(f"{CALLS}new/", {**form_data(question="篡改引用的问题文字"), "items": [public.pk, internal.pk]})
    page = response.content.decode()
    assert response.status_code in (200, 400)
    assert f"只能引用面向社会公开的事项，以下事项不能引用：#{internal.pk}" in page
    assert "篡改引用的问题文字" in page
    assert "坐席针党内" not in page  # the tampered id's title is not shown either
    assert not CallRecord.objects.filter(question="篡改引用的问题文字").exists()


def test_a_call_is_edited_and_deleted_after_a_confirmation(operator_client, operator, needles):
    public, internal = needles
    call = call_record_create(operator=operator, question="编辑前的问题", item_ids=[public.pk], caller_phone="13812345678")
    edit = f"{CALLS}edit/{call.pk}/"
    assert "编辑前的问题" in operator_client.get(edit).content.decode()
    refused = operator_client.post(edit, {**form_data(question="编辑后的问题", caller_phone=""), "items": [internal.pk]})
    assert "只能引用面向社会公开的事项" in refused.content.decode()
    response = operator_client.post(edit, {**form_data(question="编辑后的问题", caller_phone=""), "items": []})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.question == "编辑后的问题" and not call.items.exists()
    assert call.caller_phone_masked == "138****5678"  # kept: no new number typed
    delete = f"{CALLS}delete/{call.pk}/"
    confirm = operator_client.get(delete)
    assert confirm.status_code == 200 and "编辑后的问题" in confirm.content.decode()
    assert CallRecord.objects.filter(pk=call.pk).exists()
    assert operator_client.post(delete).status_code == 302
    assert not CallRecord.objects.filter(pk=call.pk).exists()


def test_a_missing_question_is_a_chinese_error(operator_client):
    response = operator_client.post(f"{CALLS}new/", form_data(question="", answer="保留的答复"))
    page = response.content.decode()
    assert "请填写来电人咨询的问题" in page and "保留的答复" in page
    assert not CallRecord.objects.filter(answer="保留的答复").exists()


def test_the_export_has_the_rows(operator_client, operator, needles):
    public, _ = needles
    call_record_create(operator=operator, question="导出测试问题", item_ids=[public.pk], caller_phone="13800001111")
    response = operator_client.get(CALLS, {"export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    row = next(r for r in rows if r["咨询问题"] == "导出测试问题")
    assert row["来电号码"] == "138****1111"
    assert row["办理结果"] == "已当场答复"
    assert row["引用的公开事项"] == public.title
    assert "13800001111" not in text
    xlsx = operator_client.get(CALLS, {"export": "xlsx"})
    assert xlsx.status_code == 200 and "spreadsheet" in xlsx["Content-Type"]


def test_the_list_filters_by_outcome(operator_client, operator):
    call_record_create(operator=operator, question="筛选甲", outcome=CallOutcome.CALL_BACK)
    call_record_create(operator=operator, question="筛选乙", outcome=CallOutcome.NOT_FOUND)
    page = operator_client.get(CALLS, {"outcome": CallOutcome.CALL_BACK}).content.decode()
    assert "筛选甲" in page and "筛选乙" not in page


def test_filing_a_request_for_the_caller_links_it_and_shows_the_number(operator_client, operator, needles, unit):
    public, _ = needles
    call = call_record_create(operator=operator, question="请公开武江区委办的会议纪要", item_ids=[public.pk])
    url = reverse("callcentre:file_request", args=[call.pk])
    form = operator_client.get(url).content.decode()
    assert "请公开武江区委办的会议纪要" in form
    assert f'value="{unit(WJ).pk}" selected' in form
    response = operator_client.post(
        url,
        {
            "unit": unit(WJ).pk,
            "applicant_name": "张三",
            "contact_phone": "13812345678",
            "request_text": "请公开武江区委办的会议纪要",
            "purpose": "了解情况",
        },
    )
    assert response.status_code == 200
    call.refresh_from_db()
    request = call.disclosure_request
    assert isinstance(request, DisclosureRequest)
    assert request.tracking_number.startswith("YSQ-") and request.unit == unit(WJ)
    assert request.request_text == "请公开武江区委办的会议纪要" and request.applicant_name == "张三"
    assert call.outcome == CallOutcome.REQUEST_FILED
    page = response.content.decode()
    assert request.tracking_number in page and "查询码" in page
    assert request.tracking_number in operator_client.get(f"{CALLS}inspect/{call.pk}/").content.decode()
    # Filed once: a second submission is refused in Chinese.
    again = operator_client.post(url, {"unit": unit(WJ).pk, "applicant_name": "张三", "contact_phone": "13812345678", "request_text": "x", "purpose": "y"})
    assert again.status_code == 400 and "本次来电已代为提交依申请公开" in again.content.decode()
    assert DisclosureRequest.objects.filter(request_text="x").count() == 0


def test_a_request_without_a_contact_keeps_the_form(operator_client, operator, unit):
    call = call_record_create(operator=operator, question="无联系方式的申请")
    response = operator_client.post(
        reverse("callcentre:file_request", args=[call.pk]),
        {"unit": unit(WJ).pk, "applicant_name": "李四", "request_text": "无联系方式的申请", "purpose": "了解"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "请至少填写联系电话或电子邮箱中的一项" in page and "李四" in page
    call.refresh_from_db()
    assert call.disclosure_request is None


def test_filing_feedback_for_the_caller_links_it(operator_client, operator, needles, unit):
    public, _ = needles
    call = call_record_create(operator=operator, question="建议公开更多党费使用情况", item_ids=[public.pk])
    response = operator_client.post(
        reverse("callcentre:file_feedback", args=[call.pk]),
        {"unit": unit(WJ).pk, "kind": "topic", "content": "建议公开更多党费使用情况", "name": "王五"},
    )
    assert response.status_code == 302
    call.refresh_from_db()
    feedback = call.feedback
    assert isinstance(feedback, Feedback) and feedback.kind == "topic" and feedback.item == public
    assert call.outcome == CallOutcome.FEEDBACK_FILED


def test_call_figures_count_per_month_and_outcome(operator, needles, unit):
    public, _ = needles
    at = lambda *args: datetime.datetime(*args, tzinfo=SHANGHAI)  # noqa: E731
    call_record_create(operator=operator, question="一月甲", started_at=at(2031, 1, 5, 10))
    call_record_create(operator=operator, question="一月乙", started_at=at(2031, 1, 31, 23, 30), outcome=CallOutcome.CALL_BACK)
    call_record_create(operator=operator, question="三月", started_at=at(2031, 3, 1, 0, 10), item_ids=[public.pk])
    call_record_create(operator=operator, question="明年", started_at=at(2032, 1, 1, 0, 5))
    figures = call_figures(2031)
    assert figures.total == 3
    assert figures.months[1] == {**dict.fromkeys(CallOutcome.values, 0), "answered": 1, "call_back": 1}
    assert figures.months[3]["answered"] == 1 and figures.months[2]["answered"] == 0
    assert figures.by_outcome["answered"] == 2 and figures.by_outcome["call_back"] == 1
    from disclosure_pages.models import RegionPage

    wujiang = RegionPage.objects.get(title="武江区")
    regional = call_figures(2031, region=wujiang)
    assert regional.total == 1 and regional.months[3]["answered"] == 1 and regional.region == "武江区"
    assert call_figures(2031, region=unit("龙口市/市科技局党支部")).total == 0
