from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "portal"
urlpatterns = [
    # /portal/ itself: the portal opens on the patient's schedule.
    path("", RedirectView.as_view(pattern_name="portal:schedule"), name="home"),
    path("schedule/", views.schedule, name="schedule"),
    path("availability/", views.availability, name="availability"),
    path("calendar/", views.feed, name="feed"),
    path("notices/seen/", views.notices_seen, name="notices_seen"),
    path("calendar/new/", views.feed_new, name="feed_new"),
    path("calendar/<uuid:public_id>/revoke/", views.feed_revoke, name="feed_revoke"),
]
