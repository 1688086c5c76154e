from django.urls import path

from . import referral_views, views

app_name = "assessments"
urlpatterns = [
    path("", referral_views.waitlist, name="waitlist"),
    path("referrals/new/", referral_views.referral_new, name="referral_new"),
    path("referrals/<uuid:referral_id>/", referral_views.referral_detail, name="referral"),
    path(
        "referrals/<uuid:referral_id>/screening/",
        referral_views.referral_screen,
        name="referral_screen",
    ),
    path(
        "referrals/<uuid:referral_id>/close/",
        referral_views.referral_close,
        name="referral_close",
    ),
    path("patients/<uuid:public_id>/", views.patient_assessments, name="patient"),
    path("patients/<uuid:public_id>/administer/<slug:code>/", views.administer, name="administer"),
    path(
        "patients/<uuid:public_id>/responses/<uuid:response_id>/correct/",
        views.correct,
        name="correct",
    ),
    path("patients/<uuid:public_id>/link/", views.send_link, name="send_link"),
    path("patients/<uuid:public_id>/risk/", views.mark_risk, name="mark_risk"),
    path(
        "patients/<uuid:public_id>/alerts/<uuid:alert_id>/acknowledge/",
        views.acknowledge,
        name="acknowledge",
    ),
    path("patients/<uuid:public_id>/assessment/", views.assessment_edit, name="assessment"),
    path("patients/<uuid:public_id>/placement/", views.placement_page, name="placement"),
]
