"""Page types: the page tree is the organisation.

PortalHomePage → RegionPage (nests) → UnitPage → CatalogNodePage (一级/二级/三级)
→ DisclosureItemPage. Wagtail's tree rules (parent_page_types / subpage_types,
can_create_at) keep every type where it belongs.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.functional import SimpleLazyObject, cached_property
from modelcluster.fields import ParentalKey
from simple_history.models import HistoricalRecords
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from .blocks import DisclosureTablesBlock, table_plain_text
from .choices import (
    AttachmentAttribute,
    DisclosureMethod,
    DisclosureRequirement,
    PeriodType,
    Retention,
    Role,
    Schedule,
    Scope,
    WithdrawalKind,
)
from .forms import DisclosureItemForm
from .panels import CorrectionPanel, PrescreenPanel, ReturnedReasonPanel
from .permissions import UnitPermissionsMixin
from .sanitising import sanitise_html

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class SanitisedHtmlMixin:
    """Rich text fields pass the HTML allow-list (sanitising.py) whenever the page is cleaned
    (save_revision, form validation) or saved, so neither a revision nor the page row ever
    holds markup the allow-list refuses, whoever wrote it (editor, service, import)."""

    sanitised_html_fields: tuple[str, ...] = ()

    def sanitise_html_fields(self) -> None:
        for name in self.sanitised_html_fields:
            setattr(self, name, sanitise_html(getattr(self, name)))

    def full_clean(self, *args, **kwargs):
        self.sanitise_html_fields()
        return super().full_clean(*args, **kwargs)

    def save(self, *args, **kwargs):
        self.sanitise_html_fields()
        return super().save(*args, **kwargs)


class UnmoderatedPageMixin(SanitisedHtmlMixin, UnitPermissionsMixin):
    """The tree's structure pages (home, regions, units, catalogue) are not moderated:
    only DisclosureItemPage goes through 党务公开审批流程, assigned on the home page.

    They are containers: one that is not live hides everything below it (Wagtail's route()
    would otherwise walk through an unpublished node to the live pages under it)."""

    def get_workflow(self):
        return None

    @property
    def has_workflow(self) -> bool:
        return False

    def route(self, request, path_components):
        if path_components and not self.live:
            raise Http404
        return super().route(request, path_components)


def _plain_route(model) -> bool:
    return getattr(model.route, "__func__", model.route) in (Page.route, UnmoderatedPageMixin.route)


def route_in_one_query(root: Page, path_components: list[str]):
    """What Wagtail's route() finds by walking the tree (two queries per level: 14 for an item
    page, half of its time), found with one query on slug + url_path and the specific page's.

    The chain is checked as route() would walk it: each page a child of the one before, with
    that slug; a container not live hides what is below it (UnmoderatedPageMixin.route); the
    page itself must be live. None when a page on the way routes on its own (sub-pages, routable
    pages), the page is not live, or the tree's url_path disagrees: then Wagtail's route() decides.
    """
    from django.contrib.contenttypes.models import ContentType
    from wagtail.url_routing import RouteResult

    prefixes = [root.url_path + "/".join(path_components[: n + 1]) + "/" for n in range(len(path_components))]
    rows = {
        row["url_path"]: row
        for row in Page.objects.filter(slug__in=set(path_components), url_path__in=prefixes).values(
            "pk", "path", "depth", "slug", "url_path", "live", "content_type_id"
        )
    }
    parent_path = root.path
    chain = []
    for slug, url_path in zip(path_components, prefixes, strict=True):
        row = rows.get(url_path)
        if row is None or row["slug"] != slug or row["path"][: -Page.steplen] != parent_path:
            return None
        model = ContentType.objects.get_for_id(row["content_type_id"]).model_class()
        if model is None or not (_plain_route(model) or getattr(model, "one_query_route", False)):
            return None
        chain.append((row, model))
        parent_path = row["path"]
    for row, model in chain[:-1]:
        if not row["live"] and issubclass(model, UnmoderatedPageMixin):
            raise Http404
    row, model = chain[-1]
    if not row["live"]:
        return None  # Wagtail's route() and the page's own decide (a withdrawn item keeps its notice)
    return RouteResult(model.objects.get(pk=row["pk"]))


class PortalHomePage(UnmoderatedPageMixin, Page):
    intro = RichTextField("平台简介", blank=True, features=["bold", "italic", "link"])
    sanitised_html_fields = ("intro",)

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["disclosure_pages.RegionPage"]
    max_count = 1

    content_panels = Page.content_panels + [FieldPanel("intro")]

    # The search box's examples: words public items of the demo data carry in their titles
    # (tests/foundation/test_public_pages.py checks that each finds something).
    example_queries = ("党费", "班子成员", "党员发展")

    class Meta:
        verbose_name = "公开平台首页"
        verbose_name_plural = "公开平台首页"

    def route(self, request, path_components):
        if path_components and self.live:
            found = route_in_one_query(self, path_components)
            if found is not None:
                return found
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from .selectors import latest_items_for, region_tree

        context = super().get_context(request, *args, **kwargs)
        # Lazy: the template's cached fragments (keyed on publication) skip these queries.
        context["latest_items"] = SimpleLazyObject(lambda: latest_items_for(request.user, limit=15))
        context["regions"] = SimpleLazyObject(lambda: region_tree(self))
        return context


class RegionPage(UnmoderatedPageMixin, Page):
    """A jurisdiction (市/区/县); regions nest, e.g. 韶关市 → 武江区."""

    KIND_CHOICES = [("市", "市"), ("区", "区"), ("县", "县"), ("省", "省"), ("其他", "其他")]

    kind = models.CharField("行政区划类别", max_length=4, choices=KIND_CHOICES, default="市")
    intro = RichTextField("简介", blank=True, features=["bold", "italic", "link"])
    sanitised_html_fields = ("intro",)

    parent_page_types = ["disclosure_pages.PortalHomePage", "disclosure_pages.RegionPage"]
    subpage_types = ["disclosure_pages.RegionPage", "disclosure_pages.UnitPage"]

    content_panels = Page.content_panels + [FieldPanel("kind"), FieldPanel("intro")]

    class Meta:
        verbose_name = "行政区域"
        verbose_name_plural = "行政区域"

    def get_context(self, request, *args, **kwargs):
        from .selectors import item_counts_by_unit, latest_items_for

        context = super().get_context(request, *args, **kwargs)
        context["subregions"] = RegionPage.objects.child_of(self).live().order_by("path")
        units = list(UnitPage.objects.child_of(self).live().order_by("path"))
        counts = item_counts_by_unit(request.user, units)
        for unit in units:
            unit.visible_item_count = counts.get(unit.pk, 0)
        context["units"] = units
        context["latest_items"] = latest_items_for(request.user, limit=10, within=self)
        return context


def unit_display_name(region_title: str, unit_title: str) -> str:
    """A unit's name as every page, feed, PDF and the API show it: with its region, 武江区·区委办.

    区委办, 县编办 and others exist in several regions, so the name alone is never shown."""
    return f"{region_title}·{unit_title}" if region_title else unit_title


class UnitPage(UnmoderatedPageMixin, Page):
    """A disclosing unit (实施单位); its catalogue is the subtree of CatalogNodePages."""

    organisation_name = models.CharField(
        "党组织名称",
        max_length=255,
        blank=True,
        help_text="如“中共龙口市科技局支部委员会”。《韶关市党风廉政信息公开平台规范》：设党委（党组）的单位只公开党委（党组）一级的内容；"
        "设党（总）支部的单位只公开党（总）支部一级的内容。",
    )
    intro = RichTextField("单位简介", blank=True, features=["bold", "italic", "link"])
    sanitised_html_fields = ("intro",)
    contact = models.CharField("联系方式", max_length=255, blank=True)
    # The unit's own document collection: its uploads land there and its items attach only
    # documents from there (disclosure_pages.documents); created with the unit.
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        verbose_name="文件集",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="unit_page",
    )

    parent_page_types = ["disclosure_pages.RegionPage"]
    subpage_types = ["disclosure_pages.CatalogNodePage"]
    exclude_fields_in_copy = ["collection"]  # a copied unit gets a collection of its own

    content_panels = Page.content_panels + [
        FieldPanel("organisation_name"),
        FieldPanel("intro"),
        FieldPanel("contact"),
    ]

    class Meta:
        verbose_name = "公开单位"
        verbose_name_plural = "公开单位"

    @cached_property
    def region(self) -> RegionPage | None:
        parent = self.get_parent()
        return parent.specific if parent else None

    @cached_property
    def path_names(self) -> list[str]:
        """Titles from the top region down to this unit: ['韶关市', '武江区', '区委办']."""
        ancestors = self.get_ancestors().type(RegionPage).order_by("depth")
        return [page.title for page in ancestors] + [self.title]

    @property
    def unit_path(self) -> str:
        return "/".join(self.path_names)

    @cached_property
    def display_name(self) -> str:
        """武江区·区委办 (see unit_display_name); one small query unless the region is loaded."""
        if "region" in self.__dict__:
            region_title = self.region.title if self.region else ""
        else:
            parent = Page.objects.filter(path=self.path[: -self.steplen]).values_list("title", flat=True).first()
            region_title = parent or ""
        return unit_display_name(region_title, self.title)

    def get_context(self, request, *args, **kwargs):
        from .selectors import catalog_tree_for, latest_items_for

        context = super().get_context(request, *args, **kwargs)
        # Lazy: the template's cached fragments (keyed on publication) skip these queries.
        context["catalog_tree"] = SimpleLazyObject(lambda: catalog_tree_for(self, request.user))
        context["latest_items"] = SimpleLazyObject(lambda: latest_items_for(request.user, limit=10, within=self))
        return context


class CatalogNodePage(UnmoderatedPageMixin, Page):
    """One node of a unit's disclosure catalogue (公开目录), level 1–3.

    A 三级 node carries what every item under it inherits: 公开内容, 公开范围,
    公开形式/平台, 公开时限, 责任单位, 备注.
    """

    LEVEL_CHOICES = [(1, "一级目录"), (2, "二级目录"), (3, "三级目录")]

    level = models.PositiveSmallIntegerField("目录级别", choices=LEVEL_CHOICES, default=3)
    code = models.CharField(
        "公开代码",
        max_length=20,
        help_text="按目录位置编码：一级“1”，二级“1-1”，三级“1-1-1”（《龙口市科技局党支部党务公开工作实施方案》目录的“公开代码”）。",
    )
    content = models.TextField(
        "公开内容",
        blank=True,
        help_text="目录规定应当公开的具体内容，如“党费收缴、管理和使用情况”。",
    )
    scope_text = models.CharField(
        "公开范围（原文）",
        max_length=100,
        blank=True,
        help_text="目录原文中的公开范围，如“社会”“全体党员”“党支部委员、第二纪检组”“党内公开或社会公开”。",
    )
    scope = models.CharField(
        "可见范围",
        max_length=12,
        choices=Scope.choices,
        default=Scope.PARTY,
        help_text="决定谁能看到本目录下的公开事项：社会公开对所有人可见；党内仅本单位党员及上级组织部门可见；"
        "委员仅本单位委员及上级组织部门可见。原文为“党内公开或社会公开”时默认为党内，由事项逐项选择。",
    )
    forms = models.CharField(
        "公开形式/平台",
        max_length=255,
        blank=True,
        help_text="如“会议、文件、网站、新闻媒体”。《韶关市党风廉政信息公开平台规范》：公开形式按照“三网融合”要求，采取互联网、手机短信、人工坐席服务、数字电视服务。",
    )
    time_limit = models.CharField(
        "公开时限",
        max_length=50,
        blank=True,
        help_text="目录原文中的时限，如“即时”“定期”“固定”“逐段”“年度公开”“半年公开”“随时公开”“长期公开”。",
    )
    schedule = models.CharField(
        "时限规则",
        max_length=12,
        choices=Schedule.choices,
        default=Schedule.IMMEDIATE,
        help_text="把公开时限换算为应公开日期的规则。年度：1月15日前；半年：1月15日、7月15日前；"
        "即时：事情发生后5日内；固定：事项确定后5个工作日内；逐段：按进展分阶段公开，年末总结。",
    )
    responsible_unit = models.CharField("责任单位", max_length=100, blank=True)
    note = models.TextField("备注", blank=True)
    requires_leader_approval = models.BooleanField(
        "重要信息（须主要负责人审批）",
        default=False,
        help_text="《中共惠农区委党务公开若干制度（试行）》第十五条：重要信息必须经部门（单位）主要负责人审核同意后方可发布。",
    )
    requires_interpretation = models.BooleanField(
        "须同步政策解读",
        default=False,
        help_text="《中共惠农区委党务公开若干制度（试行）》第三十条：确需同步解读的政策性文件，文件与解读材料同步审签、同步公开。"
        "勾选后，本目录下的事项须关联政策解读方可审批通过，二者同时发布。",
    )
    retention = models.CharField(
        "保管期限", max_length=12, choices=Retention.choices, default=Retention.Y30
    )
    table_type = models.CharField(
        "标准表格",
        max_length=30,
        blank=True,
        help_text="本目录对应的标准表格（《韶关市党风廉政信息公开平台规范》表一–表五），录入事项时优先使用。",
    )

    parent_page_types = ["disclosure_pages.UnitPage", "disclosure_pages.CatalogNodePage"]
    subpage_types = ["disclosure_pages.CatalogNodePage", "disclosure_pages.DisclosureItemPage"]

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("level"), FieldPanel("code")]),
        FieldPanel("content"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("scope_text"), FieldPanel("scope")]),
                FieldPanel("forms"),
                FieldRowPanel([FieldPanel("time_limit"), FieldPanel("schedule")]),
                FieldPanel("responsible_unit"),
                FieldRowPanel([FieldPanel("requires_leader_approval"), FieldPanel("retention")]),
                FieldPanel("requires_interpretation"),
                FieldPanel("table_type"),
                FieldPanel("note"),
            ],
            heading="公开要求",
        ),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("code"),
        index.SearchField("content"),
        index.AutocompleteField("code"),  # the admin's search box and choosers find 1-1-4
    ]

    class Meta:
        verbose_name = "公开目录"
        verbose_name_plural = "公开目录"

    @classmethod
    def can_create_at(cls, parent) -> bool:
        if not super().can_create_at(parent):
            return False
        specific = parent.specific
        return not isinstance(specific, CatalogNodePage) or specific.level < 3

    @property
    def has_workflow(self) -> bool:
        # The node itself is never moderated (get_workflow() is None), but Wagtail's create
        # view asks the *parent* whether a new page may be submitted: items are created
        # under 三级 nodes and go through the workflow assigned above.
        return self.level == 3 and Page.has_workflow.fget(self)

    def clean(self):
        super().clean()
        parent = self.get_parent() if self.pk else getattr(self, "_creation_parent", None)
        if parent is not None:
            parent = parent.specific
            expected = parent.level + 1 if isinstance(parent, CatalogNodePage) else 1
            if self.level != expected:
                raise ValidationError({"level": f"此位置只能建立{dict(self.LEVEL_CHOICES)[expected]}。"})
        if self.code and not all(part.isdigit() for part in self.code.split("-")):
            raise ValidationError({"code": "公开代码由数字和“-”组成，如 1-1-1。"})
        if self.code and len(self.code.split("-")) != self.level:
            raise ValidationError({"code": f"{self.get_level_display()}的代码应有 {self.level} 段，如 1-1-1。"})

    @cached_property
    def unit(self) -> UnitPage | None:
        return UnitPage.objects.ancestor_of(self).first()

    @cached_property
    def level_names(self) -> list[str]:
        """Names of level 1..self.level, top first."""
        nodes = list(CatalogNodePage.objects.ancestor_of(self, inclusive=True).order_by("depth"))
        return [node.title for node in nodes]

    def get_context(self, request, *args, **kwargs):
        from .selectors import catalog_tree_for, paginate, visible_items

        context = super().get_context(request, *args, **kwargs)
        if self.level < 3:
            context["catalog_tree"] = catalog_tree_for(self, request.user)
        items = visible_items(request.user).descendant_of(self).order_by("-first_published_at", "-pk")
        context["items"] = paginate(request, items)
        return context


class DisclosureItemPage(SanitisedHtmlMixin, UnitPermissionsMixin, Page):
    """One disclosure (公开事项): a period's content, tables, attachments."""

    workflow_moderated = True

    period_type = models.CharField("公开周期", max_length=8, choices=PeriodType.choices, default=PeriodType.YEAR)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    half = models.PositiveSmallIntegerField("半年", choices=[(1, "上半年"), (2, "下半年")], null=True, blank=True)
    quarter = models.PositiveSmallIntegerField(
        "季度", choices=[(q, f"第{q}季度") for q in range(1, 5)], null=True, blank=True
    )
    month = models.PositiveSmallIntegerField(
        "月份", choices=[(m, f"{m}月") for m in range(1, 13)], null=True, blank=True
    )
    event_date = models.DateField(
        "事项发生日期", null=True, blank=True, help_text="即时公开事项：事情发生后5日内完成对外发布（《韶关市党风廉政信息公开平台规范》）。"
    )
    is_zero_report = models.BooleanField(
        "零上报（无发生）",
        default=False,
        help_text="《韶关市党风廉政信息公开平台规范》：及时公开按月度报送周期采取“零上报”，有发生必须按时报送，无发生也要按时报送。",
    )
    # No image button: images are not scoped (see disclosure_pages.sanitising); files go in as attachments.
    body = RichTextField(
        "公开正文",
        blank=True,
        features=["h2", "h3", "h4", "bold", "italic", "ol", "ul", "hr", "link", "document-link", "embed"],
    )
    sanitised_html_fields = ("body",)
    tables = StreamField(DisclosureTablesBlock(), verbose_name="标准表格", blank=True, use_json_field=True)
    doc_number = models.CharField("发文字号", max_length=100, blank=True, help_text="如“龙科字〔2011〕20号”。")
    scope = models.CharField(
        "公开范围",
        max_length=12,
        choices=Scope.choices,
        blank=True,
        help_text="留空则沿用所属目录的公开范围。",
    )
    policy_interpretation = models.ForeignKey(
        "self",
        verbose_name="政策解读",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interpreted_items",
        help_text="《中共惠农区委党务公开若干制度（试行）》第三十条：相关解读提纲、解读材料应与文件同步公开。",
    )
    # The approval form's own fields (《中共惠农区委党务公开若干制度（试行）》附件1《党务公开事项审批表》), filled by the editor.
    disclosure_time = models.CharField("公开时间", max_length=100, blank=True)
    requirement = models.CharField(
        "公开要求", max_length=12, choices=DisclosureRequirement.choices, blank=True
    )
    method = models.CharField("公开方式", max_length=12, choices=DisclosureMethod.choices, blank=True)
    platforms = models.CharField(
        "公开平台", max_length=255, blank=True, help_text="会议、文件、通报、简报、党政内网、公开栏、互联网、报刊、广播电视、新媒体、新闻发布会、其他，用顿号分隔。"
    )
    imported = models.BooleanField("历史导入", default=False, editable=False)
    # 更正 (《中共惠农区委党务公开若干制度（试行）》第二十条): a draft that, once reviewed and published,
    # replaces the published item it corrects; the old address then shows the 更正说明 (withdrawals.py).
    corrects = models.ForeignKey(
        "self",
        verbose_name="更正的原事项",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="corrections",
    )
    correction_note = models.TextField(
        "更正说明",
        blank=True,
        help_text="说明更正了什么、为什么更正。发布后原事项下线，原网址显示本说明并链接到本事项；"
        "说明将公开，请勿写入原事项中不应公开的内容。",
    )

    parent_page_types = ["disclosure_pages.CatalogNodePage"]
    subpage_types: list[str] = []
    base_form_class = DisclosureItemForm

    content_panels = [
        ReturnedReasonPanel(heading="退回意见"),
        PrescreenPanel(heading="自动预审"),
        CorrectionPanel([FieldPanel("correction_note")], heading="更正"),
    ] + Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("period_type"),
                FieldRowPanel([FieldPanel("year"), FieldPanel("half"), FieldPanel("quarter"), FieldPanel("month")]),
                FieldRowPanel([FieldPanel("event_date"), FieldPanel("is_zero_report")]),
            ],
            heading="公开周期",
        ),
        FieldRowPanel([FieldPanel("doc_number"), FieldPanel("scope")]),
        FieldPanel("body"),
        FieldPanel("tables"),
        InlinePanel("attachments", heading="附件", label="附件"),
        FieldPanel("policy_interpretation"),
    ]
    approval_panels = [
        FieldPanel("disclosure_time"),
        FieldRowPanel([FieldPanel("requirement"), FieldPanel("method")]),
        FieldPanel("platforms"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("proposer_disclose_opinion"), FieldPanel("proposer_disclose_reason")]),
                FieldRowPanel([FieldPanel("proposer_secrecy_opinion"), FieldPanel("proposer_secrecy_reason")]),
            ],
            heading="提出部门初步意见",
            help_text="《中共惠农区委党务公开若干制度（试行）》第二十六条：由公开内容责任部门（单位）提出是否公开和保密审核的初步意见。"
            "提交审核前须填写，各附理由。",
        ),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="内容"),
            ObjectList(approval_panels, heading="审批表"),
            ObjectList(Page.promote_panels, heading="推广"),
            ObjectList(Page.settings_panels, heading="设置"),
        ]
    )

    search_fields = Page.search_fields + [
        index.SearchField("body"),
        index.SearchField("doc_number"),
        # The admin's search box and choosers find an item by its 文号 and its node's code.
        index.AutocompleteField("doc_number"),
        index.AutocompleteField("search_catalog_code"),
    ]

    class Meta:
        verbose_name = "公开事项"
        verbose_name_plural = "公开事项"

    @classmethod
    def can_create_at(cls, parent) -> bool:
        return super().can_create_at(parent) and getattr(parent.specific, "level", 0) == 3

    def clean(self):
        super().clean()
        errors: dict[str, str] = {}
        needs = {
            PeriodType.YEAR: ["year"],
            PeriodType.HALF: ["year", "half"],
            PeriodType.QUARTER: ["year", "quarter"],
            PeriodType.MONTH: ["year", "month"],
            PeriodType.EVENT: ["event_date"],
        }.get(self.period_type, [])
        for field in needs:
            if getattr(self, field) in (None, ""):
                errors[field] = f"公开周期为“{self.get_period_type_display()}”时必须填写此项。"
        if self.event_date and self.event_date > datetime.date.today() + datetime.timedelta(days=1):
            errors["event_date"] = "事项发生日期不能晚于今天。"
        if self.corrects_id and not self.correction_note.strip():
            errors["correction_note"] = "更正事项须填写更正说明（更正了什么、为什么更正）。"
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if not self.scope:
            node = self.catalog_node
            self.scope = node.scope if node else Scope.PARTY
        if self.period_type == PeriodType.EVENT and self.event_date and not self.year:
            self.year = self.event_date.year
        return super().save(*args, **kwargs)

    @cached_property
    def catalog_node(self) -> CatalogNodePage | None:
        parent = self.get_parent()
        if parent is None:
            parent = getattr(self, "_creation_parent", None)
        if parent is None:
            return None
        specific = parent.specific
        return specific if isinstance(specific, CatalogNodePage) else None

    def search_catalog_code(self) -> str:
        """The parent node's 公开代码, in one query (the admin index reads it for every item)."""
        return CatalogNodePage.objects.filter(path=self.path[: -self.steplen]).values_list("code", flat=True).first() or ""

    @cached_property
    def unit(self) -> UnitPage | None:
        return UnitPage.objects.ancestor_of(self).first()

    @cached_property
    def region(self) -> RegionPage | None:
        return RegionPage.objects.ancestor_of(self).order_by("-depth").first()

    @property
    def is_public(self) -> bool:
        return self.scope == Scope.PUBLIC

    @property
    def period_label(self) -> str:
        if self.is_zero_report and self.year and self.month:
            return f"{self.year}年{self.month}月（零上报）"
        match self.period_type:
            case PeriodType.YEAR:
                return f"{self.year}年度" if self.year else ""
            case PeriodType.HALF:
                return f"{self.year}年{'上' if self.half == 1 else '下'}半年" if self.year else ""
            case PeriodType.QUARTER:
                return f"{self.year}年第{self.quarter}季度" if self.year else ""
            case PeriodType.MONTH:
                return f"{self.year}年{self.month}月" if self.year else ""
            case PeriodType.EVENT:
                return f"{self.event_date:%Y年%m月%d日}" if self.event_date else ""
        return ""

    def tables_text(self) -> str:
        return table_plain_text(self.tables)

    def can_view(self, user: AbstractBaseUser) -> bool:
        from .selectors import can_view_item

        return can_view_item(user, self)

    # route() below differs from Wagtail's only for a page that is not live, which
    # route_in_one_query leaves to it: live items may be routed in one query.
    one_query_route = True

    def route(self, request, path_components):
        # A withdrawn item's address keeps a notice (serve() decides who sees it); others 404 as Wagtail's do.
        if not path_components and not self.live and self.withdrawal_notices.exists():
            return RouteResult(self)
        return super().route(request, path_components)

    def serve(self, request, *args, **kwargs):
        if not self.live:
            from .selectors import withdrawal_notice_for

            notice = withdrawal_notice_for(request.user, self)
            if notice is None:
                raise Http404
            # 410 Gone: the item was here and was taken down on purpose (search engines drop it).
            return TemplateResponse(request, "disclosure_pages/withdrawal_notice.html", {"notice": notice}, status=410)
        # Not visible → a plain 404: no hint that the item exists.
        if not self.can_view(request.user):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_sitemap_urls(self, request=None):
        return super().get_sitemap_urls(request) if self.is_public else []

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        from .documents import own_unit_attachments

        # Lazy: the template's cached fragment (keyed on publication) skips these queries.
        context["public_attachments"] = SimpleLazyObject(
            lambda: [
                a for a in own_unit_attachments(self.attachments.all()).select_related("document") if a.is_downloadable
            ]
        )

        def visible_interpretation():
            interpretation = self.policy_interpretation
            return interpretation if interpretation is not None and interpretation.can_view(request.user) else None

        context["interpretation"] = SimpleLazyObject(visible_interpretation)
        return context


