from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from trellis.scheduling.windows import problem

from .forms import CompetenciesField
from .models import (
    STAFF_ROLES,
    LicenseStatus,
    Role,
    StaffAvailability,
    StaffProfile,
    User,
)


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


class PersonChoiceField(forms.ModelChoiceField):
    """A person by the name staff know them by, not their username."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.username})"


class StaffProfileForm(forms.ModelForm):
    """Competencies as the choices the scheduler knows (not raw JSON); the profile's person
    among staff, and a supervisor among licensed clinicians, by name."""

    competencies = CompetenciesField(
        help_text=_("What the schedule optimizer lets this person lead or see."),
    )

    class Meta:
        model = StaffProfile
        fields = [
            "user",
            "sites",
            "credentials",
            "license_status",
            "supervisor",
            "competencies",
            "max_weekly_minutes",
        ]
        field_classes = {"user": PersonChoiceField, "supervisor": PersonChoiceField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        by_name = ("last_name", "first_name")
        self.fields["user"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            role__in=STAFF_ROLES
        ).order_by(*by_name)
        self.fields["supervisor"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            role=Role.CLINICIAN, staff_profile__license_status=LicenseStatus.LICENSED
        ).order_by(*by_name)


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    form = StaffProfileForm
    list_display = ["user", "credentials", "license_status", "supervisor", "max_weekly_minutes"]
    list_filter = ["license_status", "sites"]
    filter_horizontal = ["sites"]
    inlines = [StaffAvailabilityInline]
