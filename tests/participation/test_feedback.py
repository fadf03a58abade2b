"""意见建议 and 点题 on a unit or an item; replies reach the 回音壁 only after moderation."""

from __future__ import annotations

import pytest

from participation.choices import FeedbackKind
from participation.models import Feedback
from participation.services import RequestError, feedback_publish, feedback_reply, feedback_unpublish

from .conftest import WJ


def give(client, url, **data):
    return client.post(url, {"kind": "opinion", "content": "建议把党费使用情况按季度公开。", "website": "", **data})


def test_public_gives_feedback_on_a_unit_with_name_and_contact_optional(client, unit):
    wj = unit(WJ)
    response = give(client, f"/feedback/unit/{wj.pk}/")
    assert response.status_code == 200 and "已收到您的提交" in response.content.decode()
    feedback = Feedback.objects.get()
    assert (feedback.unit, feedback.item, feedback.kind, feedback.name, feedback.contact) == (
        wj,
        None,
        "opinion",
        "",
        "",
    )


def test_topic_request_on_an_item(client, item_factory):
    item = item_factory(WJ, "1-1-1", scope="public")
    give(
        client,
        f"/feedback/item/{item.pk}/",
        kind="topic",
        content="希望公开发展党员计划。",
        name="赵六",
        contact="13600001111",
    )
    feedback = Feedback.objects.get()
    assert feedback.item.pk == item.pk and feedback.unit.pk == item.unit.pk and feedback.kind == FeedbackKind.TOPIC


def test_feedback_on_an_item_the_visitor_may_not_see_is_404(client, item_factory):
    internal = item_factory(WJ, "1-1-1", scope="party")
    assert client.get(f"/feedback/item/{internal.pk}/").status_code == 404
    assert give(client, f"/feedback/item/{internal.pk}/").status_code == 404
    assert Feedback.objects.count() == 0


def test_too_long_feedback_keeps_the_text(client, unit):
    response = give(client, f"/feedback/unit/{unit(WJ).pk}/", content="议" * 1001)
    page = response.content.decode()
    assert "内容不能超过1000字（现为1001字）" in page and "议" * 1001 in page
    assert Feedback.objects.count() == 0


def test_reply_is_shown_only_after_moderation_and_never_the_contact(client, unit, item_factory, staff):
    wj = unit(WJ)
    item = item_factory(WJ, "1-1-1", title="党费收缴情况", scope="public")
    give(
        client,
        f"/feedback/item/{item.pk}/",
        kind="topic",
        content="请公开党费使用明细。",
        name="赵六",
        contact="13600001111",
    )
    feedback = Feedback.objects.get()

    office = staff("wj_editor")
    client.force_login(office)
    assert "请公开党费使用明细。" in client.get("/admin/participation/feedback/?state=new").content.decode()
    detail = client.get(f"/admin/participation/feedback/{feedback.pk}/").content.decode()
    assert "13600001111" in detail  # the unit's staff may call back
    client.post(f"/admin/participation/feedback/{feedback.pk}/", {"reply": "已在2026年第一季度公开。"})
    feedback.refresh_from_db()
    assert feedback.replied_by == office

    client.logout()
    for url in (wj.url, item.url, "/feedback/"):
        assert "已在2026年第一季度公开。" not in client.get(url).content.decode()  # replied, not yet moderated

    client.force_login(office)
    confirm = client.get(f"/admin/participation/feedback/{feedback.pk}/publish/").content.decode()
    assert "确认将问题和答复" in confirm
    client.post(f"/admin/participation/feedback/{feedback.pk}/publish/", {"public_content": "请公开党费使用明细。"})
    client.logout()
    for url in (wj.url, item.url, "/feedback/", f"/feedback/unit/{wj.pk}/"):
        page = client.get(url).content.decode()
        assert "请公开党费使用明细。" in page and "已在2026年第一季度公开。" in page, url
        assert "13600001111" not in page and "赵六" not in page, url

    client.force_login(office)
    client.post(f"/admin/participation/feedback/{feedback.pk}/unpublish/", {})
    client.logout()
    assert "已在2026年第一季度公开。" not in client.get(wj.url).content.decode()
    assert feedback.history.count() >= 4


def test_moderator_may_redact_the_question_before_publishing(unit, user_named):
    feedback = Feedback.objects.create(unit=unit(WJ), content="我是张三，电话13800000000，建议公开会议记录。")
    editor = user_named("wj_editor")
    with pytest.raises(RequestError, match="请先答复"):
        feedback_publish(feedback=feedback, actor=editor)
    feedback_reply(feedback=feedback, actor=editor, reply="会议情况已按季度公开。")
    feedback_publish(feedback=feedback, actor=editor, public_content="建议公开会议记录。")
    assert feedback.shown_question == "建议公开会议记录。"


def test_feedback_on_an_internal_item_stays_off_the_unit_wall(client, unit, item_factory, user_named):
    internal = item_factory(WJ, "1-1-1", title="内部事项", scope="party")
    feedback = Feedback.objects.create(unit=unit(WJ), item=internal, content="内部问题")
    editor = user_named("wj_editor")
    feedback_reply(feedback=feedback, actor=editor, reply="内部答复")
    feedback_publish(feedback=feedback, actor=editor)
    assert "内部答复" not in client.get(unit(WJ).url).content.decode()
    assert "内部答复" not in client.get("/feedback/").content.decode()


def test_other_units_staff_cannot_reply(client, unit, outsider_editor):
    feedback = Feedback.objects.create(unit=unit(WJ), content="问题")
    with pytest.raises(RequestError):
        feedback_reply(feedback=feedback, actor=outsider_editor, reply="越权答复")
    client.force_login(outsider_editor)
    assert client.get(f"/admin/participation/feedback/{feedback.pk}/").status_code == 404


@pytest.mark.parametrize("where", ["item", "unit"])
def test_the_wall_shows_a_reply_as_soon_as_it_is_published_and_drops_it_when_withdrawn_with_fragments_cached(
    client, unit, item_factory, user_named, settings, django_capture_on_commit_callbacks, where
):
    """The 互动交流 panel is a cached fragment on the public pages: publishing or withdrawing a reply
    must retire it at once, as a publication retires the page's other fragments."""
    from django.core.cache import cache

    settings.PUBLIC_FRAGMENT_CACHE_SECONDS = 300
    cache.clear()
    item = item_factory(WJ, "1-1-1", title="回音壁缓存测试事项", scope="public")
    page_url = item.url if where == "item" else unit(WJ).url
    feedback = Feedback.objects.create(unit=unit(WJ), item=item, content="请公开党费收缴明细。")
    editor = user_named("wj_editor")
    feedback_reply(feedback=feedback, actor=editor, reply="回音壁缓存测试答复")
    assert "回音壁缓存测试答复" not in client.get(page_url).content.decode()  # the fragment is cached now
    with django_capture_on_commit_callbacks(execute=True):
        feedback_publish(feedback=feedback, actor=editor)
    assert "回音壁缓存测试答复" in client.get(page_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        feedback_unpublish(feedback=feedback, actor=editor)
    assert "回音壁缓存测试答复" not in client.get(page_url).content.decode()
