"""The group catalogue: directors and administrators add, change and deactivate group types.

A group type is never deleted: published sessions, the intervention library and signed plans
name it by its code. Deactivating it takes it out of every schedule built from then on and keeps
the history. Each service is one transaction and writes its own audit event.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from trellis.accounts.models import User
from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record
from trellis.core.errors import NotPermitted, ValidationFailed

from ..models import GroupType
from ..selectors import can_edit_catalogue

FIELDS = (
    "name",
    "modality",
    "minutes",
    "min_size",
    "max_size",
    "requires",
    "populations",
    "active",
)


def _require_editor(actor: User) -> None:
    if not can_edit_catalogue(actor):
        raise NotPermitted(_("Only program directors and administrators edit the group catalogue."))


def _validated(group_type: GroupType) -> None:
    try:
        group_type.full_clean()
    except ValidationError as error:
        raise ValidationFailed(" ".join(str(m) for m in error.messages)) from None


def _values(group_type: GroupType) -> dict[str, Any]:
    return {name: getattr(group_type, name) for name in FIELDS}


def _assign(
    group_type: GroupType,
    *,
    name: str,
    modality: str,
    minutes: int,
    min_size: int,
    max_size: int,
    requires: Sequence[str],
    populations: Sequence[str],
    active: bool,
) -> None:
    """Set the editable fields as stored: names trimmed, competencies and populations sorted
    once each."""
    group_type.name = name.strip()
    group_type.modality = modality
    group_type.minutes = minutes
    group_type.min_size = min_size
    group_type.max_size = max_size
    group_type.requires = sorted(set(requires))
    group_type.populations = sorted(set(populations))
    group_type.active = active


def code_in_use(code: str) -> str | None:
    """Why a new group type may not take `code` (lower case), or None when it is free."""
    taken = GroupType.objects.filter(code=code).first()
    if taken is None:
        return None
    return _("“%(code)s” is already the code of %(name)s.") % {"code": code, "name": taken.name}


@transaction.atomic
def group_type_create(
    *,
    actor: User,
    code: str,
    name: str,
    modality: str,
    minutes: int,
    min_size: int,
    max_size: int,
    requires: Sequence[str],
    populations: Sequence[str],
    active: bool = True,
) -> GroupType:
    """Add a group type to the catalogue. Its code is its id in schedules and plans, so it is
    fixed once made."""
    _require_editor(actor)
    code = code.strip().lower()  # "RP" and "rp" would be two types plans could not tell apart
    taken = code_in_use(code)
    if taken:
        raise ValidationFailed(taken)
    group_type = GroupType(code=code)
    _assign(
        group_type,
        name=name,
        modality=modality,
        minutes=minutes,
        min_size=min_size,
        max_size=max_size,
        requires=requires,
        populations=populations,
        active=active,
    )
    _validated(group_type)
    try:
        with transaction.atomic():  # a savepoint: the same code saved twice at once
            group_type.save()
    except IntegrityError:
        raise ValidationFailed(code_in_use(code) or _("That code is already taken.")) from None
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=group_type,
        summary=f"Added group type {group_type.code}",
        changes={k: [None, v] for k, v in _values(group_type).items()},
    )
    return group_type


@transaction.atomic
def group_type_update(
    *,
    actor: User,
    group_type: GroupType,
    name: str,
    modality: str,
    minutes: int,
    min_size: int,
    max_size: int,
    requires: Sequence[str],
    populations: Sequence[str],
    active: bool,
) -> GroupType:
    """Change a group type. Published sessions keep their times; the next schedule built uses
    the new values. ``active=False`` takes the type out of schedules without losing history."""
    _require_editor(actor)
    row = GroupType.objects.select_for_update().get(pk=group_type.pk)
    before = _values(row)
    _assign(
        row,
        name=name,
        modality=modality,
        minutes=minutes,
        min_size=min_size,
        max_size=max_size,
        requires=requires,
        populations=populations,
        active=active,
    )
    _validated(row)
    after = _values(row)
    changes = {k: [before[k], after[k]] for k in FIELDS if before[k] != after[k]}
    if not changes:
        return row
    row.save()
    if before["active"] and not active:
        summary = f"Deactivated group type {row.code}"
    elif active and not before["active"]:
        summary = f"Reactivated group type {row.code}"
    else:
        summary = f"Changed group type {row.code}"
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=row, summary=summary, changes=changes)
    return row
