from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "trellis.assessments"
    label = "assessments"
    verbose_name = "Intake and assessment"
