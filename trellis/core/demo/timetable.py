"""The demo's published weeks: each track's group timetable and weekly individual sessions."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from trellis.accounts.models import StaffAvailability, User
from trellis.organization.models import Population, Room, Site, Track
from trellis.patients.models import EpisodeOfCare
from trellis.scheduling.models import (
    Appointment,
    AppointmentKind,
    GroupSession,
    GroupSessionPatient,
    GroupType,
)

from .catalogue import CLINICIANS, TRACKS
from .result import DemoResult


class TimetableMixin:
    """Places sessions without double-booking clinicians, rooms or patients."""

    today: datetime.date
    sites: dict[str, Site]
    tracks: list[Track]
    clinicians: dict[str, User]
    availability: dict[int, list[StaffAvailability]]
    result: DemoResult
    progress: Callable[[str], None]

    def _available(
        self, user: User, weekday: int, start: datetime.time, end: datetime.time
    ) -> bool:
        if user.pk not in self.availability:
            self.availability[user.pk] = list(user.staff_profile.availability.all())
        return any(
            w.weekday == weekday and w.start <= start and end <= w.end
            for w in self.availability[user.pk]
        )

    # --- a week of sessions -----------------------------------------------------------------
    def _schedule(self) -> None:
        """This week and next: the tracks' group timetables and a weekly individual session."""
        self.progress("This week's and next week's groups and individual sessions")
        types = {t.code: t for t in GroupType.objects.all()}
        monday = self.today - datetime.timedelta(days=self.today.weekday())
        # (clinician or -room pk, day, hour) already taken: individual sessions are on the hour.
        busy: set[tuple[int, datetime.date, int]] = set()
        group_rooms = {
            code: list(site.rooms.filter(kind="group").order_by("name"))
            for code, site in self.sites.items()
        }
        rosters = [
            list(
                EpisodeOfCare.objects.filter(track=track, status="active")
                .select_related("patient", "primary_clinician")
                .order_by("id")
            )
            for track in self.tracks
        ]
        for week in (0, 1):
            week_start = monday + datetime.timedelta(weeks=week)
            for index, (site_code, *_rest, plan) in enumerate(TRACKS):
                track = self.tracks[index]
                room = group_rooms[site_code][
                    [t[0] for t in TRACKS[: index + 1]].count(site_code) - 1
                ]
                self._groups(track, room, plan, rosters[index], week_start, types, busy)
            for track, episodes in zip(self.tracks, rosters, strict=True):
                self._individuals(track, episodes, week_start, busy)

    def _groups(
        self,
        track: Track,
        room: Room,
        plan: list[tuple[int, str, str]],
        episodes: list[EpisodeOfCare],
        week_start: datetime.date,
        types: dict[str, GroupType],
        busy: set[tuple[int, datetime.date, int]],
    ) -> None:
        site_code = track.site.code
        for slot, (weekday, start, code) in enumerate(plan):
            group_type = types[code]
            day = week_start + datetime.timedelta(days=weekday)
            start_t = datetime.time.fromisoformat(start)
            end_t = _add_minutes(start_t, group_type.minutes)
            hours = range(start_t.hour, end_t.hour + (1 if end_t.minute else 0))
            free = [
                self.clinicians[username]
                for username, _f, _l, sites, _c, _lic, comps, _s in CLINICIANS
                if site_code in sites
                and set(group_type.requires) <= set(comps)
                and self._available(self.clinicians[username], weekday, start_t, end_t)
                and not any((self.clinicians[username].pk, day, h) in busy for h in hours)
            ]
            if not free:
                continue  # no qualified facilitator free: the timetable leaves this slot empty
            facilitator = free[slot % len(free)]
            session = GroupSession.objects.create(
                group_type=group_type,
                site=track.site,
                room=room,
                date=day,
                start=start_t,
                end=end_t,
            )
            session.facilitators.add(facilitator)
            for hour in hours:
                busy.add((facilitator.pk, day, hour))
            members = episodes[: group_type.max_size]
            if slot % 2 and len(episodes) > group_type.max_size:
                members = episodes[-group_type.max_size :]
            GroupSessionPatient.objects.bulk_create(
                GroupSessionPatient(session=session, patient=e.patient, episode=e) for e in members
            )
            self.result.sessions += 1

    def _individuals(
        self,
        track: Track,
        episodes: list[EpisodeOfCare],
        week_start: datetime.date,
        busy: set[tuple[int, datetime.date, int]],
    ) -> None:
        """One 60-minute individual session a week with the primary clinician, in an office."""
        offices = list(track.site.rooms.filter(kind="office").order_by("name"))
        hours = {
            Population.ADULT_MH: [13, 14, 15],
            Population.ADULT_COOCCURRING: [15, 16],
            Population.ADOLESCENT: [18, 19],
        }.get(Population(track.population), [16, 17])
        for position, episode in enumerate(episodes):
            clinician = episode.primary_clinician
            if clinician is None:
                continue
            for attempt in range(15):
                day = week_start + datetime.timedelta(days=(position + attempt) % 5)
                hour = hours[(position + attempt) % len(hours)]
                if (clinician.pk, day, hour) in busy or not self._available(
                    clinician, day.weekday(), datetime.time(hour), datetime.time(hour + 1)
                ):
                    continue
                office = next((o for o in offices if (-o.pk, day, hour) not in busy), None)
                if office is None:
                    continue
                busy.add((clinician.pk, day, hour))
                busy.add((-office.pk, day, hour))
                Appointment.objects.create(
                    kind=AppointmentKind.INDIVIDUAL,
                    patient=episode.patient,
                    episode=episode,
                    clinician=clinician,
                    site=track.site,
                    room=office,
                    date=day,
                    start=datetime.time(hour),
                    end=datetime.time(hour + 1),
                )
                self.result.appointments += 1
                break


def _add_minutes(start: datetime.time, minutes: int) -> datetime.time:
    moment = datetime.datetime.combine(datetime.date(2000, 1, 1), start)
    return (moment + datetime.timedelta(minutes=minutes)).time()
