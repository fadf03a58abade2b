from django import template

from supervision.charts import percent

register = template.Library()


@register.filter
def rate(value):
    """An on-time rate (0..1, or None when nothing was due) as 87.5% or —."""
    return percent(value)
