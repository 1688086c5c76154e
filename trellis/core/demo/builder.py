"""Build the demo program: two sites, five tracks, a dozen clinicians, ~80 patients at every stage.

Deterministic for a seed and a "today": the same two give the same program. Writes go through
the services (so the audit trail shows what a real program's would), with the administrator as
the actor.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
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

from .catalogue import CLINICIANS, SITE_HOURS, STAGES, SUPERVISORS, TRACKS
from .names import FIRST_NAMES, LAST_NAMES, REFERRAL_REASONS, STREETS
from .result import DemoLogin, DemoResult
from .timetable import TimetableMixin

DEMO_PASSWORD = "Trellis-demo-2026!"  # noqa: S105 - synthetic demo accounts only


class DemoBuilder(TimetableMixin):
    def __init__(self, *, seed: int, today: datetime.date, progress: Callable[[str], None]) -> None:
        self.rng = random.Random(seed)
        # One hash for every demo account (they share the password): hashing it for each of
        # the 18 accounts took ~0.3-0.7 s apiece, the slowest step of the seed.
        self.password = make_password(DEMO_PASSWORD)
        self.today = today
        self.progress = progress
        self.result = DemoResult()
        self.sites: dict[str, Site] = {}
        self.tracks: list[Track] = []
        self.clinicians: dict[str, User] = {}
        self.admin: User | None = None
        self.used_names: set[tuple[str, str]] = set()

    @transaction.atomic
    def build(self) -> DemoResult:
        self._organization()
        self._staff()
        self._patients()
        from .plans import build_plans

        build_plans(self.today, self.progress)
        self._schedule()  # after the plans: the optimizer books what they ask for
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
                organization=org,
                name=name,
                code=code,
                phone=phone,
                hours=SITE_HOURS,
                address=f"{100 + len(self.sites) * 250} {STREETS[len(self.sites)]}",
            )
            self.sites[code] = site
            for i in range(1, 4):
                Room.objects.create(site=site, name=f"Group room {i}", kind="group", capacity=12)
            for i in range(1, 5):
                Room.objects.create(site=site, name=f"Office {i}", kind="office", capacity=4)
        levels = {lvl.code: lvl for lvl in LevelOfCare.objects.filter(system="asam-3")}
        for site_code, name, population, level, capacity in TRACKS:
            self.tracks.append(
                Track.objects.create(
                    site=self.sites[site_code],
                    name=name,
                    population=population,
                    level_of_care=levels[level],
                    capacity=capacity,
                )
            )

    # --- staff ------------------------------------------------------------------------------
    def _user(self, username: str, role: str, first: str, last: str, description: str) -> User:
        user = User(
            username=username,
            role=role,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.trellis.invalid",
        )
        user.password = self.password
        user.save()
        self.result.logins.append(DemoLogin(username, role, description))
        return user

    def _profile(self, user: User, site_codes: list[str], **fields: object) -> StaffProfile:
        profile = StaffProfile.objects.create(user=user, **fields)
        profile.sites.set([self.sites[c] for c in site_codes])
        return profile

    def _staff(self) -> None:
        self.progress("Staff, credentials and weekly availability")
        self.admin = self._user(
            "admin",
            Role.ADMINISTRATOR,
            "Avery",
            "Stone",
            "administrator: reference data, every site",
        )
        self.admin.is_staff = True
        self.admin.is_superuser = True
        self.admin.save()
        self._profile(self.admin, list(self.sites))
        director = self._user(
            "director",
            Role.DIRECTOR,
            "Dana",
            "Whitaker",
            "program director, both sites: census, audit trail",
        )
        self._profile(director, list(self.sites), credentials="LCSW, MBA")
        intake = self._user(
            "intake", Role.INTAKE, "Ines", "Calder", "intake coordinator, both sites: referrals"
        )
        self._profile(intake, list(self.sites))
        billing = self._user(
            "billing",
            Role.BILLING,
            "Bo",
            "Lennox",
            "billing clerk: roster only, no clinical records",
        )
        self._profile(billing, list(self.sites))
        for username, first, last, sites, creds, lic, comps, shift in CLINICIANS:
            description = {
                "clinician": "clinician at Downtown with a caseload and groups",
                "clinician.b": "clinician at Riverside (adolescents)",
                "elise.m": "pre-licensed clinician (plans need clinician's co-signature)",
            }.get(username, "")
            user = User(
                username=username,
                role=Role.CLINICIAN,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.trellis.invalid",
            )
            user.password = self.password
            user.save()
            if description:
                self.result.logins.append(DemoLogin(username, Role.CLINICIAN, description))
            self.clinicians[username] = user
            profile = self._profile(
                user,
                sites,
                credentials=creds,
                competencies=comps,
                license_status=LicenseStatus.PRELICENSED
                if lic == "prelicensed"
                else LicenseStatus.LICENSED,
                max_weekly_minutes=2400 if shift == "late" else 2160,
            )
            windows = (
                [(d, "13:00", "21:30") for d in range(5)]
                if shift == "late"
                else [(d, "08:00", "16:30") for d in range(5)]
            )
            if self.rng.random() < 0.5 or username in ("clinician", "clinician.b"):
                windows.append((5, "08:30", "13:30"))
            StaffAvailability.objects.bulk_create(
                StaffAvailability(
                    staff=profile,
                    weekday=d,
                    start=datetime.time.fromisoformat(s),
                    end=datetime.time.fromisoformat(e),
                )
                for d, s, e in windows
            )
        for supervisee, supervisor in SUPERVISORS.items():
            StaffProfile.objects.filter(user=self.clinicians[supervisee]).update(
                supervisor=self.clinicians[supervisor]
            )
        self.result.staff = User.objects.exclude(role__in=[Role.PATIENT, Role.FAMILY]).count()

    def _admin(self) -> User:
        if self.admin is None:
            raise RuntimeError("The administrator is created before anything else.")
        return self.admin

    # --- patients ---------------------------------------------------------------------------
    def _name(self) -> tuple[str, str]:
        while True:
            pair = (self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES))
            if pair not in self.used_names:
                self.used_names.add(pair)
                return pair

    def _clinicians_for(self, track: Track) -> list[User]:
        need = {
            Population.ADULT_SUD: "sud",
            Population.ADULT_MH: "mh",
            Population.ADULT_COOCCURRING: "sud",
            Population.ADOLESCENT: "adolescent",
        }[Population(track.population)]
        # The track's patients come in the mornings (day shift) or after school and in the
        # evenings (late shift): their individual sessions need a clinician working then.
        shift = "day" if track.population == Population.ADULT_MH else "late"
        site_code = track.site.code
        return [
            self.clinicians[username]
            for username, _f, _l, sites, _c, _lic, comps, their_shift in CLINICIANS
            if site_code in sites and need in comps and "group" in comps and their_shift == shift
        ]

    def _patients(self) -> None:
        self.progress("Patients, families and episodes of care")
        actor = self._admin()
        demo_patient_done = False
        for track in self.tracks:
            clinicians = self._clinicians_for(track)
            adolescent = track.population == Population.ADOLESCENT
            for stage, count in STAGES:
                for _ in range(count):
                    first, last = self._name()
                    age = self.rng.randint(13, 17) if adolescent else self.rng.randint(19, 64)
                    dob = self.today - datetime.timedelta(days=age * 365 + self.rng.randint(0, 364))
                    sex = self.rng.choice([Sex.FEMALE, Sex.MALE, Sex.FEMALE, Sex.MALE, Sex.UNKNOWN])
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
                    self._availability(patient, track)
                    if (
                        not demo_patient_done
                        and stage == "active"
                        and track.site.code == "downtown"
                        and clinician == self.clinicians["clinician"]
                    ):
                        self._portal_logins(patient)
                        demo_patient_done = True
                    self.result.patients += 1
            self.progress(f"  {track.site.name} · {track.name}: done")

    def _availability(self, patient: Patient, track: Track) -> None:
        """Weekly windows that fit the track's hours (deterministic; no draw from the rng, so
        the rest of the demo is unchanged). Every fifth patient misses one weekday."""
        from trellis.scheduling.models import PatientAvailability, WindowKind

        windows = {
            Population.ADULT_MH: [(d, "08:30", "13:00") for d in range(5)],
            Population.ADOLESCENT: [(d, "15:00", "19:00") for d in range(4)],
        }.get(
            Population(track.population),
            [(d, "17:00", "21:30") for d in range(4)] + [(5, "08:30", "13:00")],
        )
        if patient.pk % 5 == 0:
            windows = windows[1:]
        rows = [(WindowKind.PATIENT, day, start, end) for day, start, end in windows]
        if track.population == Population.ADOLESCENT:
            # Their plans ask for a family session a week: the family's times, two evenings
            # (alternating, so families do not all share one evening), those the patient can
            # come on (one who misses Monday keeps Wednesday).
            days = (1, 3) if patient.pk % 2 else (0, 2)
            own = {day for day, _start, _end in windows}
            rows += [(WindowKind.FAMILY, day, "17:00", "19:00") for day in days if day in own]
        PatientAvailability.objects.bulk_create(
            PatientAvailability(
                patient=patient,
                kind=kind,
                weekday=day,
                start=datetime.time.fromisoformat(start),
                end=datetime.time.fromisoformat(end),
            )
            for kind, day, start, end in rows
        )

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
            actor=actor,
            episode=episode,
            name="begin_screening",
            effective_on=step,
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
            actor=actor,
            episode=episode,
            name="admit",
            effective_on=admit_on,
            reason="Comprehensive assessment supports IOP (ASAM 2.1).",
        )
        if stage == "admitted":
            return
        start_on = min(admit_on + datetime.timedelta(days=2), self.today)
        episode = patient_services.episode_transition(
            actor=actor,
            episode=episode,
            name="start_treatment",
            effective_on=start_on,
            reason="Attended first group.",
        )
        if stage == "on_hold":
            patient_services.episode_transition(
                actor=actor,
                episode=episode,
                name="place_on_hold",
                effective_on=max(start_on, self.today - datetime.timedelta(days=3)),
                reason="Medical leave for surgery; expects to return in two weeks.",
            )
        elif stage == "discharged":
            reason = self.rng.choice(
                [
                    DischargeReason.COMPLETED,
                    DischargeReason.COMPLETED,
                    DischargeReason.AGAINST_ADVICE,
                    DischargeReason.NON_ATTENDANCE,
                ]
            )
            patient_services.episode_transition(
                actor=actor,
                episode=episode,
                name="discharge",
                effective_on=start_on + datetime.timedelta(weeks=self.rng.randint(4, 11)),
                reason="Discharge summary completed; aftercare plan given.",
                discharge_reason=reason,
            )

    def _family(self, actor: User, patient: Patient, adolescent: bool) -> None:
        if not adolescent and self.rng.random() > 0.45:
            return
        first, _last = self._name()
        relationship = (
            self.rng.choice([Relationship.PARENT, Relationship.GUARDIAN])
            if adolescent
            else self.rng.choice(
                [
                    Relationship.SPOUSE,
                    Relationship.SIBLING,
                    Relationship.PARENT,
                    Relationship.FRIEND,
                ]
            )
        )
        patient_services.contact_add(
            actor=actor,
            patient=patient,
            name=f"{first} {patient.last_name}",
            relationship=relationship,
            phone=f"555-{self.rng.randint(1000, 9999)}",
            email="",
            is_emergency_contact=True,
            is_family_participant=relationship != Relationship.FRIEND,
        )

    def _portal_logins(self, patient: Patient) -> None:
        user = self._user(
            "patient",
            Role.PATIENT,
            patient.first_name,
            patient.last_name,
            f"patient {patient.display_name} (portal)",
        )
        patient.user = user
        patient.save(update_fields=["user"])
        family = self._user(
            "family",
            Role.FAMILY,
            "Pat",
            patient.last_name,
            f"family member of {patient.display_name}",
        )
        contact = patient.contacts.filter(active=True).first()
        if contact is None:
            contact = patient_services.contact_add(
                actor=self._admin(),
                patient=patient,
                name=f"Pat {patient.last_name}",
                relationship=Relationship.SPOUSE,
                phone="555-0142",
                email="",
                is_emergency_contact=True,
                is_family_participant=True,
            )
        contact.user = family
        contact.save(update_fields=["user"])
