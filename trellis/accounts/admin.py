from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import StaffAvailability, StaffProfile, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Trellis", {"fields": ("role",)}))  # type: ignore[misc]
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("Trellis", {"fields": ("role",)}))


class StaffAvailabilityInline(admin.TabularInline):
    model = StaffAvailability
    extra = 0


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "credentials", "license_status", "supervisor", "max_weekly_minutes"]
    list_filter = ["license_status", "sites"]
    filter_horizontal = ["sites"]
    inlines = [StaffAvailabilityInline]
