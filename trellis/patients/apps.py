from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "trellis.patients"
    label = "patients"
