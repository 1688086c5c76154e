from django.contrib import admin

from .models import GroupType


@admin.register(GroupType)
class GroupTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "modality", "minutes", "min_size", "max_size", "active"]
    list_filter = ["modality", "active"]
    search_fields = ["name", "code"]
