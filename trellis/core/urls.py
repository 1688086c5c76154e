from django.urls import path
from django.views.i18n import set_language

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("session/keep-alive/", views.keep_alive, name="keep_alive"),
    path("i18n/setlang/", set_language, name="set_language"),
]
