"""The group catalogue and the published week: group sessions and appointments.

The solver (``solver/``, pure Python) works on the interchange format of FORMAT.md; these models
are what a published schedule becomes, dated, so attendance and notes can hang on them.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trellis.accounts.models import Competency
from trellis.core.models import BaseModel, choice_labels
from trellis.organization.models import Population

_WEEKDAY_LABELS = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)


MAX_GROUP_MINUTES = 480
MAX_GROUP_SIZE = 40  # no group room holds more; a larger figure is a typing slip


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
    requires = models.JSONField(
        default=list, blank=True, help_text=_("Competencies one facilitator holds (none: anyone).")
    )
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

    @property
    def requires_labels(self) -> list[str]:
        """The competencies a facilitator holds, as people read them ("CBT", not "cbt")."""
        return choice_labels(Competency, self.requires or [])

    @property
    def population_labels(self) -> list[str]:
        return choice_labels(Population, self.populations or [])

    def clean(self) -> None:
        """The catalogue's rules (FORMAT.md ``group_types``), in plain words per field."""
        errors: dict[str, object] = {}
        if self.minutes is not None:
            if self.minutes <= 0:
                errors["minutes"] = _("A group lasts a positive number of minutes.")
            elif self.minutes % 15:
                errors["minutes"] = _("Use a multiple of 15 minutes.")
            elif self.minutes > MAX_GROUP_MINUTES:
                errors["minutes"] = _("A group lasts at most %(m)s minutes.") % {
                    "m": MAX_GROUP_MINUTES
                }
        if self.min_size is not None and self.min_size < 1:
            errors["min_size"] = _("A group needs at least 1 patient.")
        elif (
            self.min_size is not None
            and self.max_size is not None
            and self.max_size < self.min_size
        ):
            errors["max_size"] = _(
                "The largest size (%(max)s) is below the smallest size (%(min)s)."
            ) % {"max": self.max_size, "min": self.min_size}
        elif self.max_size is not None and self.max_size > MAX_GROUP_SIZE:
            errors["max_size"] = _("A group takes at most %(n)s patients.") % {"n": MAX_GROUP_SIZE}
        populations = list(self.populations or [])
        if not populations:
            errors["populations"] = _("Choose at least one population the group serves.")
        elif set(populations) - set(Population.values):
            errors["populations"] = _("Unknown populations: %(p)s") % {
                "p": ", ".join(sorted(set(populations) - set(Population.values)))
            }
        unknown = set(self.requires or []) - set(Competency.values)
        if unknown:
            errors["requires"] = _("Unknown competencies: %(c)s") % {
                "c": ", ".join(sorted(unknown))
            }
        if errors:
            raise ValidationError(errors)


class BookingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


CANCEL_REASON_MAX = 200  # characters of a cancellation's reason


class CancelRecord(models.Model):
    """A cancelled booking stays, with who cancelled it, when and why
    (services.booking_cancel)."""

    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancel_reason = models.CharField(max_length=CANCEL_REASON_MAX, blank=True)

    class Meta:
        abstract = True


class GroupSession(BaseModel, CancelRecord):
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

    @property
    def most_patients(self) -> int:
        """The most patients it can take: its group's largest size, or its room's seats."""
        largest = self.group_type.max_size
        return min(largest, self.room.capacity) if self.room else largest


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


class Appointment(BaseModel, CancelRecord):
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


class WindowKind(models.TextChoices):
    PATIENT = "patient", _("Patient")
    FAMILY = "family", _("Family sessions")


class PatientAvailability(models.Model):
    """A weekly window in which a patient (or their family, for family sessions) can attend.

    Entered at intake, editable later; site-local wall-clock time like StaffAvailability.
    """

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="availability"
    )
    kind = models.CharField(max_length=10, choices=WindowKind.choices, default=WindowKind.PATIENT)
    weekday = models.PositiveSmallIntegerField(
        choices=[(i, d) for i, d in enumerate(_WEEKDAY_LABELS)]
    )
    start = models.TimeField()
    end = models.TimeField()
    # Who saved this set of windows and when (each save replaces a kind's windows).
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "weekday", "start"]
        verbose_name_plural = "patient availability"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="patient_availability_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    STOPPED = "stopped", _("Stopped")  # before it started, or its worker stopped (stale)
    PUBLISHED = "published", _("Published")


