from django.contrib import admin

from .models import Intervention


@admin.register(Intervention)
class InterventionAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "category",
        "kind",
        "group_type_code",
        "default_per_week",
        "default_minutes",
        "active",
    )
    list_filter = ("category", "kind", "active")
    search_fields = ("name", "code")
