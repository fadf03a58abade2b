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


def interpretation_errors(action: str, data: dict[str, Any]) -> dict[str, str]:
    """第三十条: no approval of a document whose node needs a 政策解读 before one is attached."""
    if action != "approve":
        return {}
    task_state = TaskState.objects.filter(pk=data.get("screened_task_state") or 0).first()
    if task_state is None:
        return {}
    from disclosure_pages.services import interpretation_missing

    from .models.workflow import item_of

    message = interpretation_missing(item_of(task_state))
    return {"__all__": message} if message else {}


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
    if action == "approve":
        errors.update(routing_errors(data))
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
        for message in interpretation_errors(self.action, data).values():
            self.add_error(None, message)
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
    # The dialog's template names the task state (see ReviewActionForm), for the 政策解读 check.
    screened_task_state = forms.IntegerField(required=False, widget=forms.HiddenInput)

    opinion = _opinion("主要领导意见", LeaderOpinion.choices, initial=LeaderOpinion.AGREE)
    reason = _required_text("理由")

    def clean(self):
        data = super().clean()
        for field, message in leader_errors(self.action, data).items():
            if field not in self.errors:
                self.add_error(None if field == "__all__" else field, message)
        for message in interpretation_errors(self.action, data).values():
            self.add_error(None, message)
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


# --- 审核: who else must act (区保密办, 会签) -------------------------------------------------------


def _unit_choices():
    from disclosure_pages.models import UnitPage

    return UnitPage.objects.order_by("path")


class UnitsField(forms.ModelMultipleChoiceField):
    """Units by id. Cleans to a list of ids, not a queryset: Wagtail hands an action modal's
    cleaned_data back to the edit view as JSON, and a queryset cannot be (a 500 there)."""

    def clean(self, value):
        return [unit.pk for unit in super().clean(value)]

    def label_from_instance(self, obj):
        # 武江区·区委办, with the regions' titles read once for the whole list.
        if not hasattr(self, "_regions"):
            from disclosure_pages.models import RegionPage

            self._regions = dict(RegionPage.objects.values_list("path", "title"))
        region = self._regions.get(obj.path[: -obj.steplen], "")
        return f"{region}·{obj.title}" if region else obj.title


def _add_routing_fields(form_class) -> None:
    form_class.base_fields["request_secrecy_office"] = forms.BooleanField(
        label="报区保密办审查",
        required=False,
        help_text="《中共惠农区委党务公开若干制度（试行）》第十七条：区保密办协同负责信息发布保密工作的监督和指导。"
        "自动预审发现密级标志的事项一律报区保密办审查。",
    )
    form_class.base_fields["secrecy_office_request_reason"] = forms.CharField(
        label="报区保密办审查的原因", required=False, widget=REASON_WIDGET
    )


_add_routing_fields(ReviewActionForm)
ReviewActionForm.base_fields["countersign_units"] = UnitsField(
    label="会签部门",
    queryset=_unit_choices(),
    required=False,
    widget=forms.SelectMultiple(attrs={"size": 6}),
    help_text="《中共惠农区委党务公开若干制度（试行）》第十六条：公开信息涉及其他党务公开责任部门（单位）的，经对方确认后发布。"
    "选择的每个部门的分管负责人都须会签同意。",
)


def routing_errors(data: dict[str, Any]) -> dict[str, str]:
    if data.get("request_secrecy_office") and not (data.get("secrecy_office_request_reason") or "").strip():
        return {"secrecy_office_request_reason": "报区保密办审查时，请说明原因。"}
    return {}


# --- 保密审查: the unit's 分管保密负责人, the 区保密办 -----------------------------------------------


