"""Writes to patients, contacts, episodes and care teams. Each writes its own audit event."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trellis.accounts.models import Role, User
from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record, diff_fields
from trellis.core.errors import NotPermitted, ValidationFailed
from trellis.organization.models import LevelOfCare, Site, Track

from .models import (
    OPEN_STATUSES,
    BreakGlassGrant,
    CareTeamMember,
    CareTeamRole,
    Contact,
    DischargeReason,
    EpisodeOfCare,
    EpisodeStatus,
    EpisodeTransition,
    Patient,
)
from .selectors import ChartAccess, chart_access, patients_visible_to
from .states import check_transition

PATIENT_FIELDS = (
    "first_name",
    "last_name",
    "preferred_name",
    "pronouns",
    "date_of_birth",
    "sex_at_birth",
    "gender_identity",
    "phone",
    "email",
    "address",
    "preferred_language",
)
CONTACT_FIELDS = (
    "name",
    "relationship",
    "phone",
    "email",
    "is_emergency_contact",
    "is_family_participant",
)


class EpisodeAlreadyOpen(ValidationFailed):
    """A patient has at most one open episode of care."""


class PossibleDuplicatePatient(ValidationFailed):
    """A patient the actor can see has the same first name, last name and date of birth.

    ``matches`` holds those patients; the caller shows them and may retry with
    ``confirm_new=True`` when this is a different person.
    """

    def __init__(self, message: str, matches: list[Patient]) -> None:
        super().__init__(message)
        self.matches = matches


def possible_duplicates(
    actor: User, *, first_name: str, last_name: str, date_of_birth: datetime.date
) -> list[Patient]:
    """Patients visible to the actor with the same name (any case) and date of birth."""
    return list(
        patients_visible_to(actor)
        .filter(
            first_name__iexact=first_name.strip(),
            last_name__iexact=last_name.strip(),
            date_of_birth=date_of_birth,
        )
        .select_related("site")
        .order_by("last_name", "first_name", "mrn")
    )


def require_chart_write(actor: User, patient: Patient) -> None:
    """Refuse with ``NotPermitted`` unless the actor may change this patient's full chart.
    Every service that writes to a chart calls this first (views have already 404'd)."""
    if chart_access(actor, patient) is not ChartAccess.FULL:
        raise NotPermitted(_("You may not change this patient's chart."))


def _snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def next_mrn() -> str:
    """The next medical record number: T followed by six digits."""
    last = (
        Patient.objects.filter(mrn__regex=r"^T[0-9]{6}$")
        .order_by("-mrn")
        .values_list("mrn", flat=True)
        .first()
    )
    number = int(last[1:]) + 1 if last else 100001
    return f"T{number:06d}"


@transaction.atomic
def patient_create(*, actor: User, site: Site, confirm_new: bool = False, **fields: Any) -> Patient:
    """Register a new patient at a site. MRN is assigned.

    Raises ``PossibleDuplicatePatient`` when a patient the actor can see has the same first
    name, last name (ignoring case) and date of birth, unless ``confirm_new`` says this is a
    different person.
    """
    if actor.role not in (Role.ADMINISTRATOR, Role.DIRECTOR, Role.INTAKE, Role.CLINICIAN):
        raise NotPermitted(_("Only clinical staff can register patients."))
    unknown = set(fields) - set(PATIENT_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown patient fields: %s") % ", ".join(sorted(unknown)))
    dob = fields.get("date_of_birth")
    if dob is not None and dob > timezone.localdate():
        raise ValidationFailed(_("The date of birth is in the future."))
    if not confirm_new and dob is not None:
        matches = possible_duplicates(
            actor,
            first_name=fields.get("first_name", ""),
            last_name=fields.get("last_name", ""),
            date_of_birth=dob,
        )
        if matches:
            raise PossibleDuplicatePatient(
                _(
                    "Someone with this name and date of birth is already on record. "
                    "Open their chart, or confirm that this is a different person."
                ),
                matches,
            )
    for _attempt in range(3):
        try:
            with transaction.atomic():
                patient = Patient.objects.create(site=site, mrn=next_mrn(), **fields)
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - three concurrent registrations in a row
        raise ValidationFailed(_("Could not assign a record number; please try again."))
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient=patient,
        obj=patient,
        summary=f"Registered patient {patient.mrn}",
    )
    return patient


@transaction.atomic
def patient_update(*, actor: User, patient: Patient, **fields: Any) -> Patient:
    require_chart_write(actor, patient)
    unknown = set(fields) - set(PATIENT_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown patient fields: %s") % ", ".join(sorted(unknown)))
    before = _snapshot(patient, tuple(fields))
    for name, value in fields.items():
        setattr(patient, name, value)
    patient.full_clean()
    patient.save()
    changes = diff_fields(before, _snapshot(patient, tuple(fields)))
    if changes:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            patient=patient,
            obj=patient,
            summary="Changed demographics: " + ", ".join(changes),
            changes=changes,
        )
    return patient


@transaction.atomic
def contact_add(*, actor: User, patient: Patient, **fields: Any) -> Contact:
    require_chart_write(actor, patient)
    contact = Contact(patient=patient, **fields)
    contact.full_clean()
    contact.save()
    audit_record(
        actor=actor,
        action=AuditAction.ADD,
        patient=patient,
        obj=contact,
        summary=f"Added contact ({contact.get_relationship_display()})",
    )
    return contact


@transaction.atomic
def contact_update(*, actor: User, contact: Contact, **fields: Any) -> Contact:
    require_chart_write(actor, contact.patient)
    before = _snapshot(contact, tuple(fields))
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.full_clean()
    contact.save()
    changes = diff_fields(before, _snapshot(contact, tuple(fields)))
    if changes:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            patient=contact.patient,
            obj=contact,
            summary="Changed contact: " + ", ".join(changes),
            changes=changes,
        )
    return contact


