"""The organization, its sites, programs (tracks), rooms and the level-of-care code system."""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

from trellis.core.models import BaseModel


class Population(models.TextChoices):
    """Populations of shared/scheduling/FORMAT.md; group types list which they serve."""

    ADULT_SUD = "adult-sud", _("Adults, substance use")
    ADULT_MH = "adult-mh", _("Adults, mental health")
    ADULT_COOCCURRING = "adult-cooccurring", _("Adults, co-occurring")
    ADOLESCENT = "adolescent", _("Adolescents")


class Organization(BaseModel):
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


def validate_time_zone(value: str) -> None:
    """A name of the IANA time zone database, such as America/New_York."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("%(value)s is not a time zone name; write one such as America/New_York."),
            params={"value": value},
        ) from None


class Site(BaseModel):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=120)
    code = models.SlugField(max_length=20, unique=True)
    timezone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    address = models.CharField(max_length=250, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    # Opening hours as FORMAT.md gives them: {"mon": [["08:00", "21:30"]], ...}
    hours = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The site's clock: its ``timezone``, or the server's where that is not a zone name
        (a row written before the field was validated), so no page fails on it."""
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return dj_timezone.get_default_timezone()


class LevelOfCare(models.Model):
    """A level of care in a configurable code system (ASAM 3rd-edition numbering by default)."""

    system = models.CharField(max_length=40, default="asam-3")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=120)
    rank = models.PositiveSmallIntegerField(help_text=_("Higher is more intensive."))
    min_weekly_hours_adult = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    max_weekly_hours_adult = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    min_weekly_hours_adolescent = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    max_weekly_hours_adolescent = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["system", "rank"]
        verbose_name_plural = "levels of care"
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="level_of_care_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Track(BaseModel):
    """A program track at one site, e.g. "Adult SUD evening IOP"."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="tracks")
    name = models.CharField(max_length=120)
    level_of_care = models.ForeignKey(LevelOfCare, on_delete=models.PROTECT, related_name="tracks")
    population = models.CharField(max_length=20, choices=Population.choices)
    description = models.TextField(blank=True)
    capacity = models.PositiveSmallIntegerField(default=30, help_text=_("Census target."))
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["site__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="track_name_unique_per_site")
        ]

    def __str__(self) -> str:
        return self.name


class RoomKind(models.TextChoices):
    GROUP = "group", _("Group room")
    OFFICE = "office", _("Office")


class Room(BaseModel):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=RoomKind.choices)
    capacity = models.PositiveSmallIntegerField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["site__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="room_name_unique_per_site"),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="room_capacity_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.site})"

    def clean(self) -> None:
        if self.kind == RoomKind.GROUP and self.capacity < 3:
            raise ValidationError({"capacity": _("A group room holds at least 3 people.")})
