"""The forms of the workflow's actions: what the reviewer and the leader fill in the action dialog."""

from __future__ import annotations

from typing import Any

from django import forms
from wagtail.models import TaskState

from disclosure_pages.choices import DiscloseOpinion, LeaderOpinion, SecrecyOpinion

from . import prescreen

# --- action forms ---------------------------------------------------------------------------

REASON_WIDGET = forms.Textarea(attrs={"rows": 2})


def _required_text(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=REASON_WIDGET,
        error_messages={"required": f"请填写{label}。"},
    )


def _opinion(label: str, choices, help_text: str = "", initial=None) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        help_text=help_text,
        initial=initial,
        error_messages={"required": f"请选择{label}。"},
    )


def review_errors(
    action: str, data: dict[str, Any], *, public: bool, findings: list[prescreen.Finding]
) -> dict[str, str]:
    """What is wrong with a reviewer's decision; shared by the action form and on_action."""
    errors: dict[str, str] = {}
    agrees = data.get("disclose_opinion") == DiscloseOpinion.AGREE and data.get("secrecy_opinion") == SecrecyOpinion.PASS
    for name, label in (("disclose_reason", "公开意见理由"), ("secrecy_reason", "保密审核理由")):
        if not (data.get(name) or "").strip():
            errors[name] = f"请填写{label}。"
    if action == "approve" and not agrees:
        errors["__all__"] = "公开意见为“不同意”或保密审核为“不通过”“需脱密处理”时，请选择“退回修改”。"
    if action == "reject" and agrees:
        errors["__all__"] = "公开意见为“同意”且保密审核“通过”时，请选择“审核通过”。"
    if action == "approve" and public and findings:
        if not data.get("prescreen_confirmed"):
            errors["prescreen_confirmed"] = (
                f"本事项拟向社会公开，自动预审发现 {len(findings)} 处疑似涉密或个人信息"
                f"（{prescreen.summarise(findings)}）。请逐项核实，勾选“已核实”并说明理由后方可通过。"
            )
        elif not (data.get("prescreen_reason") or "").strip():
            errors["prescreen_reason"] = "请说明核实情况，如“手机号码为单位办公电话，可以公开”。"
    return errors


class ReviewActionForm(forms.Form):
    """审核 (分管负责人): 公开意见 + 理由, 保密审核 + 理由 (审批表的“公开意见”“保密审核”两栏)."""

    action = "approve"

    disclose_opinion = _opinion(
        "公开意见",
        DiscloseOpinion.choices,
        help_text="《中共惠农区委党务公开若干制度（试行）》第十五条：分管负责人对拟公开内容的真实性进行把关，就公开的范围、方式、时限、是否涉密等进行审核，并作出是否公开的决定。",
        initial=DiscloseOpinion.AGREE,
    )
    disclose_reason = _required_text("公开意见理由")
    secrecy_opinion = _opinion(
        "保密审核",
        SecrecyOpinion.choices,
        help_text="《平罗县编办关于加强和规范党委公开工作实施方案》：拟公开的党务信息中含涉密内容的，须按有关规定进行脱密处理；涉及党员个人的，要防止泄露隐私。"
        "选择“需脱密处理”时事项退回录入人脱密后重新提交。",
        initial=SecrecyOpinion.PASS,
    )
    secrecy_reason = _required_text("保密审核理由")
    request_leader_approval = forms.BooleanField(
        label="报主要负责人审批",
        required=False,
        help_text="《中共惠农区委党务公开若干制度（试行）》第十五条：重要信息必须经部门（单位）主要负责人审核同意后方可发布。目录标注为重要信息的事项一律报批；"
        "其余事项不勾选时，审核通过即发布（设有定时发布时间的，到时发布）。",
    )
    prescreen_confirmed = forms.BooleanField(
        label="已核实自动预审提示",
        required=False,
        help_text="社会公开的事项有自动预审提示时，须逐项核实后勾选。",
    )
    prescreen_reason = forms.CharField(label="核实说明", required=False, widget=REASON_WIDGET)
    # Filled by the template (the view builds the form without arguments), so that clean()
    # can look at the item under review; on_action checks again without trusting it.
    # (not called "task_state": the view passes cleaned_data to on_action(task_state, ...) as keywords)
    screened_task_state = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        public, findings = False, []
        task_state = TaskState.objects.filter(pk=data.get("screened_task_state") or 0).first()
        if task_state is not None:
            from .selectors import review_target

            public, findings = review_target(task_state)
        for field, message in review_errors(self.action, data, public=public, findings=findings).items():
            if field not in self.errors:  # a required field already says so
                self.add_error(None if field == "__all__" else field, message)
        return data


class ReviewRejectForm(ReviewActionForm):
    action = "reject"

    disclose_opinion = _opinion("公开意见", DiscloseOpinion.choices)
    secrecy_opinion = _opinion(
        "保密审核",
        SecrecyOpinion.choices,
        help_text="选择“不通过”或“需脱密处理”时，请在理由中写明需删改的内容。",
    )
    request_leader_approval = None
    prescreen_confirmed = None
    prescreen_reason = None


class LeaderActionForm(forms.Form):
    """审批 (主要负责人): 主要领导意见 + 理由."""

    action = "approve"

    opinion = _opinion("主要领导意见", LeaderOpinion.choices, initial=LeaderOpinion.AGREE)
    reason = _required_text("理由")

    def clean(self):
        data = super().clean()
        for field, message in leader_errors(self.action, data).items():
            if field not in self.errors:
                self.add_error(None if field == "__all__" else field, message)
        return data


class LeaderRejectForm(LeaderActionForm):
    action = "reject"

    opinion = _opinion("主要领导意见", LeaderOpinion.choices, initial=LeaderOpinion.DISAGREE)


def leader_errors(action: str, data: dict[str, Any]) -> dict[str, str]:
    errors = {}
    if not (data.get("reason") or "").strip():
        errors["reason"] = "请填写理由。"
    if action == "approve" and data.get("opinion") != LeaderOpinion.AGREE:
        errors["__all__"] = "主要领导意见为“不同意”时，请选择“不同意，退回”。"
    if action == "reject" and data.get("opinion") != LeaderOpinion.DISAGREE:
        errors["__all__"] = "主要领导意见为“同意”时，请选择“审批同意”。"
    return errors
