from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trellis.accounts.models import User
from trellis.organization.models import Track

from .models import CareTeamRole, Contact, DischargeReason, EpisodeStatus, Patient
from .services import CONTACT_FIELDS, PATIENT_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = PATIENT_FIELDS
        widgets = {"date_of_birth": DATE_WIDGET}

    def clean_date_of_birth(self) -> Any:
        dob = self.cleaned_data["date_of_birth"]
        if dob and dob > timezone.localdate():
            raise forms.ValidationError(_("The date of birth is in the future."))
        return dob


class ReferralForm(forms.Form):
    track = forms.ModelChoiceField(queryset=Track.objects.none(), label=_("Program track"))
    referred_on = forms.DateField(label=_("Referral date"), widget=DATE_WIDGET)
    reason = forms.CharField(
        label=_("Reason for referral"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    primary_clinician = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label=_("Primary clinician")
    )

    def __init__(self, *args: Any, tracks: Any, clinicians: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["track"].queryset = tracks  # type: ignore[attr-defined]
        self.fields["primary_clinician"].queryset = clinicians  # type: ignore[attr-defined]
        self.fields["primary_clinician"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: u.display_name
        )
        if not self.is_bound:
            self.initial.setdefault("referred_on", timezone.localdate())

    def clean_referred_on(self) -> Any:
        day = self.cleaned_data["referred_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The referral date is in the future."))
        return day


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = CONTACT_FIELDS


class TransitionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    effective_on = forms.DateField(label=_("Effective date"), widget=DATE_WIDGET)
    discharge_reason = forms.ChoiceField(
        label=_("Discharge reason"),
        choices=[("", "—"), *DischargeReason.choices],
        required=False,
    )
    transferred_to = forms.CharField(
        label=_("Transferred to"),
        max_length=200,
        required=False,
        help_text=_("Program and level of care, e.g. “Riverside PHP (ASAM 2.5)”."),
    )

    def __init__(self, *args: Any, transfer: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("effective_on", timezone.localdate())
        if transfer:
            # A transfer's reason is its direction; the service refuses any other.
            reason = cast(forms.ChoiceField, self.fields["discharge_reason"])
            reason.label = _("Transfer is")
            reason.choices = [
                ("", "—"),
                (DischargeReason.STEP_UP, DischargeReason.STEP_UP.label),
                (DischargeReason.STEP_DOWN, DischargeReason.STEP_DOWN.label),
                (DischargeReason.OTHER, _("To another program at the same level of care")),
            ]


class CareTeamForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Staff member"))
    role = forms.ChoiceField(choices=CareTeamRole.choices, label=_("Role on the team"))

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff  # type: ignore[attr-defined]
        self.fields["user"].label_from_instance = lambda u: u.display_name  # type: ignore[attr-defined]


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need emergency access?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=10,
        max_length=1000,
    )


class PatientSearchForm(forms.Form):
    q = forms.CharField(required=False, label=_("Name or MRN"))
    track = forms.ModelChoiceField(
        queryset=Track.objects.none(),
        required=False,
        label=_("Track"),
        to_field_name="public_id",
        empty_label=_("Any track"),
    )
    status = forms.ChoiceField(
        choices=[("", _("Any status")), *EpisodeStatus.choices], required=False, label=_("Status")
    )
    clinician = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Primary clinician"),
        to_field_name="public_id",
        empty_label=_("Any clinician"),
    )
    mine = forms.BooleanField(required=False, label=_("Only my patients"))

    def __init__(self, *args: Any, tracks: Any, clinicians: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["track"].queryset = tracks  # type: ignore[attr-defined]
        self.fields["clinician"].queryset = clinicians  # type: ignore[attr-defined]
        self.fields["clinician"].label_from_instance = lambda u: u.display_name  # type: ignore[attr-defined]
