"""Requests with their handling and feedback / 点题 with their answers become archive records of their own kinds
(《中共惠农区委党务公开若干制度（试行）》第三十五条（四）): filed once when concluded, in the unit's chain, with
personal data reduced, the answer's files copied with their SHA-256; in the PDF, the volume and verify_archive."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from archive.choices import RecordKind
from archive.models import ArchiveChainHead, ArchiveRecord
from archive.participation_records import archive_feedback, archive_request
from archive.selectors import records_for_item
from archive.services import archive_imported_ids, stored_pdf
from archive.store import archive_store
from archive.volumes import export_volume, validate_zip
from disclosure_pages.demo import DemoReport
from disclosure_pages.models import DisclosureItemPage
from disclosure_pages.signals import demo_loaded
from participation.choices import PauseKind, RequestStatus
from participation.models import DisclosureRequest, Feedback
from participation.selectors import rule_set_for_unit
from participation.services import (
    feedback_reply,
    feedback_submit,
    request_accept,
    request_answer,
    request_clarify,
    request_pause,
    request_refuse,
    request_submit,
    topic_submit,
)
from review.filings_selectors import filings_about
from review.filings_services import filing_decide
from review.models import FilingSubject
from tests.archive.conftest import WJ, pdf_text
from tests.builders import make_item, pdf_bytes

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
INDEX = "archive_archiverecord_modeladmin_index"
PHONE, EMAIL = "13812345678", "zhangsan@example.com"
ANSWER_FILE = pdf_bytes("党费收缴明细")


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=SHANGHAI)


def submit(unit, **fields):
    values = {
        "applicant_name": "张三",
        "contact_phone": PHONE,
        "contact_email": EMAIL,
        "request_text": "请公开2025年度党费收缴、管理和使用情况。",
        "purpose": "了解本支部党费使用情况",
    }
    values.update(fields)
    return request_submit(unit=unit(WJ), **values).request


def records_of(kind, ref):
    return list(ArchiveRecord.objects.filter(kind=kind, item_ref=ref).order_by("chain_index"))


@pytest.fixture
def editor(user_named):
    return user_named("wj_editor")


@pytest.fixture
def answered(unit, editor):
    """A request handled step by step: accepted, paused for 补正, clarified by the applicant, answered with a file."""
    req = submit(unit)
    request_accept(request=req, actor=editor, note="材料齐全")
    request_pause(request=req, actor=editor, kind=PauseKind.CLARIFY, reason="请说明需要哪几个月的明细")
    request_clarify(request=req, text="需要1月至6月的明细")
    request_answer(
        request=req,
        actor=editor,
        outcome="partly",
        answer_text="现将1月至6月党费收缴明细公开如下。",
        reason="个人缴费基数涉及个人隐私，不予公开",
        attachments=[SimpleUploadedFile("党费明细.pdf", ANSWER_FILE, content_type="application/pdf")],
    )
    req.refresh_from_db()
    return req


@pytest.fixture
def replied(unit, editor):
    feedback = feedback_submit(
        unit=unit(WJ), content="建议把党费使用情况按季度公开。", name="李四", contact="lisi@example.com"
    )
    feedback_reply(feedback=feedback, actor=editor, reply="感谢建议，自下季度起按季度公开。")
    feedback.refresh_from_db()
    return feedback


# Filing on conclusion -------------------------------------------------------------------------


def test_an_answered_request_is_filed_in_its_units_chain_with_every_step(answered, editor):
    (record,) = records_of(RecordKind.REQUEST, answered.pk)

    head = ArchiveChainHead.objects.get(pk=answered.unit_id)
    assert record.unit_id == answered.unit_id and record.chain_index == head.length
    assert record.content_hash == head.head_hash == record.compute_hash()
    assert record.title.startswith(f"依申请公开 {answered.tracking_number}（部分公开）")
    assert record.actor_name == editor.get_full_name() and record.published_at == answered.answered_at
    content = record.content
    assert content["request_text"] == answered.request_text and content["purpose"] == answered.purpose
    assert content["answer_text"] == "现将1月至6月党费收缴明细公开如下。"
    assert content["outcome_reason"] == "个人缴费基数涉及个人隐私，不予公开"
    assert content["rules"]["name"] == answered.rules["name"]
    steps = [(e["action"], e["actor"]) for e in content["events"]]
    assert [action for action, _ in steps] == ["提交申请", "受理", "暂停计时：补正（请申请人补充说明）", "申请人补正", "恢复计时", "答复"]
    assert steps[1][1] == editor.get_full_name() and steps[3][1] == "申请人"
    assert all(e["at"] for e in content["events"])
    html = record.content_html
    for text in ("需要1月至6月的明细", "材料齐全", "部分公开", "理由及依据", "个人缴费基数涉及个人隐私"):
        assert text in html, text


def test_personal_data_is_reduced_to_what_the_archive_needs(answered, replied):
    (request_record,) = records_of(RecordKind.REQUEST, answered.pk)
    (feedback_record,) = records_of(RecordKind.FEEDBACK, replied.pk)

    assert request_record.content["applicant"] == {"name": "张三", "phone": "138****5678", "email": "z***@example.com"}
    assert feedback_record.content["submitter"] == {"name": "李四", "contact": "l***@example.com"}
    for record, secrets in ((request_record, [PHONE, EMAIL, answered.secret_hash]), (feedback_record, ["lisi@example.com"])):
        filed = json.dumps(record.content, ensure_ascii=False) + record.content_html
        for secret in secrets:
            assert secret not in filed
    assert "138****5678" in request_record.content_html and "张三" in request_record.content_html


def test_the_answers_files_are_copied_into_the_archive_store_with_their_hash(answered, settings, tmp_path):
    (record,) = records_of(RecordKind.REQUEST, answered.pk)
    (entry,) = record.attachments

    assert entry["title"] == "党费明细.pdf" and entry["size"] == len(ANSWER_FILE)
    assert entry["sha256"] == hashlib.sha256(ANSWER_FILE).hexdigest()
    assert archive_store().read(entry["sha256"]) == ANSWER_FILE
    # The live file goes away (or is replaced): the archive keeps its own copy.
    live = answered.answer_attachments.get()
    live.file.storage.delete(live.file.name)
    assert archive_store().read(entry["sha256"]) == ANSWER_FILE
    assert record.content["files"] == [{"title": "党费明细.pdf", "sha256": entry["sha256"], "size": len(ANSWER_FILE)}]


def test_a_refused_request_is_filed_with_its_reason(unit, editor):
    req = submit(unit)
    request_refuse(request=req, actor=editor, reason="所申请内容不属于党务公开范围")

    (record,) = records_of(RecordKind.REQUEST, req.pk)
    assert "（不予受理）" in record.title
    assert record.content["conclusion"] == "refused" and record.content["refusal_reason"] == "所申请内容不属于党务公开范围"
    assert "不予受理理由" in record.content_html


def test_a_request_still_in_hand_is_not_filed(unit, editor):
    req = submit(unit)
    request_accept(request=req, actor=editor)

    assert archive_request(request=req) is None
    assert records_of(RecordKind.REQUEST, req.pk) == []


def test_a_not_disclosable_answer_is_filed_when_sent_with_the_superiors_consent(unit, editor, user_named):
    req = submit(unit)
    request_accept(request=req, actor=editor)
    request_answer(request=req, actor=editor, outcome="not_disclosable", answer_text="经研究不予公开。", reason="涉及党内秘密")
    assert records_of(RecordKind.REQUEST, req.pk) == []  # waits for the superior: not concluded

    filing = filings_about(req, subject=FilingSubject.WITHHOLDING_ANSWER).get()
    filing_decide(filing=filing, actor=user_named("wj_supervisor"), decision="approve")

    (record,) = records_of(RecordKind.REQUEST, req.pk)
    assert record.content["consent"]["number"] == filing.number
    assert record.content["consent"]["state"] == "已同意"
    assert "上级党组织意见" in record.content_html and filing.number in record.content_html


def test_answered_feedback_and_topics_are_filed_with_who_signed_the_answer(replied, unit, editor):
    (record,) = records_of(RecordKind.FEEDBACK, replied.pk)
    assert record.title == "意见建议：建议把党费使用情况按季度公开。"
    assert record.content["content"] == replied.content and record.content["reply"] == replied.reply
    assert record.content["replied_by"] == editor.get_full_name() == record.actor_name
    assert "答复人（签批）" in record.content_html

    topic = topic_submit(unit=unit(WJ), content="希望公开支部换届选举结果。", contact="13900001111").topic
    feedback_reply(feedback=topic, actor=editor, reply="已在党务公开栏公开。")
    (topic_record,) = records_of(RecordKind.FEEDBACK, topic.pk)
    assert topic_record.title.startswith(f"点题 {topic.tracking_number}：")
    assert topic_record.content["submitter"] == {"name": "", "contact": "139****1111"}
    assert topic_record.content["due_date"] == topic.due_date.isoformat() and topic_record.content["on_time"] is True
    assert "未署名" in topic_record.content_html


# Idempotence -----------------------------------------------------------------------------------


def test_a_conclusion_filed_twice_is_filed_once(answered, replied, editor):
    (request_record,) = records_of(RecordKind.REQUEST, answered.pk)
    (feedback_record,) = records_of(RecordKind.FEEDBACK, replied.pk)
    length = ArchiveChainHead.objects.get(pk=answered.unit_id).length

    assert archive_request(request=answered) == request_record
    assert archive_feedback(feedback=replied) == feedback_record
    feedback_reply(feedback=replied, actor=editor, reply=replied.reply)  # the same answer saved again
    answered.status = RequestStatus.FILED  # 报上级备案 later: not a new conclusion
    answered.save(update_fields=["status"])
    assert archive_request(request=answered) == request_record

    assert ArchiveChainHead.objects.get(pk=answered.unit_id).length == length
    assert len(records_of(RecordKind.REQUEST, answered.pk)) == len(records_of(RecordKind.FEEDBACK, replied.pk)) == 1


def test_a_changed_answer_is_filed_anew_naming_the_record_it_follows(replied, editor):
    (first,) = records_of(RecordKind.FEEDBACK, replied.pk)

    feedback_reply(feedback=replied, actor=editor, reply="更正：自下月起按月公开。")

    first_again, second = records_of(RecordKind.FEEDBACK, replied.pk)
    assert first_again == first and first.content["reply"] == "感谢建议，自下季度起按季度公开。"
    assert second.content["reply"] == "更正：自下月起按月公开。" and second.content["follows"] == first.number
    assert f"前次归档件号 {first.number}" in second.content_html


def test_a_reopened_request_answered_again_is_a_further_record(answered, editor):
    (first,) = records_of(RecordKind.REQUEST, answered.pk)
    # No screen re-opens a request today; were one added, its new answer is a new conclusion.
    DisclosureRequest.objects.filter(pk=answered.pk).update(status=RequestStatus.ACCEPTED)
    request_answer(request=answered, actor=editor, outcome="disclosed", answer_text="补充公开7月至12月明细。", at=at("2026-12-01"))

    first_again, second = records_of(RecordKind.REQUEST, answered.pk)
    assert first_again == first and second.content["follows"] == first.number
    assert second.content["answer_text"] == "补充公开7月至12月明细。"


# Where the records are read: PDF, listing, volume, verification --------------------------------


def test_the_records_pdf_reads_back_with_the_request_and_its_answer(answered, replied):
    (request_record,) = records_of(RecordKind.REQUEST, answered.pk)
    (feedback_record,) = records_of(RecordKind.FEEDBACK, replied.pk)

    text = pdf_text(stored_pdf(request_record))
    flat = "".join(text.split())
    for expected in (answered.tracking_number, "依申请公开", "办结时间", "申请公开的内容", "答复内容", "办理过程", "138****5678", "党费明细.pdf"):
        assert expected in flat, expected
    assert PHONE not in flat and "发布时间" not in flat
    feedback_text = "".join(pdf_text(stored_pdf(feedback_record)).split())
    for expected in ("意见建议", "建议把党费使用情况按季度公开", "感谢建议", "答复人（签批）"):
        assert expected in feedback_text, expected


def test_the_archivist_finds_them_by_kind(client, archivist, answered, replied):
    client.force_login(archivist)

    page = client.get(reverse(INDEX), {"kind": RecordKind.REQUEST}).content.decode()
    assert answered.tracking_number in page and "依申请公开" in page
    assert "建议把党费使用情况" not in page
    page = client.get(reverse(INDEX), {"kind": RecordKind.FEEDBACK}).content.decode()
    assert "建议把党费使用情况" in page


def test_the_volume_holds_them_with_their_kind_in_the_catalogue(answered, replied, unit, tmp_path):
    (request_record,) = records_of(RecordKind.REQUEST, answered.pk)
    (feedback_record,) = records_of(RecordKind.FEEDBACK, replied.pk)
    year = request_record.year
    assert feedback_record.year == year

    volume = export_volume(unit=unit(WJ), year=year, outdir=tmp_path)

    assert volume.valid
    validate_zip(volume.zip_path)
    rows = {row[0]: row for row in csv.reader(io.StringIO(volume.csv_path.read_text(encoding="utf-8-sig")))}
    assert "依申请公开" in rows[request_record.number][-1] and "附件1件" in rows[request_record.number][-1]
    assert "意见建议" in rows[feedback_record.number][-1]
    with zipfile.ZipFile(volume.zip_path) as bag:
        names = bag.namelist()
        attachment = next(n for n in names if f"/data/{request_record.number}/attachments/" in n)
        assert bag.read(attachment) == ANSWER_FILE
        filed = json.loads(bag.read(next(n for n in names if n.endswith(f"/data/{request_record.number}/record.json"))))
        assert filed["kind_label"] == "依申请公开" and filed["content_hash"] == request_record.content_hash
    catalogue = "".join(pdf_text(volume.catalogue_path.read_bytes()).split())
    assert request_record.number in catalogue and "依申请公开" in catalogue


def verify(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_archive", "--unit", WJ, *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def _request_with_id(unit, pk: int) -> DisclosureRequest:
    """A request whose id is also a page's id (ids of different tables meet all the time)."""
    rule_set = rule_set_for_unit(unit(WJ))
    return DisclosureRequest.objects.create(
        pk=pk,
        tracking_number=f"YSQ-2026-{pk:06d}",
        unit=unit(WJ),
        applicant_name="王五",
        request_text="请公开支部委员分工。",
        rule_set=rule_set,
        rules=rule_set.snapshot(),
        secret_hash="sha256$x$y",
    )


