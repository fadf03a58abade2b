from django.urls import path

import disclosure_pages.params  # noqa: F401  (registers the <id:…> converter)

from . import views

app_name = "participation"

urlpatterns = [
    path("requests/", views.request_index, name="request_index"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/received/", views.request_received, name="request_received"),
    path("requests/status/", views.request_status, name="request_status"),
    path("requests/resend/", views.request_resend, name="request_resend"),
    path("requests/status/<str:number>/", views.request_detail, name="request_detail"),
    path("requests/status/<str:number>/files/<id:attachment_id>/", views.request_attachment, name="request_attachment"),
    path("requests/status/<str:number>/clarify/", views.request_clarify_view, name="request_clarify"),
    path("feedback/", views.feedback_wall, name="feedback_wall"),
    path("feedback/topics/received/", views.topic_received, name="topic_received"),
    path("feedback/topics/status/", views.topic_status, name="topic_status"),
    path("feedback/topics/status/<str:number>/", views.topic_detail, name="topic_detail"),
    path("feedback/unit/<id:unit_id>/", views.feedback_unit, name="feedback_unit"),
    path("feedback/item/<id:item_id>/", views.feedback_item, name="feedback_item"),
]
