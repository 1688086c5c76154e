from django.urls import path

from . import views

app_name = "plans"
P = "patients/<uuid:public_id>/"
V = P + "versions/<uuid:version_id>/"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path(P, views.plan_detail, name="detail"),
    path(P + "edit/", views.plan_edit, name="edit"),
    path(P + "compare/", views.compare, name="compare"),
    path(P + "review/", views.review, name="review"),
    path(V, views.version_detail, name="version"),
    path(V + "sign/", views.sign, name="sign"),
    path(V + "cosign/", views.cosign, name="cosign"),
    path(V + "patient-signature/", views.patient_sign, name="patient_sign"),
    path(V + "print/", views.print_view, name="print"),
    path(V + "pdf/", views.pdf, name="pdf"),
]