class ScheduleRun(BaseModel):
    """One optimisation of one week for one or more sites: the instance, progress and result."""

    sites = models.ManyToManyField("organization.Site", related_name="+")
    week_start = models.DateField(help_text=_("The Monday of the week scheduled."))
    time_limit = models.PositiveSmallIntegerField(default=30)
    status = models.CharField(max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED)
    plans_met = models.PositiveIntegerField(null=True, blank=True)
    bound = models.PositiveIntegerField(null=True, blank=True)
    patients = models.PositiveIntegerField(null=True, blank=True)
    seconds = models.FloatField(default=0)
    stage = models.CharField(max_length=40, blank=True)
    instance = models.JSONField(default=dict, blank=True)
    solution = models.JSONField(null=True, blank=True)
    stats = models.JSONField(default=dict, blank=True)
    # Patients whose requirement came from the default, not a signed plan: [public_id, ...]
    default_plans = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    # A coordinator's Stop: a running run ends its search and keeps the best week found so far.
    stop_requested_at = models.DateTimeField(null=True, blank=True)
    stop_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Run {self.week_start} ({self.get_status_display()})"

    @property
    def stopped_early(self) -> bool:
        """Finished with a week, its search cut short by a coordinator's Stop."""
        return bool(self.stats.get("stopped"))

    @property
    def deadline(self) -> datetime.datetime:
        """When a run still queued or running is taken as stopped: its time limit plus
        ``SCHEDULE_RUN_STALE_AFTER`` after it was started (queue wait included)."""
        margin = settings.TRELLIS["SCHEDULE_RUN_STALE_AFTER"]
        return self.created_at + datetime.timedelta(seconds=self.time_limit + margin)

    @property
    def is_stale(self) -> bool:
        """Queued or running past its deadline: its worker stopped without a result."""
        unfinished = self.status in (RunStatus.QUEUED, RunStatus.RUNNING)
        return unfinished and timezone.now() > self.deadline

    @property
    def is_active(self) -> bool:
        """Queued or running, and not stale: the run may still write its result."""
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING) and not self.is_stale

    @property
    def status_label(self) -> str:
        if self.is_stale:
            return str(_("Stopped"))
        if self.is_active and self.stop_requested_at is not None:
            return str(_("Stopping"))
        return self.get_status_display()

    @property
    def progress_percent(self) -> int:
        if not self.time_limit:
            return 0
        return min(100, int(100 * self.seconds / self.time_limit))

    @property
    def bound_computed(self) -> bool:
        """Whether ``bound`` is a bound the solver proved. A repair run proves none (runs from
        before ``bound_proven`` was recorded stored the patient count there as ``bound``)."""
        if self.bound is None:
            return False
        return bool(self.stats.get("bound_proven", "moved" not in self.stats))

    @property
    def gap_percent(self) -> float | None:
        """(bound - plans met) / bound in per cent, only when the bound was computed."""
        if not self.bound_computed or self.plans_met is None or not self.bound:
            return None
        return round(100 * (self.bound - self.plans_met) / self.bound, 1)


