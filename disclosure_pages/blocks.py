"""The five standard tables of seed 000 (表一–表五) as typed, validated blocks.

Each table keeps the source form's frame: a title, 填报单位 and date in the
header, typed rows, and the footer 党（总）支部委会负责人 / 制表人 / 党务公开监督小组.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.forms.utils import ErrorList
from wagtail import blocks
from wagtail.blocks.stream_block import StreamBlockValidationError, StreamValue
from wagtail.blocks.struct_block import BlockGroup, StructBlockValidationError

PHONE_RE = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?|\d{7,8})$")
phone_validator = RegexValidator(
    PHONE_RE, "请输入有效的电话号码，例如 0751-8881234 或 13800138000。"
)

GENDER_CHOICES = [("男", "男"), ("女", "女")]
HALF_CHOICES = [("上", "上半年"), ("下", "下半年")]


FOOTER_FIELDS = ["leader", "tabulator", "supervision"]


class FooterMixin(blocks.StructBlock):
    """Signature line shared by every table of the source forms.

    The form asks for it last, as the paper form has it at the bottom: the layout is set
    after the blocks are built (Meta.form_layout would reorder the child blocks themselves,
    which changes the field definition frozen in the migrations; the stored values are
    keyed by name and do not care).
    """

    leader = blocks.CharBlock(label="党（总）支部委会负责人", required=False, max_length=50)
    tabulator = blocks.CharBlock(label="制表人", required=False, max_length=50)
    supervision = blocks.CharBlock(label="党务公开监督小组", required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        body = [name for name in self.child_blocks if name not in FOOTER_FIELDS]
        self.meta.form_layout = BlockGroup(body + [BlockGroup(FOOTER_FIELDS, heading="签署栏")])


def _year_block(label: str, required: bool = True) -> blocks.IntegerBlock:
    return blocks.IntegerBlock(label=label, min_value=1949, max_value=2100, required=required)


class LeadershipRowBlock(blocks.StructBlock):
    name = blocks.CharBlock(label="姓名", max_length=50)
    position = blocks.CharBlock(label="职务", max_length=100)
    gender = blocks.ChoiceBlock(label="性别", choices=GENDER_CHOICES)
    phone = blocks.CharBlock(
        label="联系电话",
        max_length=30,
        required=False,
        validators=[phone_validator],
        help_text="个人手机号码在公开页面上自动隐去中间四位。",
    )
    duties = blocks.TextBlock(label="分工", required=False)


class LeadershipTableBlock(FooterMixin):
    fill_date = blocks.DateBlock(label="填报日期")
    rows = blocks.ListBlock(LeadershipRowBlock(), label="班子成员", min_num=1)

    class Meta:
        label = "表一 班子成员情况及分工"
        form_title = "党（总）支部班子成员情况及分工"
        template = "disclosure_pages/blocks/leadership.html"
        icon = "group"


class TermGoalsTableBlock(FooterMixin):
    fill_date = blocks.DateBlock(label="填报日期")
    start_year = _year_block("任期起始年")
    end_year = _year_block("任期截止年")
    content = blocks.TextBlock(label="任期党建目标")

    class Meta:
        label = "表二 任期党建目标"
        form_title = "党（总）支部任期党建目标"
        template = "disclosure_pages/blocks/term_goals.html"
        icon = "pick"

    def clean(self, value):
        value = super().clean(value)
        if value["end_year"] < value["start_year"]:
            raise StructBlockValidationError(
                block_errors={"end_year": ErrorList([ValidationError("任期截止年不能早于起始年。")])}
            )
        return value


class AnnualPlanTableBlock(FooterMixin):
    fill_date = blocks.DateBlock(label="填报日期")
    year = _year_block("计划年度")
    content = blocks.TextBlock(label="本年党建工作计划及上年工作总结")

    class Meta:
        label = "表三 年度党建计划及上年工作总结"
        form_title = "党（总）支部年度党建计划及上年工作总结"
        template = "disclosure_pages/blocks/annual_plan.html"
        icon = "date"


def _amount_block(label: str) -> blocks.DecimalBlock:
    return blocks.DecimalBlock(
        label=label, min_value=Decimal("0"), max_digits=12, decimal_places=2, required=False
    )


class PartyDuesRowBlock(blocks.StructBlock):
    members = blocks.IntegerBlock(label="党员人数", min_value=0)
    paid = _amount_block("党员缴纳党费金额（元）")
    remitted = _amount_block("党委上缴党费金额（元）")
    returned = _amount_block("上级返还党费金额（元）")
    allocated = _amount_block("上级下拨党费金额（元）")
    usage = blocks.TextBlock(label="党费使用情况及范围", required=False)


class PartyDuesTableBlock(FooterMixin):
    fill_date = blocks.DateBlock(label="填报日期")
    year = _year_block("年度")
    half = blocks.ChoiceBlock(label="上/下半年", choices=HALF_CHOICES)
    rows = blocks.ListBlock(PartyDuesRowBlock(), label="党费情况", min_num=1)

    class Meta:
        label = "表四 党费收缴、管理和使用情况"
        form_title = "党（总）支部党费收缴、管理和使用情况"
        template = "disclosure_pages/blocks/party_dues.html"
        icon = "table"


class MemberDevelopmentRowBlock(blocks.StructBlock):
    year = _year_block("年度")
    name = blocks.CharBlock(label="姓名", max_length=50)
    gender = blocks.ChoiceBlock(label="性别", choices=GENDER_CHOICES)
    birth = blocks.CharBlock(
        label="出生年月",
        max_length=7,
        validators=[RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", "出生年月格式为 YYYY-MM，例如 1990-05。")],
    )
    education = blocks.CharBlock(label="文化程度", max_length=30, required=False)
    joined = blocks.DateBlock(label="入党时间")
    sponsor = blocks.CharBlock(label="培养人", max_length=50, required=False)
    department = blocks.CharBlock(label="工作部门", max_length=100, required=False)

    def clean(self, value):
        value = super().clean(value)
        birth = datetime.date(int(value["birth"][:4]), int(value["birth"][5:7]), 1)
        if value["joined"] and value["joined"] < birth.replace(year=birth.year + 18):
            raise StructBlockValidationError(
                block_errors={"joined": ErrorList([ValidationError("入党时间应在年满十八周岁之后。")])}
            )
        return value


class MemberDevelopmentTableBlock(FooterMixin):
    fill_date = blocks.DateBlock(label="填报日期")
    rows = blocks.ListBlock(MemberDevelopmentRowBlock(), label="发展党员", min_num=1)

    class Meta:
        label = "表五 党员发展情况"
        form_title = "党（总）支部党员发展情况"
        template = "disclosure_pages/blocks/member_development.html"
        icon = "user"


class IncompleteTables(StreamValue):
    """What a POST without the StreamField's own bookkeeping fields (or with nonsense in them) becomes."""


