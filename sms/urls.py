from django.urls import path

from . import views

app_name = "sms"

urlpatterns = [
    path("sms/subscribe/", views.subscribe, name="subscribe"),
    path("sms/unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path("s/<str:code>/", views.short_link, name="short_link"),
]
