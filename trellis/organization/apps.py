from django.apps import AppConfig


class OrganizationConfig(AppConfig):
    name = "trellis.organization"
    label = "organization"
    verbose_name = "Organization"
