"""Referrals, instrument responses, self-completion links, safety alerts, comprehensive
assessments and level-of-care placement decisions.

Stored instrument responses are immutable: a correction is a new response naming the one it
replaces. A signed comprehensive assessment is locked.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trellis.core.errors import TrellisError
from trellis.core.models import BaseModel

ASAM_DIMENSIONS = (
    (1, _("Acute intoxication and/or withdrawal potential")),
    (2, _("Biomedical conditions and complications")),
    (3, _("Emotional, behavioral or cognitive conditions and complications")),
    (4, _("Readiness to change")),
    (5, _("Relapse, continued use or continued problem potential")),
    (6, _("Recovery/living environment")),
)
BIOPSYCHOSOCIAL_SECTIONS = (
    ("substance_use_history", _("Substance-use history")),
    ("mental_health", _("Mental health")),
    ("medical", _("Medical")),
    ("medications", _("Medications")),
    ("living_situation", _("Living situation")),
    ("employment_school", _("Employment / school")),
    ("legal", _("Legal")),
    ("family_supports", _("Family and supports")),
    ("strengths", _("Strengths")),
    ("patient_goals", _("Patient's own goals")),
)


class ImmutableRecord(TrellisError):
    """A stored response (or signed record) cannot be changed."""


# ----------------------------------------------------------------------------------------------
# Referrals and waitlist


class Urgency(models.TextChoices):
    EMERGENT = "emergent", _("Emergent (within 24 hours)")
    URGENT = "urgent", _("Urgent (within 72 hours)")
    ROUTINE = "routine", _("Routine")


URGENCY_RANK = {Urgency.EMERGENT: 0, Urgency.URGENT: 1, Urgency.ROUTINE: 2}


class ReferralSource(models.TextChoices):
    SELF = "self", _("Self")
    FAMILY = "family", _("Family")
    PROVIDER = "provider", _("Health-care provider")
    HOSPITAL = "hospital", _("Hospital / ED")
    COURT = "court", _("Court / probation")
    EMPLOYER = "employer", _("Employer / EAP")
    SCHOOL = "school", _("School")
    OTHER = "other", _("Other")


class ReferralStatus(models.TextChoices):
    WAITING = "waiting", _("On the waitlist")
    CONVERTED = "converted", _("Converted to an episode")
    CLOSED = "closed", _("Closed without admission")


class ScreeningOutcome(models.TextChoices):
    PENDING = "", _("Not screened yet")
    APPROPRIATE = "appropriate", _("Appropriate for IOP: schedule the assessment")
    HIGHER_LEVEL = "higher_level", _("Needs a more intensive level of care now")
    LOWER_LEVEL = "lower_level", _("A less intensive level of care fits")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible (e.g. insurance, age, location)")


class ReferralCloseReason(models.TextChoices):
    DECLINED = "declined", _("Person declined services")
    UNREACHABLE = "unreachable", _("Could not be reached")
    REFERRED_ELSEWHERE = "referred_elsewhere", _("Referred to another level of care or program")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    DUPLICATE = "duplicate", _("Duplicate of another referral")
    OTHER = "other", _("Other")


class Referral(BaseModel):
    site = models.ForeignKey("organization.Site", on_delete=models.PROTECT, related_name="+")
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    date_of_birth = models.DateField(_("date of birth"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=ReferralSource.choices)
    referring_provider = models.CharField(_("referring provider"), max_length=160, blank=True)
    referring_contact = models.CharField(
        _("referring provider's contact"), max_length=160, blank=True
    )
    reason = models.TextField(_("reason for referral"))
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    insurance = models.CharField(_("insurance on file"), max_length=160, blank=True)
    screening_notes = models.TextField(_("pre-admission screening"), blank=True)
    screened_on = models.DateField(_("screened on"), null=True, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    screening_outcome = models.CharField(
        _("screening outcome"),
        max_length=20,
        choices=ScreeningOutcome.choices,
        blank=True,
        default=ScreeningOutcome.PENDING,
    )
    withdrawal_risk = models.BooleanField(
        _("at risk of severe withdrawal (e.g. alcohol, benzodiazepines)"), default=False
    )
    imminent_risk = models.BooleanField(_("imminent risk of harm to self or others"), default=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=ReferralCloseReason.choices, blank=True
    )
    close_note = models.TextField(_("closing note"), blank=True)
    referred_on = models.DateField(_("referred on"))
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.WAITING
    )
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        help_text=_("The existing patient this referral was merged with, or the new record."),
    )
    episode = models.ForeignKey(
        "patients.EpisodeOfCare", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["referred_on", "id"]
        indexes = [models.Index(fields=["last_name", "date_of_birth"], name="referral_person")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.referred_on})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


# ----------------------------------------------------------------------------------------------
# Instruments


class ResponseSource(models.TextChoices):
    CLINICIAN = "clinician", _("Entered by staff")
    SELF = "self", _("Completed by the patient (link)")


class InstrumentResponse(BaseModel):
    """One completed instrument with its score. Never changed after it is stored."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="instrument_responses"
    )
    episode = models.ForeignKey(
        "patients.EpisodeOfCare", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    instrument = models.CharField(max_length=20)
    answers = models.JSONField()
    item_scores = models.JSONField(default=dict)
    total = models.IntegerField(null=True, blank=True)
    band = models.CharField(max_length=40, blank=True)
    interpretation = models.CharField(max_length=300, blank=True)
    flags = models.JSONField(default=list)
    subscales = models.JSONField(default=dict)
    source = models.CharField(max_length=10, choices=ResponseSource.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        help_text=_("The response this one corrects."),
    )
    correction_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["patient", "instrument"], name="response_patient_instr")]

    def __str__(self) -> str:
        return f"{self.instrument} {self.created_at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableRecord(_("A stored response cannot be changed; record a correction."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord(_("A stored response cannot be deleted."))

    @property
    def instrument_name(self) -> str:
        from trellis.instruments import INSTRUMENTS

        inst = INSTRUMENTS.get(self.instrument)
        return inst.name if inst else self.instrument


