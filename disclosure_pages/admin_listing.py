"""The page explorer's filters, limited to the pages the user may explore.

Wagtail's page listing offers two filters of people, 所有者 (owner) and 编辑者 (edited by), whose
choices are every owner and every editor of any page in the tree. A unit's 录入人 saw there the names
of other units' staff, and so whose pages exist where they cannot look. Here the choices are the
people of the pages the user may explore (``explorable_instances``, the one page policy); a
superuser, who explores everything, is offered everyone as before. Everything else is Wagtail's:
the same filterset with two filters replaced, on a PageViewSet registered for ``Page``, which the
explorer uses for every page type (no page type registers its own).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.forms import CheckboxSelectMultiple
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import MultipleUserFilter
from wagtail.admin.views.pages.listing import EditedByFilter, GenericPageFilterSet
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import Page, PageLogEntry
from wagtail.permissions import policy_registry


def _explorable(request):
    return policy_registry.get_by_type(Page).explorable_instances(request.user).order_by()


def owners_of_explorable_pages(request):
    return get_user_model().objects.filter(pk__in=_explorable(request).values("owner_id"))


def editors_of_explorable_pages(request):
    return get_user_model().objects.filter(
        pk__in=PageLogEntry.objects.filter(action="wagtail.edit", page_id__in=_explorable(request).values("pk"))
        .order_by()
        .values("user_id")
    )


class ExplorablePeopleFilterSet(GenericPageFilterSet):
    owner = MultipleUserFilter(label=_("Owner"), queryset=owners_of_explorable_pages, widget=CheckboxSelectMultiple)
    edited_by = EditedByFilter(label=_("Edited by"), queryset=editors_of_explorable_pages, widget=CheckboxSelectMultiple)

    class Meta(GenericPageFilterSet.Meta):
        pass


class ExplorerPageViewSet(PageViewSet):
    model = Page
    filterset_class = ExplorablePeopleFilterSet