@transaction.atomic
def contact_deactivate(*, actor: User, contact: Contact) -> Contact:
    """Contacts are never deleted: they are marked inactive, and the change is audited."""
    require_chart_write(actor, contact.patient)
    contact.active = False
    contact.save(update_fields=["active", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.REMOVE,
        patient=contact.patient,
        obj=contact,
        summary="Removed contact",
    )
    return contact


@transaction.atomic
def episode_open(
    *,
    actor: User,
    patient: Patient,
    track: Track,
    referred_on: datetime.date,
    level_of_care: LevelOfCare | None = None,
    primary_clinician: User | None = None,
    reason: str,
) -> EpisodeOfCare:
    """Open a new episode of care at the referral stage."""
    require_chart_write(actor, patient)
    if patient.episodes.filter(status__in=OPEN_STATUSES).exists():
        raise EpisodeAlreadyOpen(
            _("%s already has an open episode of care; close it before opening another.")
            % patient.display_name
        )
    if referred_on > timezone.localdate():
        raise ValidationFailed(_("The referral date is in the future."))
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for referral."))
    episode = EpisodeOfCare.objects.create(
        patient=patient,
        track=track,
        level_of_care=level_of_care or track.level_of_care,
        primary_clinician=primary_clinician,
        referred_on=referred_on,
        status=EpisodeStatus.REFERRED,
    )
    EpisodeTransition.objects.create(
        episode=episode,
        name="refer",
        from_status="",
        to_status=EpisodeStatus.REFERRED,
        effective_on=referred_on,
        actor=actor,
        reason=reason,
    )
    if primary_clinician is not None:
        _team_add(episode, primary_clinician, CareTeamRole.PRIMARY, referred_on)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient=patient,
        obj=episode,
        summary=f"Opened episode in {track.name}",
    )
    return episode


