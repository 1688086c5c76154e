"""The database as a ``trellis-week/1`` instance (shared/scheduling/FORMAT.md).

Identifiers in the instance: a site is its ``code``, a group type its ``code``, and rooms,
clinicians (users) and patients their ``public_id`` as a string — stable across exports, so a
solution file maps back onto the same rows (``IdMap``).

Which patients: those with an active episode on a track of the chosen sites. Their requirement is
``trellis.plans.selectors.weekly_requirements(episodes)`` (one query for every episode) when
that app exists and returns one,
otherwise ``settings.TRELLIS["DEFAULT_WEEKLY_REQUIREMENT"]`` for the track's population; the run
records which patients used the default.
"""

from __future__ import annotations

import datetime
import importlib
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from trellis.accounts.models import DAY_CODES, Role, StaffAvailability, User
from trellis.organization.models import Population, Room, Site
from trellis.patients.models import EpisodeOfCare, EpisodeStatus, Patient

from .elsewhere import bookings_elsewhere, free_of
from .models import GroupType, Modality, PatientAvailability, StaffAway, WindowKind
from .rules import minutes_of
from .windows import joined

FORMAT = "trellis-week/1"
SLOT_MINUTES = 15
SCHEDULED_STATUSES = (EpisodeStatus.ACTIVE,)
# In treatment, not scheduled: checked (``build_instance(checking=True)``), never solved.
RESTING_STATUSES = (EpisodeStatus.ADMITTED, EpisodeStatus.ON_HOLD)


