from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from . import views
from .permissions import can_use_console
from .viewsets import call_record_viewset

console_urls = [
    path("", views.ConsoleView.as_view(), name="console"),
    path("items/<id:pk>/", views.ReadAloudView.as_view(), name="read_aloud"),
    path("calls/<id:pk>/file-request/", views.FileRequestView.as_view(), name="file_request"),
    path("calls/<id:pk>/file-feedback/", views.FileFeedbackView.as_view(), name="file_feedback"),
]


@hooks.register("register_admin_urls")
def register_console_urls():
    return [path("callcentre/", include((console_urls, "callcentre")))]


@hooks.register("register_admin_viewset")
def register_call_records():
    return call_record_viewset


class OperatorMenuItem(MenuItem):
    def is_shown(self, request):
        return can_use_console(request.user)


class OperatorSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return can_use_console(request.user)


@hooks.register("register_admin_menu_item")
def register_console_menu():
    menu = Menu(
        items=[
            OperatorMenuItem("坐席工作台", reverse("callcentre:console"), icon_name="search", name="callcentre-console", order=100),
            OperatorMenuItem("来电记录", reverse("callcentre_calls:index"), icon_name="list-ul", name="callcentre-calls", order=200),
        ]
    )
    return OperatorSubmenu("人工坐席", menu, icon_name="mail", name="callcentre", order=340)
