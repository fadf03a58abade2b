"""数字电视 (remote-control) and 党务公开栏 touch-screen pages.

Both are thin shells: their scripts read the public JSON API, which only ever holds public (社会),
live items, so neither page renders an item on the server. No login, no admin assets.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from disclosure_pages.models import UnitPage
from disclosure_pages.selectors import public_items

from .qr import qr_svg, qr_svg_data_uri
from .selectors import kiosk_target


def _api_root() -> str:
    return settings.DISPLAY_API_ROOT


def tv(request: HttpRequest) -> HttpResponse:
    return render(request, "displays/tv.html", {"api_root": _api_root()})


def kiosk(request: HttpRequest, page_id: int) -> HttpResponse:
    target = kiosk_target(page_id)
    if target is None:
        raise Http404("没有这个地区或单位")
    is_unit = isinstance(target, UnitPage)
    context = {
        "api_root": _api_root(),
        "target": target,
        "target_name": target.display_name if is_unit else target.title,
        "filter_name": "unit" if is_unit else "region",
        "rotate_seconds": settings.DISPLAY_KIOSK_ROTATE_SECONDS,
        "idle_seconds": settings.DISPLAY_KIOSK_IDLE_SECONDS,
        "item_count": settings.DISPLAY_KIOSK_ITEMS,
        "refresh_seconds": settings.DISPLAY_KIOSK_REFRESH_SECONDS,
        # A unit's screen carries its own 点题栏 form; a region's screen the form of the item shown.
        "feedback_url": feedback_url_for_unit(request, target) if is_unit else "",
        "item_qr_url": reverse("displays:item_qr", args=[0]).replace("/0.svg", "/{id}.svg"),
    }
    context["feedback_qr"] = qr_svg_data_uri(context["feedback_url"]) if is_unit else ""
    return render(request, "displays/kiosk.html", context)


def feedback_url_for_unit(request: HttpRequest, unit: UnitPage) -> str:
    return request.build_absolute_uri(reverse("participation:feedback_unit", args=[unit.pk]))


def feedback_url_for_item(request: HttpRequest, item_id: int) -> str:
    return request.build_absolute_uri(reverse("participation:feedback_item", args=[item_id]))


def item_qr(request: HttpRequest, item_id: int) -> HttpResponse:
    """The 点题 form of one public item as a QR code (SVG); any other id is a 404."""
    if not public_items().filter(pk=item_id).exists():
        raise Http404("没有这条公开信息")
    response = HttpResponse(qr_svg(feedback_url_for_item(request, item_id)), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=3600"
    return response
