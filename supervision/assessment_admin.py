"""The superior's admin screens of 量化考核: schemes (a Wagtail ModelViewSet: list, set up, edit), the ranking
table of a scheme (its inspect view), one unit's scores with the rows behind each, and the CSV and PDF exports.

Every screen asks the one policy (disclosure_pages.permissions: can_see / can_change on the scheme, whose
rule follows the scheme's region): another region's scheme is a 404 whatever its id.
"""

from __future__ import annotations

import csv

from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet

from deadlines.pdf import render_pdf
from disclosure_pages.models import RegionPage, UnitPage
from disclosure_pages.permissions import can_change, can_see, roles_for, unit_scope_q

from .assessment import scheme_lines, scheme_results
from .models_assessment import AssessmentScheme, criterion_choices
from .policies import SupervisorPermissionPolicy

EVIDENCE_PER_PAGE = 100
FORMULA = "总分 = Σ（权重 × 单项得分率）÷ Σ权重 × 100，满分100分；权重为正数即可，不必合计为100。单项得分 = 达标数 ÷ 应计数 × 100。"


def schemes_for(user):
    """Schemes whose region the user's reach covers (everything for a superuser)."""
    q = unit_scope_q(user, "region", frozenset({"supervisor"}))
    qs = AssessmentScheme.objects.select_related("region").prefetch_related("criteria")
    return qs if q is None else qs.filter(q)


class AssessmentSchemePermissionPolicy(SupervisorPermissionPolicy):
    """Supervisors (and superusers) set up and read the schemes of the regions in their reach."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "view":
            return can_see(user, instance)
        if action in ("change", "delete"):
            return can_change(user, instance)
        return False

    def supervised(self, user):
        return schemes_for(user)


def regions_for(user):
    regions = RegionPage.objects.live().order_by("path")
    if user.is_superuser:
        return regions
    roots = roles_for(user).reaches
    if not roots:
        return regions.none()
    q = None
    for root in roots:
        part = RegionPage.objects.filter(path__startswith=root)
        q = part if q is None else q | part
    return regions.filter(pk__in=q.values("pk"))


class AssessmentSchemeForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        self.fields["region"] = forms.ModelChoiceField(
            label="考核范围",
            queryset=regions_for(user) if user is not None else RegionPage.objects.none(),
            help_text=AssessmentScheme._meta.get_field("region").help_text,
            error_messages={"required": "请选择考核范围。", "invalid_choice": "请选择监督范围内的行政区域。"},
        )
        self.fields["region"].label_from_instance = lambda page: "　" * max(page.depth - 3, 0) + page.title
        self.fields["title"].error_messages["required"] = "请填写考核名称。"
        self.fields["year"].error_messages.update({"required": "请填写考核年度。", "invalid": "考核年度应为四位数字的年份。"})

    def clean(self):
        cleaned = super().clean()
        region = cleaned.get("region")
        if region is not None and self.for_user is not None:
            if not can_change(self.for_user, AssessmentScheme(region=region)):
                self.add_error("region", "您只能为监督范围内的行政区域设置考核方案。")
        return cleaned

    def is_valid(self):
        valid = super().is_valid()
        formset = self.formsets.get("criteria")
        if formset is None:
            return valid
        # Shown above the rows (the inline panel shows its formset's errors, not the form's).
        if any(error.code == "too_few_forms" for error in formset.non_form_errors().as_data()):
            _formset_error(formset, NO_CRITERION)
            return False
        kept = [
            f.cleaned_data for f in formset.forms if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")
        ]
        # from what was typed: the formset's own check of the same removes the repeated key from cleaned_data
        keys = [
            f["key"].value()
            for f in formset.forms
            if f["key"].value() and not (formset.can_delete and f["DELETE"].value())
        ]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if repeated:  # in place of the formset's own message for the same (“请修正重复的数据”)
            labels = dict(criterion_choices())
            _formset_error(formset, "“" + "”“".join(labels.get(k, k) for k in repeated) + "”重复设置，每项考核内容只能设置一次。")
            return False
        if not formset.is_valid():
            return False
        if not kept:
            _formset_error(formset, NO_CRITERION)
            return False
        return valid


NO_CRITERION = "请至少设置一项考核内容。"


def _formset_error(formset, message: str) -> None:
    formset._non_form_errors = formset.error_class(
        [ValidationError(message)], error_class="nonform", renderer=formset.renderer
    )


class _InReachMixin:
    """Another region's scheme is a 404, whatever its id."""

    def get_object(self, queryset=None):
        if getattr(self, "object", None):
            return self.object
        pk = unquote(str(self.kwargs[self.pk_url_kwarg]))
        return get_object_or_404(schemes_for(self.request.user), pk=pk)


class SchemeCreateView(generic.CreateView):
    def save_instance(self):
        instance = self.form.save(commit=False)
        instance.created_by = self.request.user
        instance.save()
        self.form.save_m2m()
        return instance


class SchemeEditView(_InReachMixin, generic.EditView):
    pass


class SchemeDeleteView(_InReachMixin, generic.DeleteView):
    pass


