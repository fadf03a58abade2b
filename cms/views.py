from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django_ratelimit.decorators import ratelimit
from wagtail.admin.views.account import LoginView as WagtailLoginView


def ratelimited(request, exception=None):
    return render(request, "429.html", status=429)


_login_limit = method_decorator(ratelimit(key="ip", rate=lambda group, request: settings.LOGIN_RATE, method="POST", block=True), name="post")


@_login_limit
class LoginView(auth_views.LoginView):
    """Site login for party members, throttled per address."""

    template_name = "account/login.html"


@_login_limit
class AdminLoginView(WagtailLoginView):
    """Wagtail's admin login, throttled per address."""
