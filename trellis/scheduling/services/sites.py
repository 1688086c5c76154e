"""What the schedule optimizer knows of a site: its opening hours and its rooms, edited by
directors and administrators of the site (before, only in the Django admin)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trellis.accounts.models import DAY_CODES, User
from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record
from trellis.core.errors import NotPermitted, ValidationFailed
from trellis.organization.models import Room, RoomKind, Site

from ..models import Appointment, BookingStatus, GroupSession
from ..windows import Window, joined, readable_hours
from .bookings import check_windows
from .locks import lock_sites

MAX_ROOM_CAPACITY = 60  # no room of an outpatient program holds more; more is a typing slip
ROOM_NAME_MAX = 80


class InvalidRoom(ValidationFailed):
    """A room without a name, with a name the site already uses, of an unknown kind, or of a
    capacity its kind cannot have."""


def _check_editor(actor: User, site: Site) -> None:
    from ..selectors import can_edit_staff, coordinated_sites

    if not can_edit_staff(actor) or not coordinated_sites(actor).filter(pk=site.pk).exists():
        raise NotPermitted(
            _("Only a director or an administrator of %(site)s changes its rooms and hours.")
            % {"site": site.name}
        )


def hours_of(windows: Sequence[Window]) -> dict[str, list[list[str]]]:
    """Windows as FORMAT.md gives a site's hours: {"mon": [["08:00", "21:30"]], ...}
    (``windows.windows_of`` reads them back)."""
    hours: dict[str, list[list[str]]] = {}
    for day, start, end in sorted(windows):
        hours.setdefault(DAY_CODES[day], []).append([f"{start:%H:%M}", f"{end:%H:%M}"])
    return hours


@transaction.atomic
def site_hours_update(*, actor: User, site: Site, windows: Sequence[Window]) -> Site:
    """Replace a site's opening hours. ``NotPermitted`` unless the actor directs or administers
    the site; ``InvalidWindow`` / ``OverlappingWindows`` as for availability. One audit event
    with before and after. Runs from then on use them; published bookings stay (Plans not met
    and hand edits name those now outside the hours)."""
    _check_editor(actor, site)
    check_windows(windows)
    lock_sites([site])
    site.refresh_from_db()
    before = site.hours or {}
    after = hours_of(windows)
    site.hours = after
    site.save(update_fields=["hours", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=site,
        summary=f"Opening hours of {site.name} updated",
        changes={"hours": [before, after]} if before != after else {},
    )
    return site


@transaction.atomic
def room_save(
    *,
    actor: User,
    site: Site,
    room: Room | None = None,
    name: str,
    kind: str,
    capacity: int,
    active: bool = True,
) -> Room:
    """Add a room to ``site`` (``room`` None) or change one of its rooms: its name, kind,
    capacity and whether it is in use. ``NotPermitted`` as for the hours; ``InvalidRoom`` for
    an empty or taken name, an unknown kind, a capacity under 2 (3 for a group room) or over
    MAX_ROOM_CAPACITY. A room is never deleted (bookings keep it): it is taken out of use.
    One audit event."""
    _check_editor(actor, site)
    if room is not None and room.site_id != site.pk:
        raise NotPermitted(_("That room is at another site."))
    name = " ".join(name.split())
    if not name:
        raise InvalidRoom(_("Give the room a name."))
    if len(name) > ROOM_NAME_MAX:
        raise InvalidRoom(_("A room's name has at most %(n)d characters.") % {"n": ROOM_NAME_MAX})
    if kind not in RoomKind.values:
        raise InvalidRoom(_("A room is a group room or an office."))
    # A group room holds a group's smallest size; an office, an individual session (2).
    least = 3 if kind == RoomKind.GROUP else 2
    if not least <= capacity <= MAX_ROOM_CAPACITY:
        said = (
            _("A group room holds %(least)d to %(most)d people.")
            if kind == RoomKind.GROUP
            else _("An office holds %(least)d to %(most)d people.")
        )
        raise InvalidRoom(said % {"least": least, "most": MAX_ROOM_CAPACITY})
    lock_sites([site])
    taken = Room.objects.filter(site=site, name__iexact=name)
    if room is not None:
        taken = taken.exclude(pk=room.pk)
    if taken.exists():
        raise InvalidRoom(
            _("%(site)s already has a room called %(name)s.") % {"site": site.name, "name": name}
        )
    fields = {"name": name, "kind": kind, "capacity": capacity, "active": active}
    if room is None:
        room = Room.objects.create(site=site, **fields)
        action, summary, changes = AuditAction.CREATE, f"Room {name} added at {site.name}", {}
    else:
        room = Room.objects.select_for_update().get(pk=room.pk)
        changes = {
            key: [getattr(room, key), value]
            for key, value in fields.items()
            if getattr(room, key) != value
        }
        for key, value in fields.items():
            setattr(room, key, value)
        room.save(update_fields=[*fields, "updated_at"])
        action, summary = AuditAction.UPDATE, f"Room {name} at {site.name} changed"
    audit_record(actor=actor, action=action, obj=room, summary=summary, changes=changes)
    return room


def bookings_ahead_in(room: Room) -> int:
    """How many scheduled bookings from today on are in ``room`` (said when it is taken out
    of use: they stay until moved or replaced)."""
    today = timezone.localdate()
    rows = {"room": room, "date__gte": today, "status": BookingStatus.SCHEDULED}
    return GroupSession.objects.filter(**rows).count() + Appointment.objects.filter(**rows).count()


def bookings_outside_hours(site: Site, windows: Sequence[Window] | None = None) -> int:
    """How many scheduled bookings of ``site`` from today on lie outside its opening hours
    now, or outside ``windows`` if given (the hours proposed: said before and after they
    change, as the bookings stay until moved or replaced). Two queries."""

    if windows is None:  # stored in a shape it cannot read: as closed
        windows = readable_hours(site.hours) or []
    open_hours = joined(windows)
    today = timezone.localdate()
    rows = {"site": site, "date__gte": today, "status": BookingStatus.SCHEDULED}
    outside = 0
    for model in (GroupSession, Appointment):
        for day, start, end in model.objects.filter(**rows).values_list("date", "start", "end"):
            spans = open_hours.get(day.weekday(), [])
            if not any(a <= start and end <= b for a, b in spans):
                outside += 1
    return outside