@dataclass
class BuiltInstance:
    instance: dict[str, Any]
    default_plans: list[str] = field(default_factory=list)  # patient ids on the default
    notes: dict[str, list[str]] = field(default_factory=dict)  # patient id -> plain-words notes
    # Clinicians of several of the run's sites, each scheduled at one of them:
    # [clinician id, the site's code, [the other sites' codes]] (the run page says so).
    placed: list[list[Any]] = field(default_factory=list)
    # For telling apart, when a run is out of date, the clinicians' own data from their
    # bookings at sites outside the run (elsewhere.py), which both shape their instance entry.
    clinicians_own: list[dict[str, Any]] = field(default_factory=list)
    held_elsewhere: list[list[str]] = field(default_factory=list)


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def hhmm(value: datetime.time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def _windows(
    rows: Iterable[tuple[int, datetime.time, datetime.time]],
) -> dict[str, list[list[str]]]:
    """Windows by day code, those of one day that overlap or touch joined (windows.joined: the
    forms refuse them, but older rows may hold them)."""
    return {
        DAY_CODES[weekday]: [[hhmm(start), hhmm(end)] for start, end in spans]
        for weekday, spans in joined(rows).items()
    }


def _joined_hours(hours: Any) -> Any:
    """A site's opening hours with the spans of a day that overlap or touch joined, as
    ``_windows`` joins availability (read as "HH:MM" minutes, so "24:00" stays what it is).
    A day stored as null is closed, as the rules read it; hours stored in another shape (in
    the admin) are passed on as they are, for the solver to refuse in words."""
    if not isinstance(hours, dict):
        return hours or {}
    out: dict[str, Any] = {}
    for day, spans in hours.items():
        if spans is None:
            continue
        try:
            merged: list[list[str]] = []
            for start, end in sorted(spans, key=lambda span: minutes_of(span[0])):
                if merged and minutes_of(start) <= minutes_of(merged[-1][1]):
                    if minutes_of(end) > minutes_of(merged[-1][1]):
                        merged[-1][1] = end
                else:
                    merged.append([start, end])
        except (TypeError, ValueError, IndexError, AttributeError):
            out[day] = spans
        else:
            out[day] = merged
    return out


def _plan_requirements(episodes: Sequence[EpisodeOfCare]) -> dict[int, dict[str, Any] | None]:
    """The signed plans' weekly requirements by episode pk (one query), when the plans app
    provides them."""
    try:
        plans = importlib.import_module("trellis.plans.selectors")
    except ImportError:
        return {}
    getter = getattr(plans, "weekly_requirements", None)
    if getter is None:
        return {}
    return {pk: dict(r) if r else None for pk, r in getter(episodes).items()}


def default_requirement(episode: EpisodeOfCare, group_types: Sequence[GroupType]) -> dict[str, Any]:
    """The configured default for the track's population (adult IOP 9 h over 3 days, etc.)."""
    population = episode.track.population
    table = settings.TRELLIS["DEFAULT_WEEKLY_REQUIREMENT"]
    spec = table.get(population) or table["adolescent" if population == "adolescent" else "adult"]
    groups: dict[str, int] = {}
    process = [
        t
        for t in group_types
        if population in t.populations and t.modality == Modality.PROCESS and t.active
    ]
    if process and spec.get("process_groups"):
        groups[process[0].code] = int(spec["process_groups"])
    individual = None
    if episode.primary_clinician_id and spec.get("individual_minutes"):
        individual = {
            "clinician": str(episode.primary_clinician.public_id),  # type: ignore[union-attr]
            "count": 1,
            "minutes": int(spec["individual_minutes"]),
        }
    return {
        "min_minutes": int(spec["min_minutes"]),
        "min_days": int(spec["min_days"]),
        "min_day_minutes": int(spec["min_day_minutes"]),
        "max_day_minutes": int(spec["max_day_minutes"]),
        "groups": groups,
        "individual": individual,
        "family": None,
    }


def _place_clinicians(
    clinicians: dict[int, dict[str, Any]],
    homes: dict[str, list[str]],
    episodes: Sequence[EpisodeOfCare],
    plans: dict[int, dict[str, Any]],
    site_ids: dict[int, str],
) -> list[list[Any]]:
    """A clinician of several of the run's sites is one site's in the instance (FORMAT.md):
    the one where the most patients' plans name them for individual sessions, then the first
    by code. Returns [clinician id, that site, [the others]] for each."""
    named: dict[tuple[str, str], int] = defaultdict(int)
    for episode in episodes:
        individual = plans[episode.pk].get("individual") or {}
        if individual.get("clinician"):
            named[(individual["clinician"], site_ids[episode.track.site_id])] += 1
    placed: list[list[Any]] = []
    for clinician in clinicians.values():
        home = homes.get(clinician["id"], [])
        if len(home) > 1:
            clinician["site"] = max(
                home, key=lambda code: (named[(clinician["id"], code)], -home.index(code))
            )
            placed.append(
                [clinician["id"], clinician["site"], [c for c in home if c != clinician["site"]]]
            )
    return placed


def scheduled_episodes(sites: Iterable[Site]) -> list[EpisodeOfCare]:
    return list(
        EpisodeOfCare.objects.filter(track__site__in=list(sites), status__in=SCHEDULED_STATUSES)
        .select_related("patient", "track", "track__site", "primary_clinician")
        .order_by("track__site__code", "patient__mrn")
    )


def build_instance(
    sites: Sequence[Site], week_start: datetime.date, *, name: str = "", checking: bool = False
) -> BuiltInstance:
    """The instance for ``sites`` in the week starting ``week_start`` (a Monday).

    With ``checking`` (the rules of bookings already there: hand edits, Plans not met) the
    group types no longer offered are listed too, so that their sessions still booked are
    checked like any other rather than "no such group type"; runs never get them."""
    sites = sorted(sites, key=lambda s: s.code)
    site_ids = {s.pk: s.code for s in sites}
    built = BuiltInstance(instance={})
    # Only offered (active) types are scheduled; a deactivated one keeps its published sessions.
    catalogue = list(GroupType.objects.order_by("code"))
    group_types = [t for t in catalogue if t.active]
    offered = {t.code for t in group_types}
    retired_names = {t.code: t.name for t in catalogue if not t.active}

    # A week's check also knows the rooms out of use, so a booking still in one is told so.
    rooms = Room.objects.filter(site__in=sites).order_by("site__code", "name")
    if not checking:
        rooms = rooms.filter(active=True)
    clinicians: dict[int, dict[str, Any]] = {}
    staff = (
        User.objects.filter(is_active=True, role=Role.CLINICIAN, staff_profile__sites__in=sites)
        .select_related("staff_profile")
        .prefetch_related("staff_profile__sites")
        .distinct()
        .order_by("username")
    )
    # Days away this week (StaffAway) leave the clinician no time on those days.
    sunday = week_start + datetime.timedelta(days=6)
    away: dict[int, set[int]] = defaultdict(set)
    for clinician_id, first, last in StaffAway.objects.filter(
        clinician__in=staff, first_day__lte=sunday, last_day__gte=week_start
    ).values_list("clinician_id", "first_day", "last_day"):
        for day in range(
            (max(first, week_start) - week_start).days, (min(last, sunday) - week_start).days + 1
        ):
            away[clinician_id].add(day)
    windows: dict[int, list[tuple[int, datetime.time, datetime.time]]] = defaultdict(list)
    for user_id, weekday, start, end in StaffAvailability.objects.filter(
        staff__user__in=staff
    ).values_list("staff__user_id", "weekday", "start", "end"):
        if weekday not in away[user_id]:
            windows[user_id].append((weekday, start, end))
    # Their bookings at sites outside these are fixed here: not free then, minutes spent.
    spent: dict[int, int] = defaultdict(int)
    busy: dict[int, list[tuple[int, datetime.time, datetime.time]]] = defaultdict(list)
    said: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for b in bookings_elsewhere(staff, sites, week_start, sunday):
        built.held_elsewhere.append(
            [str(b.clinician.public_id), b.date.isoformat(), hhmm(b.start), hhmm(b.end)]
        )
        spent[b.clinician.pk] += b.minutes
        busy[b.clinician.pk].append((b.date.weekday(), b.start, b.end))
        said[b.clinician.pk].append(
            {
                "day": DAY_CODES[b.date.weekday()],
                "start": hhmm(b.start),
                "end": hhmm(b.end),
                "minutes": b.minutes,
                "words": b.words,
            }
        )
    homes: dict[str, list[str]] = {}
    for user in staff:
        profile = user.staff_profile
        home = sorted(s.code for s in profile.sites.all() if s.pk in site_ids)
        homes[str(user.public_id)] = home
        clinicians[user.pk] = {
            "id": str(user.public_id),
            "site": home[0],
            "competencies": sorted(profile.competencies),
            "max_minutes": max(0, profile.max_weekly_minutes - spent[user.pk]),
            "availability": _windows(free_of(windows[user.pk], busy[user.pk])),
        }
        built.clinicians_own.append(
            {
                **clinicians[user.pk],
                "max_minutes": profile.max_weekly_minutes,
                "availability": _windows(windows[user.pk]),
            }
        )
        if checking and away[user.pk]:
            # For the rules' words only ("… is away on Tuesday"); runs never get it.
            clinicians[user.pk]["away"] = [DAY_CODES[d] for d in sorted(away[user.pk])]
        if checking and said[user.pk]:
            # For the rules' words only ("… is booked at Southside then (…)"); runs never get it.
            clinicians[user.pk]["elsewhere"] = said[user.pk]
            clinicians[user.pk]["limit"] = profile.max_weekly_minutes

    episodes = scheduled_episodes(sites)
    # A patient in treatment but not scheduled (on hold, admitted) keeps the bookings they have:
    # a week's check knows them, with no requirement to meet, so that their sessions are not
    # "broken" for every other member.
    resting = (
        list(
            EpisodeOfCare.objects.filter(
                track__site__in=list(sites), status__in=RESTING_STATUSES
            ).select_related("patient", "track")
        )
        if checking
        else []
    )
    patient_windows: dict[tuple[int, str], list[tuple[int, datetime.time, datetime.time]]] = (
        defaultdict(list)
    )
    for a in PatientAvailability.objects.filter(
        patient__in=[e.patient_id for e in [*episodes, *resting]]
    ):
        patient_windows[(a.patient_id, a.kind)].append((a.weekday, a.start, a.end))

    requirements = _plan_requirements(episodes)
    plans: dict[int, dict[str, Any]] = {}
    for episode in episodes:
        plan = requirements.get(episode.pk)
        if plan is None:
            plan = default_requirement(episode, group_types)
            built.default_plans.append(str(episode.patient.public_id))
        plans[episode.pk] = plan
    built.placed = _place_clinicians(clinicians, homes, episodes, plans, site_ids)
    known = {c["id"]: c for c in clinicians.values()}  # by public id
    patients: list[dict[str, Any]] = []
    for episode in episodes:
        pid = str(episode.patient.public_id)
        notes: list[str] = []
        plan = plans[episode.pk]
        site_code = site_ids[episode.track.site_id]
        groups = dict(plan.get("groups") or {})
        retired = sorted(t for t in groups if t not in offered)
        if retired:
            # The catalogue no longer offers a type the plan names: schedule the rest of the
            # plan rather than fail the whole run, and say so.
            notes.append(
                "their plan asks for groups no longer offered: "
                + ", ".join(retired_names.get(t, t) for t in retired)
            )
            plan["groups"] = {t: n for t, n in groups.items() if t in offered}
        individual = plan.get("individual")
        if individual:
            clinician = known.get(individual["clinician"])
            if clinician is None or clinician["site"] != site_code:
                if site_code in homes.get(individual["clinician"], []):
                    notes.append(
                        "their individual clinician works at more than one of this run's "
                        "sites and is scheduled at the other in it; run this site on its own "
                        "to book the individual session"
                    )
                else:
                    notes.append("their individual clinician is not scheduled at this site")
                plan["individual"] = None
        family = plan.get("family")
        if family:
            family_windows = _windows(patient_windows[(episode.patient_id, WindowKind.FAMILY)])
            if not family_windows:
                notes.append("no family availability recorded, so no family session")
                # A run books none; a week's check keeps what the plan asks for, so the
                # patient is listed as short of it and a hand booking is told why.
                plan["family"] = {**family, "availability": {}} if checking else None
            else:
                plan["family"] = {**family, "availability": family_windows}
        available = _windows(patient_windows[(episode.patient_id, WindowKind.PATIENT)])
        if not available:
            notes.append("no availability recorded")
        if notes:
            built.notes[pid] = notes
        patients.append(
            {
                "id": pid,
                "site": site_code,
                "population": episode.track.population or Population.ADULT_SUD,
                "availability": available,
                "avoid": [],
                "plan": plan,
            }
        )

    listed = {p["id"] for p in patients}
    for episode in resting:
        pid = str(episode.patient.public_id)
        if pid in listed:
            continue
        listed.add(pid)
        patients.append(
            {
                "id": pid,
                "site": site_ids[episode.track.site_id],
                "population": episode.track.population or Population.ADULT_SUD,
                "availability": _windows(patient_windows[(episode.patient_id, WindowKind.PATIENT)]),
                "avoid": [],
                "plan": None,  # checked against the rules only: nothing to meet this week
            }
        )

    built.instance = {
        "format": FORMAT,
        "name": name or f"{'+'.join(site_ids.values())}-{week_start.isoformat()}",
        "week_start": week_start.isoformat(),
        "slot_minutes": SLOT_MINUTES,
        # Joined like every other window: touching spans of a day (stored before the hours
        # were checked on saving) read as one, as check.py reads them.
        "sites": [{"id": s.code, "name": s.name, "hours": _joined_hours(s.hours)} for s in sites],
        "rooms": [
            {
                "id": str(r.public_id),
                "site": site_ids[r.site_id],
                "capacity": r.capacity,
                "kind": r.kind,
                **({} if r.active else {"active": False}),  # checking only
            }
            for r in rooms
        ],
        "clinicians": list(clinicians.values()),
        "group_types": [
            {
                "id": t.code,
                "name": t.name,
                "modality": t.modality,
                "minutes": t.minutes,
                "min_size": t.min_size,
                "max_size": t.max_size,
                "requires": list(t.requires),
                "populations": list(t.populations),
            }
            for t in (catalogue if checking else group_types)
        ],
        "patients": patients,
    }
    return built


def public_ids(values: Iterable[object]) -> list[uuid.UUID]:
    """The values that are public ids (UUIDs); others cannot name a row."""
    found: list[uuid.UUID] = []
    for value in values:
        try:
            found.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return found


@dataclass
class IdMap:
    """FORMAT ids back to rows, for publishing a solution."""

    sites: dict[str, Site]
    rooms: dict[str, Room]
    clinicians: dict[str, User]
    patients: dict[str, Patient]
    episodes: dict[str, EpisodeOfCare]
    group_types: dict[str, GroupType]

    @classmethod
    def for_instance(cls, instance: dict[str, Any]) -> IdMap:
        """The rows the instance's ids name; an id that names none (not even a valid public
        id, like a generated instance's "p1") is simply not in the map."""
        site_codes = [s["id"] for s in instance.get("sites", [])]
        room_ids = public_ids(r["id"] for r in instance.get("rooms", []))
        user_ids = public_ids(c["id"] for c in instance.get("clinicians", []))
        patient_ids = public_ids(p["id"] for p in instance.get("patients", []))
        patients = {str(p.public_id): p for p in Patient.objects.filter(public_id__in=patient_ids)}
        episodes = {
            str(e.patient.public_id): e
            for e in EpisodeOfCare.objects.filter(
                patient__public_id__in=patient_ids, status__in=SCHEDULED_STATUSES
            ).select_related("patient")
        }
        return cls(
            sites={s.code: s for s in Site.objects.filter(code__in=site_codes)},
            rooms={str(r.public_id): r for r in Room.objects.filter(public_id__in=room_ids)},
            clinicians={str(u.public_id): u for u in User.objects.filter(public_id__in=user_ids)},
            patients=patients,
            episodes=episodes,
            group_types={t.code: t for t in GroupType.objects.all()},
        )
