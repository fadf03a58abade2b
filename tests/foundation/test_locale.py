"""The project's own translations fill gaps in Wagtail's Simplified Chinese catalogue."""

from django.utils import translation


def test_final_approval_button_reads_as_one_chinese_phrase():
    with translation.override("zh-hans"):
        label = translation.gettext("%(label)s and Publish") % {"label": "审批同意"}
    assert label == "审批同意并发布"