class SchemeIndexView(generic.IndexView):
    def get_base_queryset(self):
        return schemes_for(self.request.user)


class RankingView(_InReachMixin, generic.InspectView):
    """The ranking table: rank, unit, total and per-criterion points; each cell leads to its rows."""

    template_name = "supervision/assessment/ranking.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(results=scheme_results(self.object), lines=scheme_lines(self.object), formula=FORMULA, scheme=self.object)
        return context


def _scheme(request, pk):
    return get_object_or_404(schemes_for(request.user), pk=pk)


class UnitScoresView(WagtailAdminTemplateMixin, TemplateView):
    """One unit's scores in a scheme: every criterion with its count, points and the rows behind them."""

    template_name = "supervision/assessment/unit.html"
    header_icon = "table"

    def get(self, request, pk, unit_id):
        self.scheme = _scheme(request, pk)
        self.unit = get_object_or_404(UnitPage.objects.live().filter(path__startswith=self.scheme.region.path), pk=unit_id)
        return super().get(request)

    def get_page_title(self):
        return f"{self.scheme.title}：{self.unit.title}"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("supervision_assessment:index"), "label": "量化考核"},
            {"url": reverse("supervision_assessment:inspect", args=[self.scheme.pk]), "label": self.scheme.title},
            {"url": "", "label": self.unit.title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result = scheme_results(self.scheme, units=[self.unit])[0]
        keys = [score.key for score in result.scores]
        key = self.request.GET.get("criterion")
        shown = result.scores[keys.index(key)] if key in keys else (result.scores[0] if result.scores else None)
        page = None
        if shown is not None:
            page = Paginator(shown.measure.evidence, EVIDENCE_PER_PAGE).get_page(self.request.GET.get("p"))
        context.update(scheme=self.scheme, result=result, formula=FORMULA, shown=shown, page=page)
        return context


def csv_rows(scheme) -> list[list]:
    header = ["名次", "单位", "总分"]
    for line in scheme_lines(scheme):
        header += [f"{line.label}（权重{line.weight.normalize():f}）得分", f"{line.label}达标数", f"{line.label}应计数"]
    rows = [header]
    for result in scheme_results(scheme):
        row = [result.rank, result.unit_name, "" if result.total is None else f"{result.total}"]
        for score in result.scores:
            row += ["不计" if not score.counted else f"{score.points}", score.measure.met, score.measure.total]
        rows.append(row)
    return rows


def ranking_csv(request, pk):
    scheme = _scheme(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="assessment-{scheme.year}-{scheme.pk}.csv"'
    response.write("\ufeff")  # BOM: Excel opens the Chinese as UTF-8
    csv.writer(response).writerows(csv_rows(scheme))
    return response


def ranking_pdf(request, pk):
    scheme = _scheme(request, pk)
    html = render_to_string(
        "supervision/assessment/ranking_pdf.html",
        {
            "scheme": scheme,
            "results": scheme_results(scheme),
            "lines": scheme_lines(scheme),
            "formula": FORMULA,
            "now": timezone.localtime(),
            "user": request.user,
        },
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="assessment-{scheme.year}-{scheme.pk}.pdf"'
    return response


class CriteriaColumn(Column):
    def get_value(self, instance):
        return "、".join(f"{line.get_key_display()}×{line.weight.normalize():f}" for line in instance.criteria.all())


class AssessmentSchemeViewSet(ModelViewSet):
    model = AssessmentScheme
    icon = "table"
    menu_label = "量化考核"
    menu_order = 251
    add_to_admin_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = SchemeIndexView
    add_view_class = SchemeCreateView
    edit_view_class = SchemeEditView
    inspect_view_class = RankingView
    delete_view_class = SchemeDeleteView
    list_display = [
        Column("title", label="考核名称", accessor="title"),
        Column("region", label="考核范围", accessor="region.title"),
        Column("year", label="考核年度", accessor="year"),
        CriteriaColumn("criteria", label="考核内容与权重"),
    ]
    list_filter = ["year"]
    search_fields = ["title"]
    ordering = ["-year", "region__path"]
    edit_handler = ObjectList(
        [
            FieldPanel("region"),
            FieldRowPanel([FieldPanel("year"), FieldPanel("title")]),
            FieldPanel("empty_policy"),
            MultiFieldPanel(
                [InlinePanel("criteria", label="考核内容", min_num=1)],
                heading="考核内容与权重",
                help_text=FORMULA,
            ),
        ],
        base_form_class=AssessmentSchemeForm,
    )

    @cached_property
    def url_namespace(self):
        return "supervision_assessment"

    @cached_property
    def url_prefix(self):
        return "supervision/assessment"

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("inspect/<int:pk>/units/<int:unit_id>/", UnitScoresView.as_view(), name="unit"),
            path("inspect/<int:pk>/ranking.csv", ranking_csv, name="csv"),
            path("inspect/<int:pk>/ranking.pdf", ranking_pdf, name="pdf"),
        ]


assessment_scheme_viewset = AssessmentSchemeViewSet("supervision_assessment")
