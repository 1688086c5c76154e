"""What publishing refuses: a solution whose references do not resolve or whose bookings break
a hard rule, every booking named (``BookingsRefused``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trellis.core.errors import ValidationFailed

from .. import rules
from ..instance_builder import IdMap
from ..review import patient_ref


class BookingsRefused(ValidationFailed):
    """Bookings of a solution that cannot be published: every one named, with what is wrong
    (``problems``, one line each); the message lists the first LISTED_PROBLEMS."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:LISTED_PROBLEMS]
        text = ngettext(
            "The solution cannot be published: %(n)d booking is wrong.",
            "The solution cannot be published: %(n)d bookings are wrong.",
            len(problems),
        ) % {"n": len(problems)}
        text = " ".join([text, *shown])
        if len(problems) > len(shown):
            text += " " + _("And %(n)d more.") % {"n": len(problems) - len(shown)}
        super().__init__(text)


LISTED_PROBLEMS = 20


def publishable(instance: dict[str, Any], solution: dict[str, Any], ids: IdMap) -> None:
    """Every reference resolves and no booking breaks a hard rule, or BookingsRefused naming
    every booking that does not (references first: the rules are checked once they resolve)."""
    bookings = [*solution.get("sessions", []), *solution.get("appointments", [])]
    listed = {p.get("id") for p in instance.get("patients", [])}
    found: list[str] = []
    for b in bookings:
        wrong: list[str] = []
        people = [*b.get("facilitators", []), b.get("clinician")]
        if b.get("site") not in ids.sites:
            wrong.append(_("unknown site"))
        if b.get("room") not in ids.rooms:
            wrong.append(_("unknown room %(r)r") % {"r": b.get("room")})
        if "type" in b and b["type"] not in ids.group_types:
            wrong.append(_("unknown group type"))
        if any(person is not None and person not in ids.clinicians for person in people):
            wrong.append(_("unknown clinician"))
        for patient in [*b.get("patients", []), b.get("patient")]:
            if patient is None:
                continue
            if patient not in listed:
                wrong.append(_("patient %(p)r is not in the instance") % {"p": patient})
            elif patient not in ids.patients:
                wrong.append(_("unknown patient %(p)r") % {"p": patient})
        if wrong:
            found.append(_("Booking %(b)r: %(w)s.") % {"b": b.get("id"), "w": "; ".join(wrong)})
    if found:
        raise BookingsRefused(found)
    names = {**{k: str(v) for k, v in ids.rooms.items()}}
    names |= {k: u.display_name for k, u in ids.clinicians.items()}
    # Patients as references, named where the words are shown, as for whoever reads them
    # (the command line by public id: its output may be kept in a job's log).
    names |= {k: patient_ref(p.public_id) for k, p in ids.patients.items()}
    for b in bookings:
        problems = rules.violations(instance, bookings, b, names)
        if problems:
            found.append(_("Booking %(b)r: %(p)s") % {"b": b.get("id"), "p": " ".join(problems)})
    if found:
        raise BookingsRefused(found)
