from wagtail import hooks

from .models.workflow import COUNTERSIGN_LOG_ACTION, SKIP_LOG_ACTION


@hooks.register("register_log_actions")
def register_review_actions(actions):
    actions.register_action(SKIP_LOG_ACTION, "审批环节跳过", "审批环节跳过（无需此环节）")
    actions.register_action(COUNTERSIGN_LOG_ACTION, "会签", "会签（相关部门）")


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def record_proposal(request, page):
    """The proposer's 初步公开意见 / 初步保密意见 typed on the 审批表 tab go to the open approval form."""
    proposal = getattr(page, "_approval_proposal", None)
    if proposal is not None and page.pk:
        from .services import approval_form_record_proposal

        approval_form_record_proposal(item=page.specific, **proposal)