def test_verify_archive_passes_with_them_in_the_chain(answered, replied, unit, editor):
    req = _request_with_id(unit, DisclosureItemPage.objects.order_by("-pk").values_list("pk", flat=True).first())
    request_accept(request=req, actor=editor)
    request_answer(request=req, actor=editor, outcome="disclosed", answer_text="见附件。")

    code, out, err = verify()

    assert code == 0, err
    assert "全部一致" in out
    assert "现行文件已不存在" not in out + err


def test_a_request_sharing_an_items_id_does_not_hide_the_item_from_filing(unit, editor):
    item = make_item(WJ, "1-1-1", title="尚未归档的事项")  # published without filing, as an import that failed to file
    req = _request_with_id(unit, item.pk)
    request_accept(request=req, actor=editor)
    request_answer(request=req, actor=editor, outcome="disclosed", answer_text="见附件。")

    archive_imported_ids([item.pk])

    assert [r.kind for r in records_for_item(item)] == [RecordKind.IMPORT]


# The past --------------------------------------------------------------------------------------


@pytest.fixture
def concluded_before_upgrade(unit, user_named):
    """Rows concluded before these kinds were filed: written directly, as an old site's database has them."""
    rule_set = rule_set_for_unit(unit(WJ))
    req = DisclosureRequest.objects.create(
        unit=unit(WJ),
        applicant_name="赵六",
        contact_phone="020-87654321",
        request_text="请公开2024年度发展党员名单。",
        rule_set=rule_set,
        rules=rule_set.snapshot(),
        secret_hash="sha256$x$y",
        status=RequestStatus.FILED,
        submitted_at=at("2024-03-01"),
        accepted_at=at("2024-03-02"),
        answered_at=at("2024-03-10"),
        outcome="disclosed",
        answer_text="名单已在党务公开栏公布。",
    )
    feedback = Feedback.objects.create(
        unit=unit(WJ),
        content="公开栏的字太小。",
        submitted_at=at("2024-05-01"),
        reply="已更换为大字版。",
        replied_at=at("2024-05-06"),
        replied_by=user_named("wj_editor"),
    )
    return req, feedback


