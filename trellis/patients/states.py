"""The episode-of-care state machine: only these named transitions exist.

referred → screening → admitted → active ⇄ on hold → discharged | transferred.
A referral that does not lead to admission is closed (``close_referral``) as discharged with the
reason "not admitted".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from trellis.core.errors import TrellisError

from .models import EpisodeStatus as S


@dataclass(frozen=True)
class Transition:
    name: str
    label: Promise
    sources: frozenset[str]
    target: str
    needs_discharge_reason: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("begin_screening", _("Begin screening"), frozenset({S.REFERRED}), S.SCREENING),
        Transition("admit", _("Admit"), frozenset({S.SCREENING}), S.ADMITTED),
        Transition("start_treatment", _("Start treatment"), frozenset({S.ADMITTED}), S.ACTIVE),
        Transition("place_on_hold", _("Place on hold"), frozenset({S.ACTIVE}), S.ON_HOLD),
        Transition("resume", _("Resume treatment"), frozenset({S.ON_HOLD}), S.ACTIVE),
        Transition(
            "discharge",
            _("Discharge"),
            frozenset({S.ADMITTED, S.ACTIVE, S.ON_HOLD}),
            S.DISCHARGED,
            needs_discharge_reason=True,
        ),
        Transition(
            "transfer",
            _("Transfer"),
            frozenset({S.ADMITTED, S.ACTIVE, S.ON_HOLD}),
            S.TRANSFERRED,
        ),
        Transition(
            "close_referral",
            _("Close referral"),
            frozenset({S.REFERRED, S.SCREENING}),
            S.DISCHARGED,
        ),
    )
}


class InvalidTransition(TrellisError):
    """The episode's status does not allow this change."""


def allowed_transitions(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]


def check_transition(status: str, name: str) -> Transition:
    """The transition ``name`` from ``status``, or ``InvalidTransition`` in plain words."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise InvalidTransition(_("“%s” is not a change an episode can make.") % name)
    if status not in transition.sources:
        allowed = ", ".join(str(t.label).lower() for t in allowed_transitions(status))
        message = _("An episode that is %(status)s cannot %(action)s.") % {
            "status": S(status).label.lower(),
            "action": str(transition.label).lower(),
        }
        if allowed:
            message = f"{message} " + _("From here it can: %s.") % allowed
        else:
            message = f"{message} " + _("It is closed.")
        raise InvalidTransition(message)
    return transition
