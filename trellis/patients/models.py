"""Patients, their contacts and family, episodes of care and care teams."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trellis.core.models import BaseModel


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    INTERSEX = "intersex", _("Intersex")
    UNKNOWN = "unknown", _("Not recorded")


class Patient(BaseModel):
    mrn = models.CharField(_("MRN"), max_length=20, unique=True)
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    preferred_name = models.CharField(_("preferred name"), max_length=80, blank=True)
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    date_of_birth = models.DateField(_("date of birth"))
    sex_at_birth = models.CharField(
        _("sex assigned at birth"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN
    )
    gender_identity = models.CharField(_("gender identity"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=40, default="English")
    site = models.ForeignKey("organization.Site", on_delete=models.PROTECT, related_name="patients")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patient_record",
        help_text=_("The patient's own portal sign-in, if any."),
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="patient_name"),
            models.Index(fields=["site", "last_name"], name="patient_site_name"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """Name as staff address the patient: preferred first name where given."""
        first = self.preferred_name or self.first_name
        return f"{first} {self.last_name}"

    @property
    def legal_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: datetime.date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class Relationship(models.TextChoices):
    PARENT = "parent", _("Parent")
    GUARDIAN = "guardian", _("Legal guardian")
    SPOUSE = "spouse", _("Spouse or partner")
    CHILD = "child", _("Child")
    SIBLING = "sibling", _("Sibling")
    OTHER_FAMILY = "other_family", _("Other family")
    FRIEND = "friend", _("Friend")
    SPONSOR = "sponsor", _("Sponsor")
    OTHER = "other", _("Other")


class Contact(BaseModel):
    """A person in the patient's life: emergency contact, family member, support."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=160)
    relationship = models.CharField(_("relationship"), max_length=20, choices=Relationship.choices)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_emergency_contact = models.BooleanField(_("emergency contact"), default=False)
    is_family_participant = models.BooleanField(_("takes part in family sessions"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="family_links",
        help_text=_("The family member's portal sign-in, if any."),
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-is_emergency_contact", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display()})"


class EpisodeStatus(models.TextChoices):
    REFERRED = "referred", _("Referred")
    SCREENING = "screening", _("Screening")
    ADMITTED = "admitted", _("Admitted")
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    DISCHARGED = "discharged", _("Discharged")
    TRANSFERRED = "transferred", _("Transferred")


OPEN_STATUSES = (
    EpisodeStatus.REFERRED,
    EpisodeStatus.SCREENING,
    EpisodeStatus.ADMITTED,
    EpisodeStatus.ACTIVE,
    EpisodeStatus.ON_HOLD,
)
IN_TREATMENT_STATUSES = (EpisodeStatus.ADMITTED, EpisodeStatus.ACTIVE, EpisodeStatus.ON_HOLD)


class DischargeReason(models.TextChoices):
    COMPLETED = "completed", _("Completed the program")
    AGAINST_ADVICE = "against_advice", _("Left against clinical advice")
    NON_ATTENDANCE = "non_attendance", _("Stopped attending")
    ADMINISTRATIVE = "administrative", _("Administrative discharge")
    STEP_UP = "step_up", _("Stepped up to a more intensive level of care")
    STEP_DOWN = "step_down", _("Stepped down to a less intensive level of care")
    NOT_ADMITTED = "not_admitted", _("Not admitted (declined, not eligible, referred elsewhere)")
    OTHER = "other", _("Other")


class EpisodeOfCare(BaseModel):
    """One IOP stay: from referral to discharge or transfer."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="episodes")
    track = models.ForeignKey(
        "organization.Track", on_delete=models.PROTECT, related_name="episodes"
    )
    level_of_care = models.ForeignKey(
        "organization.LevelOfCare", on_delete=models.PROTECT, related_name="episodes"
    )
    status = models.CharField(
        max_length=20, choices=EpisodeStatus.choices, default=EpisodeStatus.REFERRED
    )
    primary_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="primary_episodes",
    )
    referred_on = models.DateField()
    admitted_on = models.DateField(null=True, blank=True)
    treatment_started_on = models.DateField(null=True, blank=True)
    discharged_on = models.DateField(null=True, blank=True)
    discharge_reason = models.CharField(max_length=20, choices=DischargeReason.choices, blank=True)
    transferred_to = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-referred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="one_open_episode_per_patient",
            ),
            models.CheckConstraint(
                condition=models.Q(admitted_on__isnull=True)
                | models.Q(admitted_on__gte=models.F("referred_on")),
                name="episode_admitted_after_referral",
            ),
            models.CheckConstraint(
                condition=models.Q(discharged_on__isnull=True)
                | models.Q(discharged_on__gte=models.F("referred_on")),
                name="episode_discharged_after_referral",
            ),
        ]
        indexes = [models.Index(fields=["status", "track"], name="episode_status_track")]

    def __str__(self) -> str:
        return f"{self.track} ({self.get_status_display()}, referred {self.referred_on})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def week_of_treatment(self, today: datetime.date) -> int | None:
        """1-based week since admission while the episode is open."""
        if self.admitted_on is None or not self.is_open:
            return None
        return (today - self.admitted_on).days // 7 + 1


class EpisodeTransition(models.Model):
    """One named status change: who, when, why. Never edited."""

    episode = models.ForeignKey(EpisodeOfCare, on_delete=models.PROTECT, related_name="transitions")
    name = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, choices=EpisodeStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=EpisodeStatus.choices)
    effective_on = models.DateField()
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.from_status or '—'} → {self.to_status}"


class CareTeamRole(models.TextChoices):
    PRIMARY = "primary", _("Primary clinician")
    THERAPIST = "therapist", _("Individual therapist")
    FAMILY_THERAPIST = "family_therapist", _("Family therapist")
    PRESCRIBER = "prescriber", _("Psychiatric prescriber")
    CASE_MANAGER = "case_manager", _("Case manager")
    PEER = "peer", _("Peer recovery specialist")
    SUPERVISOR = "supervisor", _("Clinical supervisor")


class CareTeamMember(BaseModel):
    episode = models.ForeignKey(EpisodeOfCare, on_delete=models.CASCADE, related_name="care_team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_team_memberships"
    )
    role = models.CharField(max_length=20, choices=CareTeamRole.choices)
    added_on = models.DateField()
    removed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["removed_on", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "user", "role"],
                condition=models.Q(removed_on__isnull=True),
                name="care_team_member_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class BreakGlassGrant(models.Model):
    """Emergency access to a chart outside one's care team: a reason, a time limit, audited."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["user", "patient", "expires_at"], name="break_glass_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.patient} until {self.expires_at:%Y-%m-%d %H:%M}"
