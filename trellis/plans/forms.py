"""Forms of the plans app. The editor is four formsets (problems, goals, objectives,
interventions) whose rows point at their parent row by number, plus the plan-level fields."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trellis.accounts.models import User

from .models import Intervention, ObjectiveProgress, ReviewDecision

TEXTAREA = {"rows": 2}


class PlanForm(forms.Form):
    strengths = forms.CharField(
        label=_("Strengths"), widget=forms.Textarea(attrs=TEXTAREA), required=False
    )
    discharge_criteria = forms.CharField(
        label=_("Discharge criteria"), widget=forms.Textarea(attrs=TEXTAREA)
    )
    days_per_week = forms.IntegerField(
        label=_("Attended days per week"), min_value=1, max_value=7, initial=3
    )
    max_day_minutes = forms.IntegerField(
        label=_("Longest day (minutes)"),
        min_value=60,
        max_value=720,
        step_size=15,
        initial=240,
        help_text=_("The most the patient can attend on one day."),
    )
    reason = forms.CharField(
        label=_("Reason for this version"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("e.g. Initial plan; 30-day review: stepped down to 3 days."),
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)


class _Row(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, required=False)
    parent_field = ""

    def __init__(
        self, *args: Any, parent_choices: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if self.parent_field:
            field = cast(forms.ChoiceField, self.fields[self.parent_field])
            field.choices = [("", "—"), *(parent_choices or [])]


class ProblemForm(_Row):
    statement = forms.CharField(label=_("Problem"), max_length=300)
    findings = forms.CharField(
        label=_("Assessment findings"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    diagnoses = forms.CharField(
        label=_("Diagnoses (ICD-10-CM)"),
        required=False,
        max_length=120,
        help_text=_("Codes separated by commas, e.g. F10.20, F32.1"),
    )


class GoalForm(_Row):
    parent_field = "problem"
    problem = forms.ChoiceField(label=_("For problem"))
    patient_words = forms.CharField(
        label=_("In the patient's words"), max_length=400, widget=forms.Textarea(attrs=TEXTAREA)
    )
    clinical = forms.CharField(
        label=_("Clinical goal"), max_length=400, widget=forms.Textarea(attrs=TEXTAREA)
    )


class ObjectiveForm(_Row):
    parent_field = "goal"
    goal = forms.ChoiceField(label=_("For goal"))
    text = forms.CharField(label=_("Objective"), max_length=400)
    measure = forms.CharField(
        label=_("Measure"), max_length=200, help_text=_("e.g. PHQ-9 below 10")
    )
    target_date = forms.DateField(
        label=_("Target date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        profile = getattr(obj, "staff_profile", None)
        credentials = profile.credentials if profile is not None else ""
        return f"{obj.display_name}, {credentials}" if credentials else str(obj.display_name)


class InterventionForm(_Row):
    parent_field = "objective"
    objective = forms.ChoiceField(label=_("For objective"))
    intervention = forms.ModelChoiceField(
        label=_("Intervention"), queryset=Intervention.objects.none(), to_field_name="code"
    )
    per_week = forms.IntegerField(
        label=_("Per week"),
        min_value=0,
        max_value=14,
        required=False,
        help_text=_("Blank: the library default; 0: less than weekly."),
    )
    minutes = forms.IntegerField(
        label=_("Minutes"), min_value=15, max_value=480, step_size=15, required=False
    )
    weeks = forms.IntegerField(
        label=_("For weeks"),
        min_value=1,
        max_value=52,
        required=False,
        help_text=_("Blank: for the whole episode."),
    )
    responsible = StaffChoiceField(
        label=_("Responsible staff"),
        queryset=User.objects.none(),
        to_field_name="public_id",
        required=False,
    )
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)

    def __init__(self, *args: Any, staff: QuerySet[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        intervention = cast(forms.ModelChoiceField, self.fields["intervention"])
        intervention.queryset = Intervention.objects.filter(active=True)
        # One drop-down, grouped by category (the catalogue is ordered by category, name).
        grouped: dict[str, list[tuple[str, str]]] = {}
        for item in intervention.queryset:
            grouped.setdefault(str(item.get_category_display()), []).append((item.code, str(item)))
        intervention.choices = [("", "---------"), *grouped.items()]
        responsible = cast(forms.ModelChoiceField, self.fields["responsible"])
        responsible.queryset = staff if staff is not None else User.objects.none()


ProblemFormSet = formset_factory(ProblemForm, extra=0, can_delete=True)
GoalFormSet = formset_factory(GoalForm, extra=0, can_delete=True)
ObjectiveFormSet = formset_factory(ObjectiveForm, extra=0, can_delete=True)
InterventionFormSet = formset_factory(InterventionForm, extra=0, can_delete=True)


class PatientSignatureForm(forms.Form):
    signed_on = forms.DateField(
        label=_("Date the patient signed"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    declined = forms.BooleanField(label=_("The patient declined to sign"), required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Required when the patient declined: what they said."),
    )
    attest = forms.BooleanField(
        label=_("I saw the patient sign (or decline) this version of the plan.")
    )


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(
        label=_("Review date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=[("", "—"), *ReviewDecision.choices])
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, objectives: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.objectives = objectives
        for o in objectives:
            self.fields[f"status_{o['key']}"] = forms.ChoiceField(
                label=_("Progress"),
                choices=[("", "—"), *ObjectiveProgress.choices],
            )
            self.fields[f"note_{o['key']}"] = forms.CharField(
                label=_("Note"), required=False, max_length=400
            )

    def objective_rows(self) -> list[tuple[dict[str, Any], Any, Any]]:
        return [(o, self[f"status_{o['key']}"], self[f"note_{o['key']}"]) for o in self.objectives]

    def progress(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        return {
            o["key"]: {"status": data[f"status_{o['key']}"], "note": data[f"note_{o['key']}"]}
            for o in self.objectives
        }

    def clean_reviewed_on(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["reviewed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The review date cannot be in the future."))
        return value