def secrecy_errors(action: str, data: dict[str, Any], *, office: bool) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not (data.get("secrecy_reason") or "").strip():
        errors["secrecy_reason"] = "请填写保密审查理由。"
    passed = data.get("secrecy_opinion") == SecrecyOpinion.PASS
    if action == "approve" and not passed:
        errors["__all__"] = "保密审查意见为“不通过”或“需脱密处理”时，请选择“退回修改”。"
    if action == "reject" and passed:
        errors["__all__"] = "保密审查意见为“通过”时，请选择“保密审查通过”。"
    if not office:
        errors.update(routing_errors(data))
    return errors


class SecrecyActionForm(forms.Form):
    """保密审查 (分管保密负责人, 第二十六条（三）): 保密审查意见 + 理由; may send the item to the 区保密办."""

    action = "approve"
    office = False
    # The dialog's template names the task state (see ReviewActionForm), for the 政策解读 check.
    screened_task_state = forms.IntegerField(required=False, widget=forms.HiddenInput)

    secrecy_opinion = _opinion("保密审查意见", SecrecyOpinion.choices, initial=SecrecyOpinion.PASS)
    secrecy_reason = _required_text("保密审查理由")

    def clean(self):
        data = super().clean()
        for field, message in secrecy_errors(self.action, data, office=self.office).items():
            if field not in self.errors:
                self.add_error(None if field == "__all__" else field, message)
        for message in interpretation_errors(self.action, data).values():
            self.add_error(None, message)
        return data


_add_routing_fields(SecrecyActionForm)


class SecrecyRejectForm(SecrecyActionForm):
    action = "reject"

    secrecy_opinion = _opinion(
        "保密审查意见", SecrecyOpinion.choices, help_text="选择“不通过”或“需脱密处理”时，请在理由中写明需删改的内容。"
    )


class OfficeActionForm(SecrecyActionForm):
    """保密审查 (区保密办, 第十七条): 区保密办意见 + 理由."""

    office = True
    secrecy_opinion = _opinion("区保密办意见", SecrecyOpinion.choices, initial=SecrecyOpinion.PASS)
    secrecy_reason = _required_text("区保密办意见理由")


for _name in ("request_secrecy_office", "secrecy_office_request_reason"):
    OfficeActionForm.base_fields.pop(_name, None)


class OfficeRejectForm(OfficeActionForm):
    action = "reject"

    secrecy_opinion = _opinion(
        "区保密办意见", SecrecyOpinion.choices, help_text="选择“不通过”或“需脱密处理”时，请在理由中写明需删改的内容。"
    )


# --- 会签 -----------------------------------------------------------------------------------------


def countersign_errors(action: str, data: dict[str, Any]) -> dict[str, str]:
    errors = {}
    if not (data.get("reason") or "").strip():
        errors["reason"] = "请填写会签理由。"
    if action == "approve" and data.get("opinion") != DiscloseOpinion.AGREE:
        errors["__all__"] = "会签意见为“不同意”时，请选择“不同意，退回”。"
    if action == "reject" and data.get("opinion") != DiscloseOpinion.DISAGREE:
        errors["__all__"] = "会签意见为“同意”时，请选择“会签同意”。"
    return errors


class CountersignActionForm(forms.Form):
    """会签 (第十六条): the concerned department's 分管负责人 agrees, or not, with a reason."""

    action = "approve"
    # The dialog's template names the task state (see ReviewActionForm), for the 政策解读 check.
    screened_task_state = forms.IntegerField(required=False, widget=forms.HiddenInput)

    opinion = _opinion("会签意见", DiscloseOpinion.choices, initial=DiscloseOpinion.AGREE)
    reason = _required_text("会签理由")

    def clean(self):
        data = super().clean()
        for field, message in countersign_errors(self.action, data).items():
            if field not in self.errors:
                self.add_error(None if field == "__all__" else field, message)
        for message in interpretation_errors(self.action, data).values():
            self.add_error(None, message)
        return data


class CountersignRejectForm(CountersignActionForm):
    action = "reject"

    opinion = _opinion("会签意见", DiscloseOpinion.choices, initial=DiscloseOpinion.DISAGREE)
