"""Build the demo program: two sites, five tracks, a dozen clinicians, ~80 patients at every stage.

Deterministic for a seed and a "today": the same two give the same program. Writes go through
the services (so the audit trail shows what a real program's would), with the administrator as
the actor.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from trellis.accounts.models import (
    LicenseStatus,
    Role,
    StaffAvailability,
    StaffProfile,
    User,
)
from trellis.organization.models import LevelOfCare, Organization, Population, Room, Site, Track
from trellis.patients import services as patient_services
from trellis.patients.models import (
    DischargeReason,
    EpisodeOfCare,
    Patient,
    Relationship,
    Sex,
)
from trellis.scheduling.models import (
    Appointment,
    AppointmentKind,
    GroupSession,
    GroupSessionPatient,
    GroupType,
)

from .names import FIRST_NAMES, LAST_NAMES, REFERRAL_REASONS, STREETS

DEMO_PASSWORD = "Trellis-demo-2026!"  # noqa: S105 - synthetic demo accounts only
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
SITE_HOURS = {
    **{day: [["08:00", "21:30"]] for day in WEEKDAYS},
    "sat": [["08:30", "13:30"]],
}


@dataclass
class DemoLogin:
    username: str
    role: str
    description: str


@dataclass
class DemoResult:
    logins: list[DemoLogin] = field(default_factory=list)
    patients: int = 0
    staff: int = 0
    sessions: int = 0
    appointments: int = 0


# (site code, track name, population, level code, capacity, weekly group plan)
# weekly group plan: (weekday index, start "HH:MM", group type code)
TRACKS = (
    ("downtown", "Adult SUD evening IOP", Population.ADULT_SUD, "2.1", 24,
     [(0, "18:00", "process-sud"), (1, "18:00", "rp"), (1, "19:30", "cbt"),
      (2, "18:00", "process-sud"), (3, "18:00", "rp"), (3, "19:30", "mindfulness"),
      (5, "09:00", "process-sud")]),
    ("downtown", "Adult mental health IOP", Population.ADULT_MH, "2.1", 20,
     [(0, "09:00", "process-mh"), (1, "09:00", "dbt"), (2, "09:00", "process-mh"),
      (3, "09:00", "dbt"), (4, "09:00", "cbt"), (4, "10:30", "art")]),
    ("downtown", "Co-occurring evening IOP", Population.ADULT_COOCCURRING, "2.1", 18,
     [(0, "17:30", "process-mh"), (1, "17:30", "dbt"), (2, "17:30", "process-sud"),
      (3, "17:30", "rp"), (5, "09:30", "process-mh")]),
    ("riverside", "Adolescent after-school IOP", Population.ADOLESCENT, "2.1", 16,
     [(0, "15:30", "teen-process"), (1, "15:30", "teen-skills"), (2, "15:30", "teen-sud"),
      (3, "15:30", "teen-process"), (3, "17:00", "teen-mindful")]),
    ("riverside", "Adult SUD evening IOP", Population.ADULT_SUD, "2.1", 20,
     [(0, "18:00", "process-sud"), (1, "18:00", "rp"), (2, "18:00", "process-sud"),
      (3, "18:00", "cbt"), (5, "09:00", "process-sud")]),
)

# (username, first, last, site codes, credentials, license, competencies, shift)
CLINICIANS = (
    ("clinician", "Morgan", "Reyes", ["downtown"], "LCSW", "licensed",
     ["group", "sud", "mh", "cbt", "family"], "late"),
    ("ahmed.k", "Ahmed", "Karimi", ["downtown"], "LPC", "licensed",
     ["group", "sud", "holistic"], "late"),
    ("beth.o", "Beth", "Okonjo", ["downtown"], "LMFT", "licensed",
     ["group", "mh", "dbt", "family"], "day"),
    ("carla.v", "Carla", "Vance", ["downtown"], "PsyD", "licensed",
     ["group", "mh", "cbt", "dbt"], "day"),
    ("devon.p", "Devon", "Pierce", ["downtown"], "CADC", "licensed",
     ["group", "sud", "cbt"], "late"),
    ("elise.m", "Elise", "Marsh", ["downtown"], "LMSW", "prelicensed",
     ["group", "mh", "sud", "dbt", "holistic"], "late"),
    ("felix.n", "Felix", "Navarro", ["downtown"], "MD", "licensed", ["mh", "sud"], "day"),
    ("clinician.b", "Gloria", "Hart", ["riverside"], "LCSW", "licensed",
     ["group", "sud", "adolescent", "dbt", "family"], "late"),
    ("hugo.t", "Hugo", "Tran", ["riverside"], "LPC", "licensed",
     ["group", "sud", "cbt", "holistic"], "late"),
    ("iris.w", "Iris", "Whitfield", ["riverside"], "LMFT", "licensed",
     ["group", "adolescent", "holistic", "family", "mh"], "late"),
    ("jonah.r", "Jonah", "Rhodes", ["riverside"], "LPC-A", "prelicensed",
     ["group", "adolescent", "sud", "dbt"], "late"),
    ("kira.l", "Kira", "Lindqvist", ["riverside"], "CADC", "licensed",
     ["group", "sud", "mh"], "day"),
)
SUPERVISORS = {"elise.m": "clinician", "jonah.r": "clinician.b"}

# How many patients of each stage, per track (five tracks → 80 patients).
STAGES = (
    ("referred", 1), ("screening", 1), ("admitted", 1), ("active", 10),
    ("on_hold", 1), ("discharged", 2),
)


class DemoBuilder:
    def __init__(
        self, *, seed: int, today: datetime.date, progress: Callable[[str], None]
    ) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.progress = progress
        self.result = DemoResult()
        self.sites: dict[str, Site] = {}
        self.tracks: list[Track] = []
        self.clinicians: dict[str, User] = {}
        self.admin: User | None = None
        self.used_names: set[tuple[str, str]] = set()
        self.availability: dict[int, list[StaffAvailability]] = {}

    @transaction.atomic
    def build(self) -> DemoResult:
        self._organization()
        self._staff()
        self._patients()
        self._schedule()
        return self.result

    # --- organization -------------------------------------------------------------------
    def _organization(self) -> None:
        self.progress("Organization, sites, tracks and rooms")
        org = Organization.objects.create(name="Trellis Demo Behavioral Health")
        for code, name, phone in (
            ("downtown", "Downtown", "555-0100"),
            ("riverside", "Riverside", "555-0200"),
        ):
            site = Site.objects.create(
                organization=org, name=name, code=code, phone=phone, hours=SITE_HOURS,
                address=f"{100 + len(self.sites) * 250} {STREETS[len(self.sites)]}",
            )
            self.sites[code] = site
            for i in range(1, 4):
                Room.objects.create(site=site, name=f"Group room {i}", kind="group",
                                    capacity=12)
            for i in range(1, 5):
                Room.objects.create(site=site, name=f"Office {i}", kind="office", capacity=4)
        levels = {lvl.code: lvl for lvl in LevelOfCare.objects.filter(system="asam-3")}
        for site_code, name, population, level, capacity, _plan in TRACKS:
            self.tracks.append(
                Track.objects.create(
                    site=self.sites[site_code], name=name, population=population,
                    level_of_care=levels[level], capacity=capacity,
                )
            )

    # --- staff ------------------------------------------------------------------------------
    def _user(self, username: str, role: str, first: str, last: str, description: str) -> User:
        user = User(username=username, role=role, first_name=first, last_name=last,
                    email=f"{username}@demo.trellis.invalid")
        user.set_password(DEMO_PASSWORD)
        user.save()
        self.result.logins.append(DemoLogin(username, role, description))
        return user

    def _profile(self, user: User, site_codes: list[str], **fields: object) -> StaffProfile:
        profile = StaffProfile.objects.create(user=user, **fields)  # type: ignore[arg-type]
        profile.sites.set([self.sites[c] for c in site_codes])
        return profile

    def _staff(self) -> None:
        self.progress("Staff, credentials and weekly availability")
        self.admin = self._user("admin", Role.ADMINISTRATOR, "Avery", "Stone",
                                "administrator: reference data, every site")
        self.admin.is_staff = True
        self.admin.is_superuser = True
        self.admin.save()
        self._profile(self.admin, list(self.sites))
        director = self._user("director", Role.DIRECTOR, "Dana", "Whitaker",
                              "program director, both sites: census, audit trail")
        self._profile(director, list(self.sites), credentials="LCSW, MBA")
        intake = self._user("intake", Role.INTAKE, "Ines", "Calder",
                            "intake coordinator, both sites: referrals")
        self._profile(intake, list(self.sites))
        billing = self._user("billing", Role.BILLING, "Bo", "Lennox",
                             "billing clerk: roster only, no clinical records")
        self._profile(billing, list(self.sites))
        for username, first, last, sites, creds, lic, comps, shift in CLINICIANS:
            description = (
                "clinician at Downtown with a caseload and groups" if username == "clinician"
                else "clinician at Riverside (adolescents)" if username == "clinician.b"
                else ""
            )
            user = User(username=username, role=Role.CLINICIAN, first_name=first,
                        last_name=last, email=f"{username}@demo.trellis.invalid")
            user.set_password(DEMO_PASSWORD)
            user.save()
            if description:
                self.result.logins.append(DemoLogin(username, Role.CLINICIAN, description))
            self.clinicians[username] = user
            profile = self._profile(
                user, sites, credentials=creds, competencies=comps,
                license_status=LicenseStatus.PRELICENSED if lic == "prelicensed"
                else LicenseStatus.LICENSED,
                max_weekly_minutes=2400 if shift == "late" else 2160,
            )
            windows = (
                [(d, "13:00", "21:30") for d in range(5)] if shift == "late"
                else [(d, "08:00", "16:30") for d in range(5)]
            )
            if self.rng.random() < 0.5 or username in ("clinician", "clinician.b"):
                windows.append((5, "08:30", "13:30"))
            StaffAvailability.objects.bulk_create(
                StaffAvailability(staff=profile, weekday=d,
                                  start=datetime.time.fromisoformat(s),
                                  end=datetime.time.fromisoformat(e))
                for d, s, e in windows
            )
        for supervisee, supervisor in SUPERVISORS.items():
            StaffProfile.objects.filter(user=self.clinicians[supervisee]).update(
                supervisor=self.clinicians[supervisor]
            )
        self.result.staff = User.objects.exclude(role__in=[Role.PATIENT, Role.FAMILY]).count()

    # --- patients ---------------------------------------------------------------------------
    def _name(self) -> tuple[str, str]:
        while True:
            pair = (self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES))
            if pair not in self.used_names:
                self.used_names.add(pair)
                return pair

    def _clinicians_for(self, track: Track) -> list[User]:
        need = {
            Population.ADULT_SUD: "sud", Population.ADULT_MH: "mh",
            Population.ADULT_COOCCURRING: "sud", Population.ADOLESCENT: "adolescent",
        }[Population(track.population)]
        site_code = track.site.code
        return [
            user for username, *_rest in CLINICIANS
            if (user := self.clinicians[username])
            and site_code in _rest[2] and need in _rest[5] and "group" in _rest[5]
        ]

    def _patients(self) -> None:
        self.progress("Patients, families and episodes of care")
        assert self.admin is not None
        actor = self.admin
        demo_patient_done = False
        for track in self.tracks:
            clinicians = self._clinicians_for(track)
            adolescent = track.population == Population.ADOLESCENT
            for stage, count in STAGES:
                for _ in range(count):
                    first, last = self._name()
                    age = self.rng.randint(13, 17) if adolescent else self.rng.randint(19, 64)
                    dob = self.today - datetime.timedelta(
                        days=age * 365 + self.rng.randint(0, 364)
                    )
                    sex = self.rng.choice([Sex.FEMALE, Sex.MALE, Sex.FEMALE, Sex.MALE,
                                           Sex.UNKNOWN])
                    pronouns = {Sex.FEMALE: "she/her", Sex.MALE: "he/him"}.get(sex, "they/them")
                    weeks_in = self.rng.randint(1, 12)
                    referred_on = self._referred_on(stage, weeks_in)
                    clinician = self.rng.choice(clinicians) if stage != "referred" else None
                    patient, episode = patient_services.patient_register(
                        actor=actor,
                        track=track,
                        referred_on=referred_on,
                        reason=self.rng.choice(REFERRAL_REASONS),
                        primary_clinician=clinician,
                        first_name=first,
                        last_name=last,
                        preferred_name=(first[:3] if self.rng.random() < 0.1 else ""),
                        pronouns=pronouns,
                        date_of_birth=dob,
                        sex_at_birth=sex,
                        phone=f"555-{self.rng.randint(1000, 9999)}",
                        email=f"{first.lower()}.{last.lower()}@example.invalid",
                        address=f"{self.rng.randint(10, 999)} {self.rng.choice(STREETS)}",
                    )
                    self._advance(actor, episode, stage, weeks_in)
                    self._family(actor, patient, adolescent)
                    if (not demo_patient_done and stage == "active"
                            and track.site.code == "downtown"
                            and clinician == self.clinicians["clinician"]):
                        self._portal_logins(patient)
                        demo_patient_done = True
                    self.result.patients += 1
            self.progress(f"  {track.site.name} · {track.name}: done")

    def _referred_on(self, stage: str, weeks_in: int) -> datetime.date:
        if stage in ("referred", "screening"):
            return self.today - datetime.timedelta(days=self.rng.randint(1, 12))
        if stage == "admitted":
            return self.today - datetime.timedelta(days=self.rng.randint(8, 16))
        if stage == "discharged":
            return self.today - datetime.timedelta(days=self.rng.randint(100, 160))
        return self.today - datetime.timedelta(days=weeks_in * 7 + self.rng.randint(7, 14))

    def _advance(self, actor: User, episode: EpisodeOfCare, stage: str, weeks_in: int) -> None:
        if stage == "referred":
            return
        step = episode.referred_on + datetime.timedelta(days=self.rng.randint(1, 3))
        episode = patient_services.episode_transition(
            actor=actor, episode=episode, name="begin_screening", effective_on=step,
            reason="Phone screen scheduled; insurance verified.",
        )
        if stage == "screening":
            return
        admit_on = (
            self.today - datetime.timedelta(days=weeks_in * 7 - 3)
            if stage in ("active", "on_hold")
            else max(step, self.today - datetime.timedelta(days=self.rng.randint(1, 4)))
            if stage == "admitted"
            else step + datetime.timedelta(days=self.rng.randint(3, 7))
        )
        admit_on = max(admit_on, step)
        episode = patient_services.episode_transition(
            actor=actor, episode=episode, name="admit", effective_on=admit_on,
            reason="Comprehensive assessment supports IOP (ASAM 2.1).",
        )
        if stage == "admitted":
            return
        start_on = min(admit_on + datetime.timedelta(days=2), self.today)
        episode = patient_services.episode_transition(
            actor=actor, episode=episode, name="start_treatment", effective_on=start_on,
            reason="Attended first group.",
        )
        if stage == "on_hold":
            patient_services.episode_transition(
                actor=actor, episode=episode, name="place_on_hold",
                effective_on=max(start_on, self.today - datetime.timedelta(days=3)),
                reason="Medical leave for surgery; expects to return in two weeks.",
            )
        elif stage == "discharged":
            reason = self.rng.choice(
                [DischargeReason.COMPLETED, DischargeReason.COMPLETED,
                 DischargeReason.AGAINST_ADVICE, DischargeReason.NON_ATTENDANCE]
            )
            patient_services.episode_transition(
                actor=actor, episode=episode, name="discharge",
                effective_on=start_on + datetime.timedelta(weeks=self.rng.randint(4, 11)),
                reason="Discharge summary completed; aftercare plan given.",
                discharge_reason=reason,
            )

    def _family(self, actor: User, patient: Patient, adolescent: bool) -> None:
        if not adolescent and self.rng.random() > 0.45:
            return
        first, _last = self._name()
        relationship = (
            self.rng.choice([Relationship.PARENT, Relationship.GUARDIAN]) if adolescent
            else self.rng.choice([Relationship.SPOUSE, Relationship.SIBLING, Relationship.PARENT,
                                  Relationship.FRIEND])
        )
        patient_services.contact_add(
            actor=actor, patient=patient, name=f"{first} {patient.last_name}",
            relationship=relationship, phone=f"555-{self.rng.randint(1000, 9999)}",
            email="", is_emergency_contact=True,
            is_family_participant=relationship != Relationship.FRIEND,
        )

    def _portal_logins(self, patient: Patient) -> None:
        user = self._user("patient", Role.PATIENT, patient.first_name, patient.last_name,
                          f"patient {patient.display_name} (portal)")
        patient.user = user
        patient.save(update_fields=["user"])
        family = self._user("family", Role.FAMILY, "Pat", patient.last_name,
                            f"family member of {patient.display_name}")
        contact = patient.contacts.filter(active=True).first()
        if contact is None:
            assert self.admin is not None
            contact = patient_services.contact_add(
                actor=self.admin, patient=patient, name=f"Pat {patient.last_name}",
                relationship=Relationship.SPOUSE, phone="555-0142", email="",
                is_emergency_contact=True, is_family_participant=True,
            )
        contact.user = family
        contact.save(update_fields=["user"])

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
                group_type=group_type, site=track.site, room=room, date=day,
                start=start_t, end=end_t,
            )
            session.facilitators.add(facilitator)
            for hour in hours:
                busy.add((facilitator.pk, day, hour))
            members = episodes[: group_type.max_size]
            if slot % 2 and len(episodes) > group_type.max_size:
                members = episodes[-group_type.max_size :]
            GroupSessionPatient.objects.bulk_create(
                GroupSessionPatient(session=session, patient=e.patient, episode=e)
                for e in members
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
                    kind=AppointmentKind.INDIVIDUAL, patient=episode.patient, episode=episode,
                    clinician=clinician, site=track.site, room=office, date=day,
                    start=datetime.time(hour), end=datetime.time(hour + 1),
                )
                self.result.appointments += 1
                break


def _add_minutes(start: datetime.time, minutes: int) -> datetime.time:
    moment = datetime.datetime.combine(datetime.date(2000, 1, 1), start)
    return (moment + datetime.timedelta(minutes=minutes)).time()

