"""The group catalogue and the published week: group sessions and appointments.

The solver (``solver/``, pure Python) works on the interchange format of FORMAT.md; these models
are what a published schedule becomes, dated, so attendance and notes can hang on them.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from trellis.core.models import BaseModel


class Modality(models.TextChoices):
    PROCESS = "process", _("Process group")
    PSYCHOEDUCATION = "psychoeducation", _("Psychoeducation")
    SKILLS = "skills", _("Skills group")
    HOLISTIC = "holistic", _("Holistic")


class GroupType(BaseModel):
    """A kind of group in the catalogue directors edit (FORMAT.md ``group_types``)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    modality = models.CharField(max_length=20, choices=Modality.choices)
    minutes = models.PositiveSmallIntegerField()
    min_size = models.PositiveSmallIntegerField(default=3)
    max_size = models.PositiveSmallIntegerField(default=12)
    requires = models.JSONField(default=list, help_text=_("Competencies one facilitator holds."))
    populations = models.JSONField(default=list, help_text=_("Populations the group serves."))
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_size__gte=models.F("min_size")), name="group_type_sizes"
            ),
            models.CheckConstraint(condition=models.Q(minutes__gt=0), name="group_type_minutes"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.minutes % 15:
            raise ValidationError({"minutes": _("Use a multiple of 15 minutes.")})


class BookingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class GroupSession(BaseModel):
    group_type = models.ForeignKey(GroupType, on_delete=models.PROTECT, related_name="sessions")
    site = models.ForeignKey("organization.Site", on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey(
        "organization.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    date = models.DateField(db_index=True)
    start = models.TimeField()
    end = models.TimeField()
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="facilitated_sessions"
    )
    status = models.CharField(
        max_length=12, choices=BookingStatus.choices, default=BookingStatus.SCHEDULED
    )
    pinned = models.BooleanField(default=False, help_text=_("The optimizer never moves it."))

    class Meta:
        ordering = ["date", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="group_session_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group_type} {self.date} {self.start:%H:%M}"

    @property
    def minutes(self) -> int:
        start = datetime.datetime.combine(self.date, self.start)
        end = datetime.datetime.combine(self.date, self.end)
        return int((end - start).total_seconds() // 60)


class GroupSessionPatient(models.Model):
    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="members")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(
        "patients.EpisodeOfCare", on_delete=models.PROTECT, related_name="group_bookings"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "patient"], name="session_patient_once")
        ]

    def __str__(self) -> str:
        return f"{self.patient} in {self.session}"


class AppointmentKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual session")
    FAMILY = "family", _("Family session")


class Appointment(BaseModel):
    kind = models.CharField(max_length=12, choices=AppointmentKind.choices)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(
        "patients.EpisodeOfCare", on_delete=models.PROTECT, related_name="appointments"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    site = models.ForeignKey("organization.Site", on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey(
        "organization.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    date = models.DateField(db_index=True)
    start = models.TimeField()
    end = models.TimeField()
    status = models.CharField(
        max_length=12, choices=BookingStatus.choices, default=BookingStatus.SCHEDULED
    )
    pinned = models.BooleanField(default=False)

    class Meta:
        ordering = ["date", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="appointment_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date} {self.start:%H:%M}"
