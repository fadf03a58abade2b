from django.apps import AppConfig


class PublicApiConfig(AppConfig):
    name = "publicapi"
    verbose_name = "公开数据接口"
