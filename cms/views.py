from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django_ratelimit.decorators import ratelimit
from wagtail.admin.views.account import LoginView as WagtailLoginView

DISPLAY_MODES = {"standard", "large", "contrast"}


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


def display_mode(request, mode: str):
    """适老化: remember a large-text or high-contrast display in a cookie (works without JavaScript)."""
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "/"
    response = redirect(target)
    if mode in DISPLAY_MODES - {"standard"}:
        response.set_cookie("display_mode", mode, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    else:
        response.delete_cookie("display_mode")
    return response
