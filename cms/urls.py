from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.transactions import atomic_writes_only
from cms.views import AdminLoginView, LoginView, display_mode
from disclosure_pages.views import PageTypesUsageReportView, no_such_revision

urlpatterns = [
    path("admin/login/", AdminLoginView.as_view(), name="wagtailadmin_login"),
    # Before Wagtail's own: its views read revision 0 as "none" and fail (a 500), see no_such_revision.
    path("admin/pages/<int:page_id>/revisions/0/<slug:action>/", no_such_revision),
    # Before Wagtail's own: its report names another unit's last edited page (a 党内 title) to any editor.
    path("admin/reports/page-types-usage/", PageTypesUsageReportView.as_view()),
    path(
        "admin/reports/page-types-usage/results/",
        PageTypesUsageReportView.as_view(results_only=True),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("search.urls")),
    path("", include("publicapi.urls")),
    path("", include("disclosure_pages.public_urls")),
    path("", include("deadlines.urls")),
    path("", include("participation.urls")),
    path("", include("supervision.urls")),
    path("", include("archive.urls")),
    path("", include("sms.urls")),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("", include("displays.urls")),  # display/tv/ and display/kiosk/…/ before display/<mode>/
    path("display/<str:mode>/", display_mode, name="display_mode"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    # Wagtail's page serving, with reads outside the request's transaction (cms/transactions.py);
    # before Wagtail's own URLs, whose identical pattern it shadows.
    re_path(wagtail_urls.serve_pattern, atomic_writes_only(wagtail_views.serve), name="wagtail_serve"),
    path("", include(wagtail_urls)),
]
