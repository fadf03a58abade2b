from django.apps import AppConfig


class DisplaysConfig(AppConfig):
    """数字电视 and 触摸屏/电子屏幕 front ends over the public JSON API."""

    name = "displays"
    verbose_name = "数字电视与电子屏幕"
    default_auto_field = "django.db.models.BigAutoField"
