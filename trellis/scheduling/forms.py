from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trellis.accounts.forms import CompetenciesField
from trellis.accounts.models import Role, User
from trellis.organization.models import Population, Room, RoomKind, Site, Track
from trellis.patients.models import Patient

from .instance_builder import monday_of
from .models import (
    CANCEL_REASON_MAX,
    MAX_GROUP_MINUTES,
    MAX_GROUP_SIZE,
    AppointmentKind,
    GroupType,
)
from .selectors import patients_by_name, staff_by_name
from .services.catalogue import FIELDS as CATALOGUE_FIELDS
from .services.catalogue import code_in_use
from .weeks import WeekOutOfRange, check_week
from .windows import backwards, clash

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})
TIME_WIDGET = forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M")
DAY_WORDS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
LINE = re.compile(r"^\s*([a-z]{3})[a-z]*\s+(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$", re.I)
# "9am", "12:00pm", "5 p.m.": a 12-hour time, which the lines do not take.
TWELVE_HOUR = re.compile(r"\d\s*[ap]\.?\s?m\b\.?", re.I)


class RunForm(forms.Form):
    sites = forms.ModelMultipleChoiceField(
        queryset=Site.objects.none(),
        label=_("Sites"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one site.")},
    )
    week = forms.DateField(
        label=_("Week"), widget=DATE_WIDGET, help_text=_("Any day of the week; it starts Monday.")
    )
    time_limit = forms.IntegerField(
        label=_("Time limit (seconds)"),
        min_value=1,
        max_value=settings.TRELLIS["SCHEDULE_MAX_TIME_LIMIT"],
        initial=30,
        error_messages={
            "required": _("Give a time limit in seconds, like 30."),
            "invalid": _("Give a time limit in seconds, like 30."),
            "min_value": _("Give the run at least 1 second."),
            "max_value": _("A run may take at most %(limit_value)s seconds."),
        },
    )

    def __init__(self, *args: Any, sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = sites  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial["week"] = monday_of(timezone.localdate()) + datetime.timedelta(weeks=1)

    def clean_week(self) -> datetime.date:
        week_start = monday_of(self.cleaned_data["week"])
        try:
            check_week(week_start)
        except WeekOutOfRange as error:
            raise forms.ValidationError(str(error)) from None
        return week_start


class NameChoiceField(forms.ModelChoiceField):
    """A person chosen by the name they are shown with (``display_name``), never a username."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class QuarterHourField(forms.TimeField):
    """A start on the 15-minute grid, to the second (a typed "18:00:30" is refused here, next
    to the field, rather than among the rules)."""

    widget = TIME_WIDGET

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and (value.minute % 15 or value.second or value.microsecond):
            raise forms.ValidationError(_("Use quarter hours (:00, :15, :30, :45)."))


class MoveForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    start = QuarterHourField(label=_("Start"), widget=TIME_WIDGET)
    room = forms.ModelChoiceField(queryset=Room.objects.none(), label=_("Room"))
    facilitator = NameChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Facilitator"),
        help_text=_("Leave empty to keep the current facilitators."),
    )

    def __init__(self, *args: Any, site: Site, session: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rooms = Room.objects.filter(site=site, active=True)
        if session:  # a group needs a group room: an office is never accepted
            rooms = rooms.filter(kind=RoomKind.GROUP)
        self.fields["room"].queryset = rooms.order_by("name")  # type: ignore[attr-defined]
        if session:
            self.fields["facilitator"].queryset = clinicians_at(site)  # type: ignore[attr-defined]
        else:
            del self.fields["facilitator"]


def clinicians_at(site: Site) -> QuerySet[User]:
    return staff_by_name(
        User.objects.filter(role=Role.CLINICIAN, is_active=True, staff_profile__sites=site)
    )


class AppointmentForm(forms.Form):
    patient = NameChoiceField(queryset=Patient.objects.none(), label=_("Patient"))
    kind = forms.ChoiceField(choices=AppointmentKind.choices, label=_("Kind"))
    clinician = NameChoiceField(queryset=User.objects.none(), label=_("Clinician"))
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    start = QuarterHourField(label=_("Start"), widget=TIME_WIDGET)
    minutes = forms.IntegerField(
        label=_("Minutes"),
        min_value=15,
        max_value=240,
        step_size=15,
        initial=60,
        error_messages={"step_size": _("Use a multiple of 15 minutes.")},
    )
    room = forms.ModelChoiceField(queryset=Room.objects.none(), label=_("Room"))

    def __init__(self, *args: Any, site: Site, patients: QuerySet[Patient], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["patient"].queryset = patients_by_name(patients)  # type: ignore[attr-defined]
        self.fields["clinician"].queryset = clinicians_at(site)  # type: ignore[attr-defined]
        self.fields["room"].queryset = Room.objects.filter(  # type: ignore[attr-defined]
            site=site, active=True
        )

    def clean_minutes(self) -> int:
        minutes = int(self.cleaned_data["minutes"])
        if minutes % 15:
            raise forms.ValidationError(_("Use a multiple of 15 minutes."))
        return minutes


class AddPatientForm(forms.Form):
    patient = NameChoiceField(
        queryset=Patient.objects.none(),
        label=_("Patient"),
        help_text=_(
            "Offered: patients in treatment here, of the populations the group serves, whose "
            "availability covers the session and who are not booked then. Someone missing? "
            "Check their availability and their week."
        ),
    )

    def __init__(self, *args: Any, patients: QuerySet[Patient], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["patient"].queryset = patients_by_name(patients)  # type: ignore[attr-defined]


class SessionForm(forms.Form):
    group_type = forms.ModelChoiceField(queryset=GroupType.objects.none(), label=_("Group"))
    facilitator = NameChoiceField(queryset=User.objects.none(), label=_("Facilitator"))
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    start = QuarterHourField(label=_("Start"), widget=TIME_WIDGET)
    room = forms.ModelChoiceField(queryset=Room.objects.none(), label=_("Room"))

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group_type"].queryset = groups_served_at(site)  # type: ignore[attr-defined]
        self.fields["facilitator"].queryset = clinicians_at(site)  # type: ignore[attr-defined]
        self.fields["room"].queryset = Room.objects.filter(  # type: ignore[attr-defined]
            site=site, active=True, kind=RoomKind.GROUP
        ).order_by("name")


def groups_served_at(site: Site) -> QuerySet[GroupType]:
    """The catalogue's groups in use that serve a population of one of the site's tracks in
    use (all groups in use for a site with no such track): an adolescent group at an adults'
    site could only be refused."""
    active = GroupType.objects.filter(active=True).order_by("name")
    served = set(Track.objects.filter(site=site, active=True).values_list("population", flat=True))
    if not served:
        return active
    return active.filter(pk__in=[t.pk for t in active if served & set(t.populations)])


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it cancelled?"),
        max_length=CANCEL_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the booking and in the audit trail, e.g. “Facilitator ill”."),
        error_messages={"required": _("Say why it is cancelled.")},
    )


def parse_windows(text: str) -> list[tuple[int, datetime.time, datetime.time]]:
    """'Mon 17:30-21:00' lines as (weekday, start, end); ValidationError names every bad line
    (all at once, so that they are mended in one go), then a clash between windows."""
    windows = []
    errors: list[forms.ValidationError] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            windows.append(_window(number, line))
        except forms.ValidationError as error:
            errors.append(error)
    if errors:
        raise forms.ValidationError(errors)
    problem = clash(windows)
    if problem:
        raise forms.ValidationError(problem)
    return windows


def _window(number: int, line: str) -> tuple[int, datetime.time, datetime.time]:
    """One line as a window, or ValidationError naming what is wrong with line ``number``."""
    match = LINE.match(line)
    day = DAY_WORDS.get(match.group(1).lower()) if match else None
    if match is None and TWELVE_HOUR.search(line):
        raise forms.ValidationError(
            _("Line %(n)s: use the 24-hour clock, like “Tue 09:00-12:00” or “Mon 17:30-21:00”.")
            % {"n": number}
        )
    if match is None or day is None:
        raise forms.ValidationError(
            _("Line %(n)s: write a day and two times, like “Mon 17:30-21:00”.") % {"n": number}
        )
    times = []
    for text in (match.group(2), match.group(3)):
        try:
            times.append(datetime.time.fromisoformat(text.zfill(5)))
        except ValueError:
            raise forms.ValidationError(
                _("Line %(n)s: %(t)s is not a time of day (00:00 to 23:59).")
                % {"n": number, "t": text}
            ) from None
    start, end = times
    if backwards((day, start, end)):
        raise forms.ValidationError(
            _("Line %(n)s: the window must end after it starts.") % {"n": number}
        )
    if start.minute % 15 or end.minute % 15:
        raise forms.ValidationError(
            _("Line %(n)s: use quarter hours (:00, :15, :30, :45).") % {"n": number}
        )
    return day, start, end


class AvailabilityForm(forms.Form):
    patient = forms.CharField(
        label=_("When the patient can attend"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One window a line, like “Mon 17:30-21:00”: the 24-hour clock, in quarter hours "
            "(:00, :15, :30, :45)."
        ),
    )
    family = forms.CharField(
        label=_("When the family can attend family sessions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One window a line, like “Thu 18:00-20:00”, as above."),
    )

    def clean_patient(self) -> list[tuple[int, datetime.time, datetime.time]]:
        return parse_windows(self.cleaned_data["patient"])

    def clean_family(self) -> list[tuple[int, datetime.time, datetime.time]]:
        return parse_windows(self.cleaned_data["family"])


def window_lines(windows: Iterable[tuple[int, datetime.time, datetime.time]]) -> str:
    """Windows as the form's lines, "Mon 17:30-21:00", one a line."""
    days = list(DAY_WORDS)
    return "\n".join(
        f"{days[day].capitalize()} {start:%H:%M}-{end:%H:%M}" for day, start, end in windows
    )


def windows_text(rows: Any) -> str:
    """Stored window rows (``weekday``, ``start``, ``end``) as the form's lines."""
    return window_lines((r.weekday, r.start, r.end) for r in rows)


class GroupTypeForm(forms.ModelForm):
    """A group type of the catalogue. The model's ``clean`` holds the rules (sizes, minutes,
    populations); the code is fixed once the type exists, since plans and schedules name it."""

    requires = CompetenciesField(
        label=_("Competencies one facilitator holds"),
        help_text=_("Groups for adolescents also need a facilitator with the adolescent one."),
    )
    populations = forms.MultipleChoiceField(
        choices=Population.choices,
        required=False,  # GroupType.clean says "Choose at least one population…"
        label=_("Populations the group serves"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = GroupType
        fields = ["code", *CATALOGUE_FIELDS]  # what the catalogue services take
        labels = {
            "code": _("Code"),
            "name": _("Name"),
            "modality": _("Kind of group"),
            "minutes": _("Length (minutes)"),
            "min_size": _("Fewest patients"),
            "max_size": _("Most patients"),
            "active": _("Offered (scheduled from now on)"),
        }
        error_messages = {
            "code": {
                "invalid": _(
                    "Use lower-case letters, digits, hyphens and underscores only, like “rp” "
                    "or “process-sud”."
                )
            }
        }
        help_texts = {
            "code": _("Short id used in plans and schedule files, like “rp”; it cannot change."),
            "minutes": _("A multiple of 15."),
            "min_size": _("A session runs only with at least this many patients."),
        }

    def clean_code(self) -> str:
        """Codes are lower case, so "RP" is refused where "rp" exists, naming the type."""
        code = str(self.cleaned_data["code"]).strip().lower()
        taken = None if self.instance.pk else code_in_use(code)
        if taken:
            raise forms.ValidationError(taken)
        return code

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Required in effect (GroupType.clean): shown as required (partials/_field.html).
        self.fields["populations"].shown_required = True  # type: ignore[attr-defined]
        # The browser's hints say what the catalogue's rules say (GroupType.clean, services).
        self.fields["minutes"].widget.attrs.update(min=15, max=MAX_GROUP_MINUTES, step=15)
        self.fields["min_size"].widget.attrs.update(min=1, max=MAX_GROUP_SIZE)
        self.fields["max_size"].widget.attrs.update(min=1, max=MAX_GROUP_SIZE)
        if self.instance.pk:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("Plans and schedule files name the type by it.")


class StaffScheduleForm(forms.Form):
    """What the optimizer knows of a clinician: competencies, weekly limit, weekly windows."""

    competencies = CompetenciesField(
        label=_("Competencies"),
        help_text=_("Groups a clinician may lead need every competency their type lists."),
    )
    weekly_hours = forms.DecimalField(
        label=_("Weekly limit (hours)"),
        min_value=0.25,
        max_value=168,
        decimal_places=2,
        help_text=_(
            "The most they may be booked in a week, in quarter hours (like 37.5). To stop "
            "booking someone, leave their times empty."
        ),
        error_messages={
            "required": _("Give the weekly limit in hours, like 37.5."),
            "invalid": _("Give the weekly limit in hours, like 37.5."),
            "min_value": _("The limit is at least a quarter hour (0.25)."),
            "max_value": _("A week has 168 hours."),
            "max_decimal_places": _("Use quarter hours, like 37.25 or 37.5."),
        },
    )
    availability = forms.CharField(
        label=_("When they can be booked"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One window a line, like “Mon 13:00-21:30”: the 24-hour clock, in quarter hours."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["weekly_hours"].widget.attrs["step"] = "0.25"  # quarter hours, as cleaned

    def clean_weekly_hours(self) -> int:
        """The limit in minutes, a multiple of 15."""
        minutes = self.cleaned_data["weekly_hours"] * 60
        if minutes % 15:
            raise forms.ValidationError(_("Use quarter hours, like 37.25 or 37.5."))
        return int(minutes)

    def clean_availability(self) -> list[tuple[int, datetime.time, datetime.time]]:
        return parse_windows(self.cleaned_data["availability"])


class AwayForm(forms.Form):
    """Days a clinician is away, first to last inclusive (services.staff_away_add)."""

    first_day = forms.DateField(
        label=_("First day away"),
        widget=DATE_WIDGET,
        error_messages={"required": _("Give the first day away."), "invalid": _("Give a date.")},
    )
    last_day = forms.DateField(
        label=_("Last day away"),
        widget=DATE_WIDGET,
        help_text=_("Not the day they are back; the same as the first for one day."),
        error_messages={"required": _("Give the last day away."), "invalid": _("Give a date.")},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("The last day away is before the first."))
        return cleaned


class SiteHoursForm(forms.Form):
    """A site's opening hours, one window a line (services.site_hours_update)."""

    hours = forms.CharField(
        label=_("Opening hours"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_(
            "One window a line, like “Mon 08:00-21:30”: the 24-hour clock, in quarter hours. "
            "Nothing is booked outside them; a day with no line is closed."
        ),
    )

    def clean_hours(self) -> list[tuple[int, datetime.time, datetime.time]]:
        return parse_windows(self.cleaned_data["hours"])


class RoomForm(forms.Form):
    """A room of a site (services.room_save; the service holds the rules)."""

    name = forms.CharField(label=_("Name"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=RoomKind.choices)
    capacity = forms.IntegerField(
        label=_("Holds (people)"),
        min_value=2,
        max_value=60,
        error_messages={
            "min_value": _("A room holds at least 2 people (an individual session)."),
            "max_value": _("A room holds at most 60 people."),
            "invalid": _("Give how many people the room holds, like 12."),
        },
        help_text=_(
            "A group room holds at least 3; an individual session needs 2, a family one 4."
        ),
    )
    active = forms.BooleanField(
        label=_("In use (the optimizer books it)"), required=False, initial=True
    )
