from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("schedule/", views.schedule, name="schedule"),
    path("availability/", views.availability, name="availability"),
    path("calendar/", views.feed, name="feed"),
    path("calendar/new/", views.feed_new, name="feed_new"),
    path("calendar/<uuid:public_id>/revoke/", views.feed_revoke, name="feed_revoke"),
]
