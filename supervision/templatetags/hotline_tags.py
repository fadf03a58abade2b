from django import template
from django.urls import reverse
from django.utils.html import format_html

from supervision.models_hotline import DisclosureMonitor

register = template.Library()


@register.simple_tag(takes_context=True)
def hotline_link(context) -> str:
    """The header's link to the 直通车, for 监督员: accounts with an appointment, serving or past (a past one
    still reads its opinions; an appointment with opinions is never deleted). One query, logged-in pages only."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    if not DisclosureMonitor.objects.filter(user=user).exists():
        return ""
    return format_html('<a href="{}">监督意见直通车</a>', reverse("supervision:hotline_index"))
