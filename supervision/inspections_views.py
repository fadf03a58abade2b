"""The public side of 监督检查: published 通报, a page each and a list per region (《中共惠农区委党务公开若干制度
（试行）》第五十一条：“将情况在全区通报”). Only published ones; nothing internal (return reasons, reviewers) is shown."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from disclosure_pages.models import RegionPage

from .inspection_selectors import published_bulletins

PER_PAGE = 20


def bulletin_list(request: HttpRequest, region_id: int) -> HttpResponse:
    region = get_object_or_404(RegionPage.objects.live(), pk=region_id)
    page = Paginator(published_bulletins(region), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "supervision/inspections/bulletin_list.html", {"region": region, "page_obj": page})


def bulletin_detail(request: HttpRequest, bulletin_id: int) -> HttpResponse:
    bulletin = get_object_or_404(published_bulletins(), pk=bulletin_id)
    return render(request, "supervision/inspections/bulletin_detail.html", {"bulletin": bulletin, "region": bulletin.inspection.region})