@transaction.atomic
def episode_transition(
    *,
    actor: User,
    episode: EpisodeOfCare,
    name: str,
    reason: str,
    effective_on: datetime.date | None = None,
    discharge_reason: str = "",
    transferred_to: str = "",
) -> EpisodeOfCare:
    """Move the episode along one named transition, recording actor, time and reason.

    Raises ``InvalidTransition`` (a ``TrellisError``) when the status does not allow it.
    """
    episode = EpisodeOfCare.objects.select_for_update().get(pk=episode.pk)
    require_chart_write(actor, episode.patient)
    transition = check_transition(episode.status, name)
    if not reason.strip():
        raise ValidationFailed(_("Give a reason for this change."))
    effective_on = effective_on or timezone.localdate()
    if effective_on < episode.referred_on:
        raise ValidationFailed(_("The date is before the referral date."))
    if effective_on > timezone.localdate():
        raise ValidationFailed(_("The date is in the future."))
    before = {"status": episode.status}
    if transition.needs_discharge_reason and not discharge_reason:
        raise ValidationFailed(_("Choose a discharge reason."))
    if name == "transfer" and not transferred_to.strip():
        raise ValidationFailed(_("Say where the patient is transferred to."))
    if name == "transfer" and discharge_reason not in TRANSFER_REASONS:
        raise ValidationFailed(
            _("Say whether the transfer is a step up, a step down or to another program (other).")
        )
    if name == "admit":
        episode.admitted_on = effective_on
    elif name == "start_treatment":
        if episode.admitted_on and effective_on < episode.admitted_on:
            raise ValidationFailed(_("Treatment cannot start before admission."))
        episode.treatment_started_on = effective_on
    elif name in ("discharge", "transfer", "close_referral"):
        if episode.admitted_on and effective_on < episode.admitted_on:
            raise ValidationFailed(_("The discharge date is before the admission date."))
        episode.discharged_on = effective_on
        episode.discharge_reason = discharge_reason or (
            DischargeReason.NOT_ADMITTED if name == "close_referral" else DischargeReason.OTHER
        )
        episode.transferred_to = transferred_to.strip()
    episode.status = transition.target
    episode.save()
    EpisodeTransition.objects.create(
        episode=episode,
        name=name,
        from_status=before["status"],
        to_status=episode.status,
        effective_on=effective_on,
        actor=actor,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action=AuditAction.TRANSITION,
        patient=episode.patient,
        obj=episode,
        summary=f"Episode: {before['status']} → {episode.status} ({name})",
        changes={"status": [before["status"], episode.status], "effective_on": str(effective_on)},
    )
    if name in RELEASE_TRANSITIONS:
        _release_bookings(
            actor=actor, episode=episode, after=effective_on, why=RELEASE_REASONS[name]
        )
    return episode


RELEASE_TRANSITIONS = frozenset({"discharge", "transfer", "close_referral"})
# The cancel reason the released appointments keep (the schedule shows it to staff).
RELEASE_REASONS = {
    "discharge": "Patient discharged",
    "transfer": "Patient transferred",
    "close_referral": "Referral closed",
}
# What a transfer records as its discharge reason: the direction of the move.
TRANSFER_REASONS = frozenset(
    {DischargeReason.STEP_UP, DischargeReason.STEP_DOWN, DischargeReason.OTHER}
)


def _release_bookings(
    *, actor: User, episode: EpisodeOfCare, after: datetime.date, why: str
) -> int:
    """Take the patient off the published schedule after ``after`` (the effective date).

    Group-session places on later dates are removed and later individual/family appointments
    are cancelled; sessions on or before the date stay as the record. One audit event says how
    many bookings were released (none when there was nothing to release). Runs inside the
    caller's transaction.
    """
    from trellis.scheduling.models import Appointment, BookingStatus, GroupSessionPatient

    patient = episode.patient
    places = GroupSessionPatient.objects.filter(patient=patient, session__date__gt=after)
    session_ids = [str(s) for s in places.values_list("session__public_id", flat=True)]
    appointments = Appointment.objects.filter(
        patient=patient, date__gt=after, status=BookingStatus.SCHEDULED
    )
    appointment_ids = [str(a) for a in appointments.values_list("public_id", flat=True)]
    if not session_ids and not appointment_ids:
        return 0
    places.delete()
    now = timezone.now()
    appointments.update(
        status=BookingStatus.CANCELLED,
        cancelled_at=now,
        cancelled_by=actor,
        cancel_reason=why,
        updated_at=now,
    )
    released = len(session_ids) + len(appointment_ids)
    audit_record(
        actor=actor,
        action=AuditAction.REMOVE,
        patient=patient,
        obj=episode,
        summary=(
            f"Released {released} future booking(s) after {after.isoformat()}: "
            f"{len(session_ids)} group session place(s) removed, "
            f"{len(appointment_ids)} appointment(s) cancelled"
        ),
        changes={"group_sessions": session_ids, "appointments_cancelled": appointment_ids},
    )
    return released


def _team_add(episode: EpisodeOfCare, user: User, role: str, on: datetime.date) -> CareTeamMember:
    member, _created = CareTeamMember.objects.get_or_create(
        episode=episode, user=user, role=role, removed_on=None, defaults={"added_on": on}
    )
    return member