class DisclosureTablesBlock(blocks.StreamBlock):
    leadership = LeadershipTableBlock()
    term_goals = TermGoalsTableBlock()
    annual_plan = AnnualPlanTableBlock()
    party_dues = PartyDuesTableBlock()
    member_development = MemberDevelopmentTableBlock()

    class Meta:
        required = False

    def value_from_datadict(self, data, files, prefix):
        # Wagtail reads "<prefix>-count", "-order", "-deleted" with data[...] and int(): a POST
        # that lacks them (a script, a truncated request) raised KeyError/ValueError, a 500.
        # Here it becomes a form error instead.
        try:
            return super().value_from_datadict(data, files, prefix)
        except (KeyError, ValueError, TypeError):
            return IncompleteTables(self, [])

    def clean(self, value):
        if isinstance(value, IncompleteTables):
            raise StreamBlockValidationError(non_block_errors=["标准表格的数据不完整，请刷新页面后重新填写。"])
        return super().clean(value)


TABLE_TYPES = ("leadership", "term_goals", "annual_plan", "party_dues", "member_development")


def table_plain_text(stream_value) -> str:
    """All cell text of a tables StreamField, for search and the secrecy pre-screen."""
    parts: list[str] = []

    def walk(value) -> None:
        if isinstance(value, dict) or hasattr(value, "items"):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)) or hasattr(value, "__iter__") and not isinstance(value, str):
            for item in value:
                walk(item)
        elif value not in (None, ""):
            parts.append(str(value))

    for child in stream_value or []:
        block_meta = getattr(child.block, "meta", None)
        if block_meta is not None and getattr(block_meta, "form_title", None):
            parts.append(block_meta.form_title)
        walk(child.value)
    return "\n".join(parts)