class Publication(BaseModel):
    """A run published into dated sessions and appointments from ``week_start`` on."""

    run = models.ForeignKey(
        ScheduleRun, on_delete=models.PROTECT, null=True, blank=True, related_name="publications"
    )
    week_start = models.DateField()
    weeks = models.PositiveSmallIntegerField()
    sessions_created = models.PositiveIntegerField(default=0)
    appointments_created = models.PositiveIntegerField(default=0)
    bookings_replaced = models.PositiveIntegerField(default=0)
    # run | week (one week inside the schedule, not repeated) | import | demo | extension
    source = models.CharField(max_length=20, default="run")
    # What was published, so that the week can be continued past its last week
    # (services.schedule_extend). Empty on publications made before it was kept.
    instance = models.JSONField(default=dict, blank=True)
    solution = models.JSONField(default=dict, blank=True)
    sites = models.JSONField(default=list, blank=True)  # the instance's site codes
    # Bookings of the solution that publishing left out (a clash with a pinned booking, a patient
    # no longer in treatment): [{"what", "dates", "why"}, ...], shown after publishing.
    dropped = models.JSONField(default=list, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Published {self.week_start} for {self.span}"

    @property
    def span(self) -> str:
        """The weeks it covers in words: "1 week", "8 weeks"."""
        return f"{self.weeks} week" if self.weeks == 1 else f"{self.weeks} weeks"

    @property
    def dropped_count(self) -> int:
        """Dated bookings (and session places) left out."""
        return sum(len(d.get("dates", [])) for d in self.dropped)


class StaffAway(BaseModel):
    """Days a clinician is away (leave, training, illness), first to last day inclusive. The
    schedule runs of weeks that hold them give the clinician no time on those days, and hand
    edits are refused there; published bookings stay until a run of the week is published
    (services.staff_away_add)."""

    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="away"
    )
    first_day = models.DateField()
    last_day = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["first_day"]
        indexes = [models.Index(fields=["clinician", "last_day"], name="staff_away_until")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="staff_away_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"Away {self.first_day} to {self.last_day}"


class CalendarFeed(BaseModel):
    """A secret iCalendar URL for one clinician or one patient; only the token's hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feeds",
    )
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feeds",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # When a calendar last fetched it (to the hour: written at most hourly), so its owner can
    # tell a link still in use from a forgotten one.
    last_used_at = models.DateTimeField(null=True, blank=True)
    # The address of the last fetch audited (services.feed_used): another address is audited.
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, patient__isnull=True)
                    | models.Q(user__isnull=True, patient__isnull=False)
                ),
                name="calendar_feed_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"Calendar feed {self.public_id}"


class NoticeKind(models.TextChoices):
    MOVED = "moved", _("Moved")
    CANCELLED = "cancelled", _("Cancelled")
    ADDED = "added", _("Booked")
    REMOVED = "removed", _("No longer booked")
    WEEK = "week", _("Weekly schedule changed")


# The title of a WEEK notice that tells a patient of their first schedule, not of a change.
FIRST_SCHEDULE = "first"


class ScheduleNotice(BaseModel):
    """A change to one patient's bookings that staff made, told to the patient in the portal
    until they mark it read (services.notices). Times are the site's wall clock."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="schedule_notices"
    )
    kind = models.CharField(max_length=12, choices=NoticeKind.choices)
    title = models.CharField(max_length=120)  # "Relapse prevention", "Individual session"
    site = models.ForeignKey("organization.Site", on_delete=models.PROTECT, related_name="+")
    before_date = models.DateField(null=True, blank=True)
    before_start = models.TimeField(null=True, blank=True)
    after_date = models.DateField(null=True, blank=True)
    after_start = models.TimeField(null=True, blank=True)
    room = models.CharField(max_length=120, blank=True)  # where it is now (moved, added)
    before_room = models.CharField(max_length=120, blank=True)  # where it was (moved)
    # The booking's public id (moved): a second move before the patient read the first
    # replaces it, and a move back to where it was takes it away.
    booking = models.UUIDField(null=True, blank=True)
    # A changed week (WEEK): in its first changed week, how many of the patient's bookings are
    # new or at another time or room, and how many are no longer there.
    added = models.PositiveSmallIntegerField(default=0)
    removed = models.PositiveSmallIntegerField(default=0)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["patient", "seen_at"], name="notice_patient_unseen")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def words(self) -> str:
        """What changed, as the portal says it (``notice_words``)."""
        from .notice_words import notice_words

        return notice_words(self)
