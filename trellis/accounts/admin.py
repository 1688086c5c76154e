from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from trellis.scheduling.windows import problem

from .models import StaffAvailability, StaffProfile, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Trellis", {"fields": ("role",)}))  # type: ignore[misc]
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("Trellis", {"fields": ("role",)}))


class StaffAvailabilityFormSet(BaseInlineFormSet):
    """A staff member's windows follow the patients' rule: each ends after it starts, and two
    windows of one day neither overlap nor touch (trellis/scheduling/windows.py)."""

    def clean(self) -> None:
        super().clean()
        windows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or any(data.get(k) is None for k in ("weekday", "start", "end")):
                continue
            windows.append((data["weekday"], data["start"], data["end"]))
        fault = problem(windows)
        if fault:
            raise ValidationError(fault)


class StaffAvailabilityInline(admin.TabularInline):
    model = StaffAvailability
    formset = StaffAvailabilityFormSet
    extra = 0


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "credentials", "license_status", "supervisor", "max_weekly_minutes"]
    list_filter = ["license_status", "sites"]
    filter_horizontal = ["sites"]
    inlines = [StaffAvailabilityInline]
