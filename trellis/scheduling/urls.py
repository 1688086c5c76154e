from django.urls import path

from . import views

app_name = "scheduling"
urlpatterns = [
    path("", views.week, name="week"),
    path("runs/", views.run_list, name="runs"),
    path("runs/continue/", views.schedule_continue, name="continue"),
    path("unmet/", views.unmet, name="unmet"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("staff/", views.staff_list, name="staff"),
    path("staff/<uuid:public_id>/", views.staff_edit, name="staff_edit"),
    path("sites/", views.site_list, name="sites"),
    path("sites/<slug:code>/", views.site_edit, name="site_edit"),
    path("rooms/<uuid:public_id>/", views.room_edit, name="room_edit"),
    path("catalogue/new/", views.group_type_edit, name="group_type_new"),
    path("catalogue/<uuid:public_id>/", views.group_type_edit, name="group_type_edit"),
    path("runs/<uuid:public_id>/", views.run_detail, name="run"),
    path("runs/<uuid:public_id>/publish/", views.run_publish, name="publish"),
    path("runs/<uuid:public_id>/stop/", views.run_stop, name="stop"),
    path("sessions/<uuid:public_id>/", views.session_roster, name="roster"),
    path("<slug:kind>/<uuid:public_id>/pin/", views.pin, name="pin"),
    path("<slug:kind>/<uuid:public_id>/move/", views.booking_move, name="move"),
    path("<slug:kind>/<uuid:public_id>/cancel/", views.booking_cancel, name="cancel"),
    path(
        "session/<uuid:public_id>/remove-patient/",
        views.session_remove_patient,
        name="session_remove_patient",
    ),
    path(
        "session/<uuid:public_id>/add-patient/",
        views.session_add_patient,
        name="session_add_patient",
    ),
    path("appointments/new/", views.appointment_new, name="appointment_new"),
    path("appointments/plan/", views.appointment_plan, name="appointment_plan"),
    path("sessions/new/", views.session_new, name="session_new"),
    path("patients/<uuid:public_id>/", views.patient_schedule, name="patient"),
    path("feeds/new/", views.feed_new, name="feed_new"),
    path("feeds/<uuid:public_id>/revoke/", views.feed_revoke, name="feed_revoke"),
    path("feed/<str:token>.ics", views.ical, name="ical"),
]
