"""Migration 0012 rewrites the patient names that publications saved before 2026-12-07 hold in
what publishing left out as references, so old run pages name patients per viewer too."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps

from trellis.core.tests import factories as f
from trellis.scheduling.models import Publication
from trellis.scheduling.review import patient_ref

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "trellis.scheduling.migrations.0012_dropped_names_to_references"
)


def _publication(dropped: list[dict[str, object]], patients: tuple[str, ...] = ()) -> Publication:
    return Publication.objects.create(
        week_start=datetime.date(2026, 11, 30),
        weeks=8,
        sites=["north"],
        source="run",
        instance={"patients": [{"id": pid} for pid in patients]},
        dropped=dropped,
    )


def _entry(what: str, why: str) -> dict[str, object]:
    return {"what": what, "why": why, "dates": ["2026-12-14"]}


def test_names_where_publishing_wrote_them_become_references() -> None:
    erin = f.PatientFactory(first_name="Erin", last_name="Marsh")
    sam = f.PatientFactory(first_name="Samuel", preferred_name="Sam", last_name="Ortiz")
    old = _publication(
        [
            _entry("Individual session, Monday 10:00 (Erin Marsh)", "clashes with Group A 10:00"),
            _entry(
                "Relapse prevention, Tuesday 18:00", "Sam Ortiz left out: no longer in treatment"
            ),
            _entry(
                "Family session, Wednesday 17:00 (Sam Ortiz)",
                "clashes with the pinned Individual session of Erin Marsh 17:00",
            ),
        ]
    )
    migration.names_to_references(apps, None)
    old.refresh_from_db()
    erin_ref, sam_ref = patient_ref(erin.public_id), patient_ref(sam.public_id)
    assert old.dropped == [
        _entry(f"Individual session, Monday 10:00 ({erin_ref})", "clashes with Group A 10:00"),
        _entry("Relapse prevention, Tuesday 18:00", f"{sam_ref} left out: no longer in treatment"),
        _entry(
            f"Family session, Wednesday 17:00 ({sam_ref})",
            f"clashes with the pinned Individual session of {erin_ref} 17:00",
        ),
    ]
    text = repr(old.dropped)
    assert "Erin" not in text
    assert "Sam" not in text


def test_a_name_two_patients_share_is_the_publications_own_patient_or_no_name() -> None:
    ours = f.PatientFactory(first_name="Alex", last_name="Kim")
    f.PatientFactory(first_name="Alex", last_name="Kim")  # another site's Alex Kim
    own = _publication(
        [_entry("Individual session, Monday 10:00 (Alex Kim)", "cancelled on this date: ill")],
        patients=(str(ours.public_id),),
    )
    other = _publication(
        [_entry("Individual session, Monday 10:00 (Alex Kim)", "cancelled on this date: ill")]
    )
    migration.names_to_references(apps, None)
    own.refresh_from_db()
    other.refresh_from_db()
    assert (
        own.dropped[0]["what"]
        == f"Individual session, Monday 10:00 ({patient_ref(ours.public_id)})"
    )
    # Not knowing which Alex Kim, it names neither rather than keep the name.
    assert other.dropped[0]["what"] == "Individual session, Monday 10:00 (a patient)"


def test_what_is_already_a_reference_or_names_nobody_is_left_as_it_is() -> None:
    f.PatientFactory(first_name="Erin", last_name="Marsh")
    ref = patient_ref("0b1c6d52-3f7a-4c9e-9d55-2f8f4a1b2c3d")
    entries = [
        _entry(
            f"Individual session, Monday 10:00 ({ref})", f"{ref} left out: no longer in treatment"
        ),
        _entry("Stress of the week, Friday 18:00", "clashes with the pinned Stress of work 18:00"),
        _entry(
            "Process group, Monday 17:00",
            "a patient no longer listed left out: no longer in treatment",
        ),
    ]
    kept = _publication([dict(e) for e in entries])
    migration.names_to_references(apps, None)
    kept.refresh_from_db()
    assert kept.dropped == entries
