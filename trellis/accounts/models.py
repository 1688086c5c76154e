"""Users, roles and staff profiles.

One custom user model from the first migration. A user has exactly one role; what the role may
see is decided in the selectors of each app (``patients_visible_to(user)`` and friends).
"""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from trellis.core.models import BaseModel, choice_labels


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    DIRECTOR = "director", _("Program director")
    CLINICIAN = "clinician", _("Clinician")
    INTAKE = "intake", _("Intake coordinator")
    BILLING = "billing", _("Billing")
    PATIENT = "patient", _("Patient")
    FAMILY = "family", _("Family member")


STAFF_ROLES = frozenset(
    {Role.ADMINISTRATOR, Role.DIRECTOR, Role.CLINICIAN, Role.INTAKE, Role.BILLING}
)
# Roles whose work is treatment or program operations (HIPAA "minimum necessary" exempts treatment).
CLINICAL_ROLES = frozenset({Role.ADMINISTRATOR, Role.DIRECTOR, Role.CLINICIAN, Role.INTAKE})


class Competency(models.TextChoices):
    """The competency vocabulary of shared/scheduling/FORMAT.md."""

    GROUP = "group", _("Group facilitation")
    SUD = "sud", _("Substance use disorders")
    MH = "mh", _("Mental health")
    DBT = "dbt", _("DBT")
    CBT = "cbt", _("CBT")
    HOLISTIC = "holistic", _("Holistic (art, yoga, mindfulness)")
    FAMILY = "family", _("Family therapy")
    ADOLESCENT = "adolescent", _("Adolescents")


class User(AbstractUser):
    """Every person who signs in: staff, patients and family members."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CLINICIAN)

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    @property
    def is_staff_member(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_clinical(self) -> bool:
        return self.role in CLINICAL_ROLES

    @property
    def display_name(self) -> str:
        full = self.get_full_name()
        return full or self.username


class LicenseStatus(models.TextChoices):
    LICENSED = "licensed", _("Licensed")
    PRELICENSED = "prelicensed", _("Pre-licensed (supervised)")
    NOT_APPLICABLE = "n/a", _("Not a clinician")


class StaffProfile(BaseModel):
    """Where a staff member works, what they are qualified for, and how much they may be booked."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="staff_profile")
    sites = models.ManyToManyField("organization.Site", related_name="staff", blank=True)
    credentials = models.CharField(
        _("credentials"), max_length=80, blank=True, help_text=_("e.g. LCSW, LPC, CADC, MD")
    )
    license_status = models.CharField(
        max_length=20, choices=LicenseStatus.choices, default=LicenseStatus.NOT_APPLICABLE
    )
    supervisor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervisees",
        help_text=_("Required for pre-licensed clinicians: co-signs their plans."),
    )
    competencies = models.JSONField(default=list, blank=True)
    max_weekly_minutes = models.PositiveIntegerField(
        default=2400, help_text=_("Weekly cap on scheduled minutes.")
    )

    def __str__(self) -> str:
        return (
            f"{self.user.display_name} ({self.credentials})"
            if self.credentials
            else str(self.user.display_name)
        )

    @property
    def competency_labels(self) -> list[str]:
        """The competencies as people read them ("Family therapy", not "family")."""
        return choice_labels(Competency, sorted(self.competencies or []))

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not isinstance(self.competencies, list) or not all(
            isinstance(c, str) for c in self.competencies
        ):
            raise ValidationError({"competencies": _("Competencies are a list of codes.")})
        unknown = set(self.competencies) - set(Competency.values)
        if unknown:
            raise ValidationError(
                {"competencies": _("Unknown competencies: %s") % ", ".join(sorted(unknown))}
            )
        if self.license_status == LicenseStatus.PRELICENSED and self.supervisor_id is None:
            raise ValidationError({"supervisor": _("A pre-licensed clinician needs a supervisor.")})


class Weekday(models.IntegerChoices):
    MON = 0, _("Monday")
    TUE = 1, _("Tuesday")
    WED = 2, _("Wednesday")
    THU = 3, _("Thursday")
    FRI = 4, _("Friday")
    SAT = 5, _("Saturday")
    SUN = 6, _("Sunday")


DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class StaffAvailability(models.Model):
    """A weekly window in which a staff member can be booked (site-local wall-clock time)."""

    staff = models.ForeignKey(StaffProfile, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name_plural = "staff availability"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="staff_availability_ordered",
                # Shown on the admin's row (the formset says the rule above the rows).
                violation_error_message=_("This window ends before it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"
