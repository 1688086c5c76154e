from django.urls import path

from . import views

app_name = "patients"
urlpatterns = [
    path("", views.patient_list, name="list"),
    path("new/", views.patient_new, name="new"),
    path("<uuid:public_id>/", views.patient_chart, name="chart"),
    path("<uuid:public_id>/edit/", views.patient_edit, name="edit"),
    path("<uuid:public_id>/emergency-access/", views.break_glass, name="break_glass"),
    path("<uuid:public_id>/contacts/new/", views.contact_form, name="contact_new"),
    path("<uuid:public_id>/contacts/<uuid:contact_id>/", views.contact_form, name="contact_edit"),
    path(
        "<uuid:public_id>/contacts/<uuid:contact_id>/remove/",
        views.contact_remove,
        name="contact_remove",
    ),
    path("<uuid:public_id>/episodes/new/", views.episode_new, name="episode_new"),
    path(
        "<uuid:public_id>/episodes/<uuid:episode_id>/status/<slug:name>/",
        views.episode_transition,
        name="episode_transition",
    ),
    path(
        "<uuid:public_id>/episodes/<uuid:episode_id>/care-team/",
        views.care_team_add,
        name="care_team_add",
    ),
    path(
        "<uuid:public_id>/care-team/<uuid:member_id>/remove/",
        views.care_team_remove,
        name="care_team_remove",
    ),
]
