from django.urls import path

from . import public_views

app_name = "selfcomplete"
urlpatterns = [path("<str:token>/", public_views.self_complete, name="form")]