class SelfCompletionLink(BaseModel):
    """A secure, expiring, single-use link. Only the SHA-256 of the token is stored."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(
        "patients.EpisodeOfCare", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    instrument = models.CharField(max_length=20)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    response = models.OneToOneField(
        InstrumentResponse, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.instrument} link until {self.expires_at:%Y-%m-%d %H:%M}"


# ----------------------------------------------------------------------------------------------
# Safety


class AlertReason(models.TextChoices):
    PHQ9_ITEM9 = "phq9_item9", _("PHQ-9 item 9 (thoughts of self-harm) answered above 'Not at all'")
    CSSRS = "cssrs", _("C-SSRS screen: moderate or high risk")
    CLINICIAN = "clinician", _("Risk marked by a clinician")


class AlertAction(models.TextChoices):
    SAFETY_PLAN = "safety_plan", _("Safety plan completed or reviewed")
    CRISIS_REFERRAL = "crisis_referral", _("Referred to crisis services")
    EMERGENCY = "emergency", _("Emergency services contacted")
    HIGHER_LEVEL = "higher_level", _("Referred to a higher level of care")
    ASSESSED_LOW = "assessed_low", _("Assessed in person: no imminent risk")
    OTHER = "other", _("Other (see note)")


class SafetyAlert(BaseModel):
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="safety_alerts"
    )
    reason = models.CharField(max_length=20, choices=AlertReason.choices)
    detail = models.CharField(max_length=300)
    note = models.TextField(blank=True, help_text=_("The clinician's description of the risk."))
    response = models.ForeignKey(
        InstrumentResponse, on_delete=models.PROTECT, null=True, blank=True, related_name="alerts"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=AlertAction.choices, blank=True)
    action_note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["acknowledged_at", "patient"], name="alert_open")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(acknowledged_at__isnull=True) | ~models.Q(action=""),
                name="alert_ack_has_action",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} — {self.patient}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None


# ----------------------------------------------------------------------------------------------
# Comprehensive assessment


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed and locked")


def _section(label: Any) -> models.TextField[str, str]:
    return models.TextField(label, blank=True)


def _rating(n: int) -> models.PositiveSmallIntegerField[int | None, int | None]:
    return models.PositiveSmallIntegerField(
        _("Dimension %(n)s risk rating") % {"n": n},
        null=True,
        blank=True,
        choices=[(i, str(i)) for i in range(5)],
    )


class ComprehensiveAssessment(BaseModel):
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="assessments"
    )
    episode = models.ForeignKey(
        "patients.EpisodeOfCare", on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(
        max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    substance_use_history = _section(_("Substance-use history"))
    mental_health = _section(_("Mental health"))
    medical = _section(_("Medical"))
    medications = _section(_("Medications"))
    living_situation = _section(_("Living situation"))
    employment_school = _section(_("Employment / school"))
    legal = _section(_("Legal"))
    family_supports = _section(_("Family and supports"))
    strengths = _section(_("Strengths"))
    patient_goals = _section(_("Patient's own goals"))
    dimension1_rating = _rating(1)
    dimension1_notes = models.TextField(blank=True)
    dimension2_rating = _rating(2)
    dimension2_notes = models.TextField(blank=True)
    dimension3_rating = _rating(3)
    dimension3_notes = models.TextField(blank=True)
    dimension4_rating = _rating(4)
    dimension4_notes = models.TextField(blank=True)
    dimension5_rating = _rating(5)
    dimension5_notes = models.TextField(blank=True)
    dimension6_rating = _rating(6)
    dimension6_notes = models.TextField(blank=True)
    responses = models.ManyToManyField(InstrumentResponse, blank=True, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Comprehensive assessment {self.created_at:%Y-%m-%d} ({self.status})"

    @property
    def is_locked(self) -> bool:
        return self.status == AssessmentStatus.SIGNED

    def ratings(self) -> dict[int, int | None]:
        return {n: getattr(self, f"dimension{n}_rating") for n in range(1, 7)}


class Diagnosis(BaseModel):
    assessment = models.ForeignKey(
        ComprehensiveAssessment, on_delete=models.CASCADE, related_name="diagnoses"
    )
    code = models.CharField(_("ICD-10-CM code"), max_length=8)
    description = models.CharField(_("description"), max_length=250)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


# ----------------------------------------------------------------------------------------------
# Placement


class PlacementOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Recommendation accepted")
    OVERRIDDEN = "overridden", _("Recommendation overridden")


class PlacementDecision(BaseModel):
    episode = models.ForeignKey(
        "patients.EpisodeOfCare", on_delete=models.PROTECT, related_name="placement_decisions"
    )
    assessment = models.ForeignKey(
        ComprehensiveAssessment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    system = models.CharField(max_length=40)
    recommended_code = models.CharField(max_length=20)
    chosen_level = models.ForeignKey(
        "organization.LevelOfCare", on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=PlacementOutcome.choices)
    justification = models.TextField(blank=True)
    rules_fired = models.JSONField(default=list)
    inputs = models.JSONField(default=dict)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome="accepted") | ~models.Q(justification=""),
                name="placement_override_justified",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.chosen_level}"
