"""Treatment plans: the intervention library, plans, immutable versions, signatures, reviews.

A plan belongs to one episode of care. Every save is a new ``PlanVersion`` (content as one JSON
document, see ``document.py``) with a reason; versions, signatures and reviews are never changed
or deleted. A version is *in effect* once its author has signed and, when the author signed as a
pre-licensed clinician, their supervisor has co-signed; the newest version in effect is what
scheduling and billing use.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trellis.core.errors import TrellisError
from trellis.core.models import BaseModel


class ImmutablePlanRecord(TrellisError):
    """A saved plan version, signature or review cannot be changed or deleted."""


class _Immutable(BaseModel):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutablePlanRecord(
                _("A saved plan record cannot be changed; save a new version instead.")
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutablePlanRecord(_("A saved plan record cannot be deleted."))


class InterventionKind(models.TextChoices):
    GROUP = "group", _("Group session (scheduled)")
    INDIVIDUAL = "individual", _("Individual session (scheduled)")
    FAMILY = "family", _("Family session (scheduled)")
    OTHER = "other", _("Other (not booked by the program)")


class InterventionCategory(models.TextChoices):
    GROUP_THERAPY = "group_therapy", _("Group therapy")
    INDIVIDUAL_THERAPY = "individual_therapy", _("Individual therapy")
    FAMILY_THERAPY = "family_therapy", _("Family therapy")
    PSYCHOEDUCATION = "psychoeducation", _("Psychoeducation")
    MEDICATION = "medication", _("Medication management / MAT")
    HOLISTIC = "holistic", _("Mindfulness, art, yoga, exercise")
    PEER = "peer", _("Peer support / 12-step")


class Intervention(BaseModel):
    """One entry of the intervention library that plans draw from (edited in the admin)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=30, choices=InterventionCategory.choices)
    kind = models.CharField(max_length=12, choices=InterventionKind.choices)
    group_type_code = models.SlugField(
        max_length=40,
        blank=True,
        help_text=_("For group interventions: the code of the group type in the catalogue."),
    )
    default_per_week = models.PositiveSmallIntegerField(
        default=1, help_text=_("Sessions per week; 0 for less often than weekly.")
    )
    default_minutes = models.PositiveSmallIntegerField(default=60)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="group") | ~models.Q(group_type_code=""),
                name="intervention_group_has_type",
            )
        ]

    def __str__(self) -> str:
        return self.name


class TreatmentPlan(BaseModel):
    episode = models.OneToOneField(
        "patients.EpisodeOfCare", on_delete=models.PROTECT, related_name="treatment_plan"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="treatment_plans"
    )

    def __str__(self) -> str:
        return f"Treatment plan for {self.episode}"


class PlanVersion(_Immutable):
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    requirement = models.JSONField(
        null=True, blank=True, help_text=_("The FORMAT.md plan object derived from the content.")
    )
    weekly_minutes = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    reason = models.TextField()
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"


class SignatureRole(models.TextChoices):
    CLINICIAN = "clinician", _("Clinician")
    SUPERVISOR = "supervisor", _("Supervisor co-signature")
    PATIENT = "patient", _("Patient")


class PlanSignature(_Immutable):
    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="signatures")
    role = models.CharField(max_length=12, choices=SignatureRole.choices)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signer_name = models.CharField(max_length=200)
    credentials = models.CharField(max_length=80, blank=True)
    signed_on = models.DateField()
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The staff member who saw the patient sign."),
    )
    requires_cosign = models.BooleanField(
        default=False, help_text=_("Signed as a pre-licensed clinician.")
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who must co-sign (the pre-licensed signer's supervisor at signing)."),
    )
    declined = models.BooleanField(default=False)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "role"], name="plan_signature_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.signer_name} {self.signed_on}"


class ObjectiveProgress(models.TextChoices):
    MET = "met", _("Met")
    PROGRESSING = "progressing", _("Progressing")
    NOT_PROGRESSING = "not_progressing", _("Not progressing")
    REVISED = "revised", _("Revised")


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", _("Continue the plan")
    ADJUST = "adjust", _("Adjust intensity")
    STEP_UP = "step_up", _("Step up to a higher level of care")
    STEP_DOWN = "step_down", _("Step down to a lower level of care")
    DISCHARGE = "discharge", _("Plan for discharge")


class PlanReview(_Immutable):
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="reviews")
    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    progress = models.JSONField(help_text=_("{objective key: {status, note}}"))
    decision = models.CharField(max_length=12, choices=ReviewDecision.choices)
    summary = models.TextField()

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"Review {self.reviewed_on}"
