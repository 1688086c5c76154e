from django.contrib import admin
from django.http import HttpRequest

from .models import GroupType


@admin.register(GroupType)
class GroupTypeAdmin(admin.ModelAdmin):
    """Read-only: the catalogue is edited on /schedule/catalogue/, whose services audit each
    change."""

    list_display = ["name", "code", "modality", "minutes", "min_size", "max_size", "active"]
    list_filter = ["modality", "active"]
    search_fields = ["name", "code"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: GroupType | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: GroupType | None = None) -> bool:
        return False
