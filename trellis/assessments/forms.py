"""Forms. Instrument forms are built from the instrument's data (trellis.instruments)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from trellis.accounts.models import User
from trellis.instruments import Instrument, ItemKind
from trellis.organization.models import LevelOfCare, Track

from .models import (
    AlertAction,
    ComprehensiveAssessment,
    InstrumentResponse,
    Referral,
    ReferralCloseReason,
    ScreeningOutcome,
)
from .services import ASSESSMENT_FIELDS, ResponseInvalid

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _yes(value: str) -> bool:
    return value == "yes"


class InstrumentForm(forms.Form):
    """One field per item, named ``item_<key>``; items behind skip logic are optional here and
    the scorer decides (its errors are shown by the item)."""

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for item in instrument.items:
            required = item.enable_when is None and item.key in instrument.required_items
            field: forms.Field
            label = f"{item.key}. {item.text}"
            if item.kind is ItemKind.CHOICE:
                field = forms.TypedChoiceField(
                    label=label,
                    choices=[(str(i), o.label) for i, o in enumerate(item.options)],
                    coerce=int,
                    widget=forms.RadioSelect,
                    required=required,
                    empty_value=None,
                )
            elif item.kind is ItemKind.BOOLEAN:
                field = forms.TypedChoiceField(
                    label=label,
                    choices=YES_NO,
                    coerce=_yes,
                    widget=forms.RadioSelect,
                    required=required,
                    empty_value=None,
                )
            else:
                field = forms.IntegerField(
                    label=label,
                    min_value=0,
                    max_value=item.max_days,
                    required=required,
                    help_text=_("Number of days, 0 to %(n)s") % {"n": item.max_days},
                )
            self.fields[f"item_{item.key}"] = field
        if instrument.code == "auditc":
            self.fields["sex"] = forms.ChoiceField(
                label=_("Sex (sets the AUDIT-C threshold)"),
                choices=[("", _("Not recorded")), ("female", _("Female")), ("male", _("Male"))],
                required=False,
            )

    def answers(self) -> dict[str, object]:
        return {
            name.removeprefix("item_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("item_") and value is not None
        }

    def sex(self) -> str | None:
        return self.cleaned_data.get("sex") or None

    def add_scoring_error(self, exc: ResponseInvalid) -> None:
        name = f"item_{exc.item}"
        self.add_error(name if name in self.fields else None, str(exc))


class CorrectionForm(InstrumentForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"] = forms.CharField(
            label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 2})
        )

    @classmethod
    def initial_from(cls, response: InstrumentResponse) -> dict[str, object]:
        initial: dict[str, object] = {}
        for key, value in response.answers.items():
            if isinstance(value, bool):
                initial[f"item_{key}"] = "yes" if value else "no"
            else:
                initial[f"item_{key}"] = str(value)
        return initial


class SendLinkForm(forms.Form):
    instrument = forms.ChoiceField(label=_("Questionnaire"))

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = choices  # type: ignore[attr-defined]


class AcknowledgeForm(forms.Form):
    action = forms.ChoiceField(label=_("Action taken"), choices=AlertAction.choices)
    note = forms.CharField(
        label=_("What was done"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Documented in the chart and the audit trail."),
    )


class RiskForm(forms.Form):
    note = forms.CharField(
        label=_("Risk observed"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Creates a safety alert for the primary clinician and the program director."),
    )


class AssessmentForm(forms.ModelForm):
    diagnoses = forms.CharField(
        label=_("Diagnoses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line: ICD-10-CM code, then the text, e.g. F10.20 Alcohol use "
            "disorder, moderate"
        ),
    )
    responses = forms.ModelMultipleChoiceField(
        label=_("Instrument results included"),
        queryset=InstrumentResponse.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ComprehensiveAssessment
        fields = list(ASSESSMENT_FIELDS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 2 if name.endswith("_notes") else 3})
            for name in ASSESSMENT_FIELDS
            if not name.endswith("_rating")
        }

    def __init__(self, *args: Any, responses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responses"].queryset = responses  # type: ignore[attr-defined]
        self.fields["responses"].label_from_instance = (  # type: ignore[attr-defined]
            lambda r: f"{r.instrument_name} {r.created_at:%Y-%m-%d}: {r.band or '—'}"
        )
        if self.instance.pk:
            self.initial.setdefault(
                "diagnoses",
                "\n".join(f"{d.code} {d.description}" for d in self.instance.diagnoses.all()),
            )
            self.initial.setdefault("responses", list(self.instance.responses.all()))

    def clean_diagnoses(self) -> list[tuple[str, str]]:
        rows = []
        for line in str(self.cleaned_data.get("diagnoses") or "").splitlines():
            if line.strip():
                code, _sep, text = line.strip().partition(" ")
                rows.append((code.rstrip(",;:"), text.strip(" -,;:")))
        from trellis.core.errors import ValidationFailed

        from .services import parse_diagnoses

        try:
            return parse_diagnoses(rows)
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc)) from exc


class PlacementForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept the recommendation")), ("override", _("Override"))],
        widget=forms.RadioSelect,
        initial="accept",
    )
    level = forms.ModelChoiceField(
        label=_("Level of care (when overriding)"),
        queryset=LevelOfCare.objects.none(),
        required=False,
        to_field_name="code",
    )
    justification = forms.CharField(
        label=_("Justification (required when overriding)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, levels: Any, recommended: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recommended = recommended
        self.fields["level"].queryset = levels  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "override":
            level = data.get("level")
            if level is None:
                self.add_error("level", _("Choose the level of care you are placing at."))
            elif level.code == self.recommended:
                self.add_error("level", _("That is the recommendation; choose Accept instead."))
            if not str(data.get("justification") or "").strip():
                self.add_error("justification", _("Overriding needs a justification."))
        return data

    def chosen_code(self) -> str:
        if self.cleaned_data["decision"] == "override":
            return str(self.cleaned_data["level"].code)
        return self.recommended


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = [
            "site",
            "first_name",
            "last_name",
            "date_of_birth",
            "phone",
            "source",
            "referring_provider",
            "referring_contact",
            "reason",
            "urgency",
            "insurance",
            "screening_notes",
            "referred_on",
        ]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "referred_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "reason": forms.Textarea(attrs={"rows": 3}),
            "screening_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
        if not self.is_bound and sites.count() == 1:
            self.initial.setdefault("site", sites.first())


class ScreeningForm(forms.Form):
    screened_on = forms.DateField(
        label=_("Screened on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[c for c in ScreeningOutcome.choices if c[0]]
    )
    withdrawal_risk = forms.BooleanField(
        label=_("At risk of severe withdrawal (alcohol, benzodiazepines, opioids)"), required=False
    )
    imminent_risk = forms.BooleanField(
        label=_("Imminent risk of harm to self or others"), required=False
    )
    notes = forms.CharField(
        label=_("Screening notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class CloseReferralForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=ReferralCloseReason.choices)
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done, and where the person was referred."),
    )


class ConvertForm(forms.Form):
    track = forms.ModelChoiceField(label=_("Track"), queryset=Track.objects.none())
    primary_clinician = forms.ModelChoiceField(
        label=_("Primary clinician"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, tracks: Any, clinicians: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["track"].queryset = tracks  # type: ignore[attr-defined]
        self.fields["primary_clinician"].queryset = clinicians  # type: ignore[attr-defined]