class WithdrawalNotice(models.Model):
    """What stays at a withdrawn item's address (撤消, 变更, 撤销, 终止, 更正): the kind, when, why,
    and the item that replaces it. Never the withdrawn content: not its title (a title can be the
    very thing that was wrong), body, tables or attachments. What it names is the catalogue's own
    wording (unit, catalogue row, period) and the original publication date, copied when it is written.

    Visible to whoever could have seen the item (its scope), on the public site (selectors.withdrawal_notice_for).
    """

    item = models.ForeignKey(
        DisclosureItemPage, verbose_name="原公开事项", on_delete=models.CASCADE, related_name="withdrawal_notices"
    )
    kind = models.CharField("处理方式", max_length=12, choices=WithdrawalKind.choices)
    reason = models.TextField("公开说明", help_text="在原网址公开显示。")
    approval = models.CharField("批准情况", max_length=255, blank=True)
    replacement = models.ForeignKey(
        DisclosureItemPage,
        verbose_name="更正（替代）事项",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced_notices",
    )
    unit_name = models.CharField("公开单位", max_length=255)
    catalog_label = models.CharField("目录", max_length=255, blank=True)
    period_label = models.CharField("公开周期", max_length=100, blank=True)
    scope = models.CharField("公开范围", max_length=12, choices=Scope.choices)
    published_at = models.DateTimeField("原发布时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("处理时间")
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "公开事项变更说明"
        verbose_name_plural = "公开事项变更说明"
        ordering = ["-withdrawn_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}说明 · {self.unit_name} · {self.catalog_label}"


class ItemAttachment(Orderable):
    """A document attached to an item, with its 发文字号 and 公开属性 (seed 002 第五、六条)."""

    page = ParentalKey(DisclosureItemPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name="文件", on_delete=models.PROTECT, related_name="+"
    )
    doc_number = models.CharField("发文字号", max_length=100, blank=True)
    attribute = models.CharField(
        "公开属性",
        max_length=12,
        choices=AttachmentAttribute.choices,
        default=AttachmentAttribute.ACTIVE,
        help_text="《中共惠农区委党务公开若干制度（试行）》第六条：在发文稿纸上注明属于“主动公开”“不予公开”等属性中的一种。",
    )
    reason = models.CharField(
        "理由", max_length=255, blank=True, help_text="依申请公开、不予公开须依法依规说明理由。"
    )
    extracted_text = models.TextField("附件文本", blank=True, editable=False)

    panels = [FieldPanel("document"), FieldRowPanel([FieldPanel("doc_number"), FieldPanel("attribute")]), FieldPanel("reason")]

    class Meta(Orderable.Meta):
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def clean(self):
        super().clean()
        errors = {}
        if self.attribute != AttachmentAttribute.ACTIVE and not self.reason.strip():
            errors["reason"] = "公开属性为依申请公开或不予公开时，必须说明理由。"
        if self.document_id is not None and getattr(self, "page", None) is not None:
            from .documents import attachment_error, item_unit

            error = attachment_error(item_unit(self.page), self.document)
            if error:
                errors["document"] = error
        if errors:
            raise ValidationError(errors)

    @property
    def is_downloadable(self) -> bool:
        """Only 主动公开 attachments are offered on public pages."""
        return self.attribute == AttachmentAttribute.ACTIVE


class UnitMembership(models.Model):
    """A user's role in a unit: roles are memberships, not one Wagtail group per unit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="unit_memberships"
    )
    unit = models.ForeignKey(UnitPage, verbose_name="单位", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("角色", max_length=12, choices=Role.choices)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords(verbose_name="单位成员变更记录")

    class Meta:
        verbose_name = "单位成员"
        verbose_name_plural = "单位成员"
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_unit_role")]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit.title} · {self.get_role_display()}"


class SupervisorReach(models.Model):
    """A supervisor (各级组织部门) sees and may revoke within a region or unit subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="supervisor_reaches"
    )
    root = models.ForeignKey(
        Page,
        verbose_name="监督范围",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="行政区域或单位；范围包括其下全部层级（《韶关市党风廉政信息公开平台规范》：各级组织部门可以查看本级及下级党务公开单位的公开信息）。",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords(verbose_name="监督范围变更记录")

    class Meta:
        verbose_name = "监督范围"
        verbose_name_plural = "监督范围"
        constraints = [models.UniqueConstraint(fields=["user", "root"], name="unique_supervisor_root")]

    def __str__(self) -> str:
        return f"{self.user} · {self.root.title}"

    def clean(self):
        if self.root_id and not isinstance(self.root.specific, (RegionPage, UnitPage)):
            raise ValidationError({"root": "监督范围必须是行政区域或公开单位。"})