def test_the_backfill_files_the_past_once_with_progress(concluded_before_upgrade):
    req, feedback = concluded_before_upgrade
    out = io.StringIO()

    call_command("archive_participation", stdout=out)

    text = out.getvalue()
    assert "依申请公开：已处理" in text and "意见建议与点题：已处理" in text and "完成" in text
    (request_record,) = records_of(RecordKind.REQUEST, req.pk)
    (feedback_record,) = records_of(RecordKind.FEEDBACK, feedback.pk)
    assert request_record.year == 2024 and request_record.number.startswith("2024-")
    assert request_record.content["applicant"]["phone"] == "020****4321"
    assert feedback_record.published_at == feedback.replied_at

    again = io.StringIO()
    call_command("archive_participation", stdout=again)
    assert "依申请公开新归档 0 件" in again.getvalue() and "意见建议与点题新归档 0 件" in again.getvalue()
    assert len(records_of(RecordKind.REQUEST, req.pk)) == len(records_of(RecordKind.FEEDBACK, feedback.pk)) == 1
    assert verify()[0] == 0


def test_loading_the_demo_leaves_its_concluded_requests_and_feedback_archived(
    concluded_before_upgrade, django_capture_on_commit_callbacks
):
    req, feedback = concluded_before_upgrade

    with django_capture_on_commit_callbacks(execute=True):
        demo_loaded.send(sender=DisclosureItemPage, report=DemoReport(), with_users=False)

    assert len(records_of(RecordKind.REQUEST, req.pk)) == len(records_of(RecordKind.FEEDBACK, feedback.pk)) == 1
