from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("trellis.core.urls")),
    path("", include("trellis.accounts.urls")),
    path("patients/", include("trellis.patients.urls")),
    path("intake/", include("trellis.assessments.urls")),
    path("q/", include("trellis.assessments.public_urls")),
    path("plans/", include("trellis.plans.urls")),
    path("audit/", include("trellis.audit.urls")),
    path("schedule/", include("trellis.scheduling.urls")),
    path("portal/", include("trellis.portal.urls")),
    path("admin/", admin.site.urls),
]