@transaction.atomic
def care_team_add(*, actor: User, episode: EpisodeOfCare, user: User, role: str) -> CareTeamMember:
    require_chart_write(actor, episode.patient)
    if not episode.is_open:
        raise ValidationFailed(_("The episode is closed; its care team cannot change."))
    if not user.is_staff_member or user.role == Role.BILLING:
        raise ValidationFailed(_("Only clinical staff can join a care team."))
    if role == CareTeamRole.PRIMARY:
        return episode_set_primary_clinician(actor=actor, episode=episode, clinician=user)
    if CareTeamMember.objects.filter(
        episode=episode, user=user, role=role, removed_on__isnull=True
    ).exists():
        raise ValidationFailed(
            _("%s is already on the care team in that role.") % user.display_name
        )
    member = _team_add(episode, user, role, timezone.localdate())
    audit_record(
        actor=actor,
        action=AuditAction.ADD,
        patient=episode.patient,
        obj=member,
        summary=f"Care team: added {user.get_username()} as {member.get_role_display()}",
    )
    return member


@transaction.atomic
def care_team_remove(*, actor: User, member: CareTeamMember) -> CareTeamMember:
    """End a care-team membership (kept for the record with its end date)."""
    require_chart_write(actor, member.episode.patient)
    if member.role == CareTeamRole.PRIMARY:
        raise ValidationFailed(
            _("Choose a new primary clinician instead of removing the current one.")
        )
    if member.removed_on is not None:
        raise ValidationFailed(_("That person has already left the care team."))
    member.removed_on = timezone.localdate()
    member.save(update_fields=["removed_on", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.REMOVE,
        patient=member.episode.patient,
        obj=member,
        summary=f"Care team: removed {member.user.get_username()} ({member.get_role_display()})",
    )
    return member


@transaction.atomic
def episode_set_primary_clinician(
    *, actor: User, episode: EpisodeOfCare, clinician: User
) -> CareTeamMember:
    require_chart_write(actor, episode.patient)
    if clinician.role != Role.CLINICIAN:
        raise ValidationFailed(_("The primary clinician must be a clinician."))
    if not clinician.staff_profile.sites.filter(pk=episode.track.site_id).exists():
        raise ValidationFailed(_("%s does not work at this site.") % clinician.display_name)
    today = timezone.localdate()
    previous = episode.primary_clinician
    CareTeamMember.objects.filter(
        episode=episode, role=CareTeamRole.PRIMARY, removed_on__isnull=True
    ).exclude(user=clinician).update(removed_on=today)
    episode.primary_clinician = clinician
    episode.save(update_fields=["primary_clinician", "updated_at"])
    member = _team_add(episode, clinician, CareTeamRole.PRIMARY, today)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient=episode.patient,
        obj=episode,
        summary=f"Primary clinician: {clinician.get_username()}",
        changes={
            "primary_clinician": [
                previous.get_username() if previous else None,
                clinician.get_username(),
            ]
        },
    )
    return member


@transaction.atomic
def break_glass(*, actor: User, patient: Patient, reason: str) -> BreakGlassGrant:
    """Emergency access to a chart outside the actor's care team, for a few hours, audited."""
    if chart_access(actor, patient) is None:
        raise NotPermitted(_("You may not open this chart."))
    if len(reason.strip()) < 10:
        raise ValidationFailed(_("Say in a sentence why you need emergency access."))
    hours: int = settings.TRELLIS["CHART_BREAK_GLASS_HOURS"]
    grant = BreakGlassGrant.objects.create(
        user=actor,
        patient=patient,
        reason=reason.strip(),
        expires_at=timezone.now() + datetime.timedelta(hours=hours),
    )
    audit_record(
        actor=actor,
        action=AuditAction.CHART_BREAK_GLASS,
        patient=patient,
        obj=patient,
        summary=f"Emergency access for {hours} h",
        changes={"reason": grant.reason},
    )
    return grant


@transaction.atomic
def patient_register(
    *,
    actor: User,
    track: Track,
    referred_on: datetime.date,
    reason: str,
    primary_clinician: User | None = None,
    confirm_new: bool = False,
    **fields: Any,
) -> tuple[Patient, EpisodeOfCare]:
    """Register a new patient with a referral episode on a track, in one transaction.

    Refuses a possible duplicate (``PossibleDuplicatePatient``) unless ``confirm_new``.
    """
    patient = patient_create(actor=actor, site=track.site, confirm_new=confirm_new, **fields)
    episode = episode_open(
        actor=actor,
        patient=patient,
        track=track,
        referred_on=referred_on,
        primary_clinician=primary_clinician,
        reason=reason,
    )
    return patient, episode
