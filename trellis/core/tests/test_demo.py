"""The demo program (``manage.py seed_demo``) publishes a schedule that obeys the scheduler's rules.

Every seeded group session and appointment is checked with ``rules.violations`` against the
week it is in, exactly as the week views check a coordinator's move: built from the database
(``build_instance``) and the published week (``week_as_format``), one site at a time. Then the
week pages of the demo clinician and the demo patient are opened and each of their bookings is
checked, as it stands, on its move page.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trellis.accounts.models import User
from trellis.core.demo.builder import DEMO_PASSWORD
from trellis.core.demo.timetable import DEMO_CANCEL_REASON
from trellis.organization.models import Site
from trellis.patients.models import EpisodeOfCare, EpisodeStatus, Patient
from trellis.scheduling import rules
from trellis.scheduling.instance_builder import build_instance
from trellis.scheduling.models import Appointment, BookingStatus, GroupSession
from trellis.scheduling.selectors import names_for, week_as_format

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# The real date: the move page refuses days before today (scheduling/weeks.py), so a fixed
# date would leave it nothing to check once that date has passed.
TODAY = timezone.localdate()
MONDAY = TODAY - datetime.timedelta(days=TODAY.weekday())


def _broken_rules(monday: datetime.date) -> list[str]:
    problems: list[str] = []
    for site in Site.objects.order_by("code"):
        built = build_instance([site], monday)
        week = week_as_format([site], monday)
        bookings = [*week["sessions"], *week["appointments"]]
        names = names_for(built.instance)
        for booking in bookings:
            what = booking.get("type") or booking.get("kind")
            where = f"{site.code} {monday} {what} {booking['day']} {booking['start']}"
            problems += [
                f"{where}: {p}" for p in rules.violations(built.instance, bookings, booking, names)
            ]
    return problems


def test_the_demo_schedule_breaks_no_hard_rule() -> None:
    call_command("seed_demo", seed=1, today=TODAY, stdout=io.StringIO())

    sessions = GroupSession.objects.all()
    appointments = Appointment.objects.all()
    assert sessions.filter(date__range=(MONDAY, TODAY)).exists()  # the whole week shows
    assert sessions.exists()
    assert appointments.exists()
    assert not sessions.filter(room=None).exists()
    assert not appointments.filter(room=None).exists()
    dates = {*sessions.values_list("date", flat=True), *appointments.values_list("date", flat=True)}
    mondays = sorted({d - datetime.timedelta(days=d.weekday()) for d in dates})
    assert mondays[0] == MONDAY
    for monday in mondays:
        assert _broken_rules(monday) == []

    # Everyone in treatment has a week: at least one group session.
    active = EpisodeOfCare.objects.filter(status=EpisodeStatus.ACTIVE)
    booked = set(
        sessions.filter(date__range=(MONDAY, MONDAY + datetime.timedelta(days=6))).values_list(
            "members__episode", flat=True
        )
    )
    assert set(active.values_list("pk", flat=True)) <= booked

    _week_pages_show_no_broken_rule()
    _one_session_of_the_patients_next_week_is_cancelled()

    # The accounts share one password hash; each still signs in with the demo password.
    for username in ("admin", "clinician", "patient", "family"):
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)


def _one_session_of_the_patients_next_week_is_cancelled() -> None:
    (cancelled,) = GroupSession.objects.filter(status=BookingStatus.CANCELLED)
    assert cancelled.date - datetime.timedelta(days=cancelled.date.weekday()) == MONDAY + (
        datetime.timedelta(weeks=1)
    )
    assert cancelled.cancel_reason == DEMO_CANCEL_REASON
    assert cancelled.members.filter(patient__user__username="patient").exists()
    patient = Client()
    patient.force_login(User.objects.get(username="patient"))
    page = patient.get(reverse("portal:schedule"), {"week": str(cancelled.date)}).content
    assert b'<span class="badge">cancelled</span>' in page
    director = Client()
    director.force_login(User.objects.get(username="director"))
    query = {"site": cancelled.site.code, "week": str(cancelled.date)}
    unmet = director.get(reverse("scheduling:unmet"), query).content.decode()
    assert f"was cancelled: {DEMO_CANCEL_REASON}" in unmet


def _checked_on_move_page(client: Client, kind: str, booking: GroupSession | Appointment) -> bytes:
    url = reverse("scheduling:move", args=[kind, booking.public_id])
    data = {"check": "1", "date": str(booking.date), "start": f"{booking.start:%H:%M}"}
    data["room"] = str(booking.room_id)
    return client.post(url, data, HTTP_HX_REQUEST="true").content


def _week_pages_show_no_broken_rule() -> None:
    """The demo clinician's and the demo patient's week pages of next week (all of it ahead,
    so the move page checks every booking): each booking on them, checked as it stands on its
    move page, breaks no rule."""
    director = Client()
    director.force_login(User.objects.get(username="director"))
    clinician = User.objects.get(username="clinician")
    patient = Patient.objects.get(user__username="patient")
    monday = MONDAY + datetime.timedelta(weeks=1)
    week = (monday, monday + datetime.timedelta(days=6))

    for view, key, sessions, appointments in (
        (
            "clinician",
            str(clinician.public_id),
            GroupSession.objects.filter(
                facilitators=clinician, date__range=week, status=BookingStatus.SCHEDULED
            ),
            Appointment.objects.filter(clinician=clinician, date__range=week),
        ),
        (
            "patient",
            str(patient.public_id),
            GroupSession.objects.filter(
                members__patient=patient, date__range=week, status=BookingStatus.SCHEDULED
            ),
            Appointment.objects.filter(patient=patient, date__range=week),
        ),
    ):
        query = {"view": view, "key": key, "week": str(monday)}
        page = director.get(reverse("scheduling:week"), query)
        assert page.status_code == 200
        assert sessions.exists()
        assert appointments.exists()
        bookings: list[tuple[str, GroupSession | Appointment]] = [
            *(("session", s) for s in sessions),
            *(("appointment", a) for a in appointments),
        ]
        for kind, booking in bookings:
            assert str(booking.public_id) in page.content.decode()
            assert b"No rule is broken" in _checked_on_move_page(director, kind, booking), (
                view,
                booking,
            )


def test_reset_loads_the_demo_again_with_the_reference_data_migrations_load() -> None:
    """`--reset` empties every table (flush) and loads the reference data again: every table a
    fresh `migrate` fills (levels of care, the group catalogue, the intervention library…) holds
    at least as much after it, so a new data migration cannot be forgotten there."""
    if connection.vendor != "sqlite":
        pytest.skip("--reset refuses PostgreSQL, where the audit trail is append-only")
    filled = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._default_manager.exists()
    }
    assert {"organization.LevelOfCare", "plans.Intervention", "scheduling.GroupType"} <= set(filled)
    call_command("seed_demo", seed=1, today=TODAY, stdout=io.StringIO())
    call_command("seed_demo", seed=1, today=TODAY, reset=True, stdout=io.StringIO())
    for label, count in filled.items():
        assert apps.get_model(label)._default_manager.count() >= count, label
    assert Patient.objects.count() == 80
