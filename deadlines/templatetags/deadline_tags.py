from django import template

from .. import clock
from ..selectors import unit_public_status as public_status

register = template.Library()


@register.inclusion_tag("deadlines/_unit_status_table.html", takes_context=True)
def unit_public_status(context, unit):
    """The public 公开时效 table of a unit page: public catalogue nodes only."""
    today = clock.today()
    return {"entries": public_status(unit, today=today), "today": today, "request": context.get("request")}
