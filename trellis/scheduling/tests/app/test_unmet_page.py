"""The coordinators' list of plans the published week does not meet, with reasons."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from trellis.accounts.models import Role
from trellis.core.tests import factories as f
from trellis.scheduling.models import Appointment, PatientAvailability
from trellis.scheduling.tests.app.pages import queries_for

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    """The page without the spans that keep each time on one line."""
    return re.sub(r"</?span[^>]*>", "", html)


def test_nothing_published_lists_every_scheduled_patient_with_reasons(cast, login, week) -> None:
    url = reverse("scheduling:unmet") + f"?site={cast.site_a.code}&week={week.monday}"
    page = login(cast.charlie).get(url)
    assert page.status_code == 200
    body = page.content.decode()
    for patient in week.patients:
        assert patient.display_name in body
    assert "0 h / 9 h" in _text(body)


def test_a_patient_free_only_one_day_is_told_why(cast, login, week) -> None:
    PatientAvailability.objects.filter(patient=cast.olive).exclude(weekday=0).delete()
    url = reverse("scheduling:unmet") + f"?site={cast.site_a.code}&week={week.monday}"
    body = login(cast.charlie).get(url).content.decode()
    row = body[body.index(cast.olive.display_name) :]
    row = row[: row.index("</tr>")]
    assert "needs 3 days" in row


def test_published_bookings_count(cast, login, week) -> None:
    Appointment.objects.create(
        kind="individual",
        patient=cast.erin_record,
        episode=cast.erin_episode,
        clinician=cast.alice,
        site=cast.site_a,
        room=week.office,
        date=week.monday,
        start=datetime.time(17),
        end=datetime.time(18),
    )
    url = reverse("scheduling:unmet") + f"?site={cast.site_a.code}&week={week.monday}"
    body = login(cast.charlie).get(url).content.decode()
    row = body[body.index(cast.erin_record.display_name) :]
    assert "1 h / 9 h" in _text(row[: row.index("</tr>")])


@pytest.mark.parametrize("who", ["alice", "bob", "dana", "erin", "frank"])
def test_only_coordinators_see_it(cast, login, who: str) -> None:
    assert login(getattr(cast, who)).get(reverse("scheduling:unmet")).status_code == 404


def test_a_published_booking_that_now_breaks_a_rule_is_reported(cast, login, week, booked) -> None:
    """The session was valid when booked; Erin's Monday availability changed afterwards."""
    PatientAvailability.objects.filter(patient=cast.erin_record, weekday=0).delete()
    url = reverse("scheduling:unmet") + f"?site={cast.site_a.code}&week={week.monday}"
    body = login(cast.charlie).get(url).content.decode()
    row = body[body.index(cast.erin_record.display_name) :]
    row = row[: row.index("</tr>")]
    assert "Relapse prevention, Monday 17:00 breaks a rule:" in row
    assert f"{cast.erin_record.display_name} is not available Monday 17:00–18:30." in row
    # The other patients of the session are told too: it must be moved or changed for them.
    other = body[body.index(cast.olive.display_name) :]
    assert "Relapse prevention, Monday 17:00 breaks a rule:" in other[: other.index("</tr>")]


def test_a_session_below_its_minimum_counts_in_neither_column(cast, login, week, booked) -> None:
    """Two patients taken out: the rest's hours leave the session out, as their reasons do."""
    booked.members.filter(patient__in=week.patients[2:]).delete()
    url = reverse("scheduling:unmet") + f"?site={cast.site_a.code}&week={week.monday}"
    body = _text(login(cast.charlie).get(url).content.decode())
    row = body[body.index(cast.erin_record.display_name) :]
    row = row[: row.index("</tr>")]
    assert "Relapse prevention needs at least 4 patients; this session has 2." in row
    assert "0 h / 9 h" in row  # not 1 h 30 min: the session does not count


def _row_links(body: str, names: list[str]) -> dict[str, str]:
    links: dict[str, str] = {}
    for name in names:
        row = body[: body.index(f">{name}</a>")]
        links[name] = row[row.rindex('<a href="') + len('<a href="') : row.rindex('"')]
    return links


@pytest.mark.parametrize("who", ["charlie", "ivy"])
def test_every_listed_patient_links_to_a_page_the_user_may_open(cast, login, week, who) -> None:
    """Intake staff may not open the availability page of a patient in treatment (it needs the
    full chart): their links go to the chart, which shows what they may see."""
    client = login(getattr(cast, who))
    url = reverse("scheduling:unmet") + f"?site={cast.site_a.code}&week={week.monday}"
    body = client.get(url).content.decode()
    names = [p.display_name for p in week.patients]
    links = _row_links(body, names)
    assert len(links) == len(week.patients)
    for name, link in links.items():
        assert client.get(link).status_code == 200, (name, link)
    expected = "scheduling:patient" if who == "charlie" else "patients:chart"
    erin = cast.erin_record
    assert links[erin.display_name] == reverse(expected, args=[erin.public_id])


def test_the_page_makes_as_many_queries_for_more_patients(cast, login, week, booked) -> None:
    from trellis.core.tests import factories as f
    from trellis.patients.models import EpisodeStatus

    client = login(cast.ivy)
    url = reverse("scheduling:unmet") + f"?site={cast.site_a.code}&week={week.monday}"

    before = queries_for(client, url)
    for n in range(3):
        patient = f.PatientFactory(site=cast.site_a, first_name=f"More{n}", last_name="Extra")
        f.EpisodeFactory(patient=patient, track=cast.track_a, status=EpisodeStatus.ACTIVE)
        PatientAvailability.objects.create(
            patient=patient, weekday=0, start=datetime.time(16), end=datetime.time(21)
        )
    assert queries_for(client, url) == before


def test_a_week_with_every_plan_met_says_so_without_an_empty_table(cast, login, week) -> None:
    # Charlie's site A has patients unmet (nothing published); a site with nobody in treatment
    # has every plan met.
    empty = f.SiteFactory(organization=cast.site_a.organization, name="Eastside", code="east")
    cast.charlie.staff_profile.sites.add(empty)
    url = reverse("scheduling:unmet") + f"?site=east&week={week.monday}"
    body = login(cast.charlie).get(url).content.decode()
    assert "Every scheduled patient's plan is met by the bookings published" in body
    assert "0 patients" not in body
    assert "<table" not in body
    body = login(cast.charlie).get(url.replace("east", "north")).content.decode()
    assert f"{len(week.patients)} patients' plans are not met" in body


def test_a_site_that_is_not_the_users_says_so_and_shows_theirs(cast, login, week) -> None:
    url = reverse("scheduling:unmet") + f"?site={cast.site_b.code}&week={week.monday}"
    page = login(cast.charlie).get(url)
    assert page.status_code == 200
    messages = [str(m) for m in page.context["messages"]]
    assert messages == [f"That site is not one of your sites; showing {cast.site_a.name}."]
    assert page.context["site"] == cast.site_a


def test_a_cancellation_is_named_as_a_reason(cast, login, week, booked, appointment) -> None:
    from trellis.scheduling import services

    services.booking_cancel(actor=cast.charlie, booking=booked, reason="Facilitator ill")
    # An appointment cancelled without a reason (as releases were before reasons were kept).
    appointment.status = "cancelled"
    appointment.save()
    url = reverse("scheduling:unmet") + f"?site={cast.site_a.code}&week={week.monday}"
    body = login(cast.charlie).get(url).content.decode()
    for patient in week.patients:
        row = body[body.index(patient.display_name) :]
        row = row[: row.index("</tr>")]
        assert "Relapse prevention, Monday 17:00 was cancelled: Facilitator ill" in row
    erin = body[body.index(cast.erin_record.display_name) :]
    erin = erin[: erin.index("</tr>")]
    assert "Individual session, Tuesday 16:00 was cancelled: no reason given" in erin


def test_without_a_site_the_page_opens_on_the_first_site_with_a_plan_unmet(
    cast, login, week
) -> None:
    # Eastside (nobody in treatment) sorts before Northside, whose patients are unmet.
    east = f.SiteFactory(organization=cast.site_a.organization, name="Eastside", code="east")
    cast.charlie.staff_profile.sites.add(east)
    page = login(cast.charlie).get(reverse("scheduling:unmet") + f"?week={week.monday}")
    assert page.context["site"] == cast.site_a
    assert [str(m) for m in page.context["messages"]] == [
        "Every plan is met at Eastside; showing Northside."
    ]
    assert len(page.context["rows"]) == len(week.patients)

    # A coordinator whose every site has every plan met is told so, for all of them.
    west = f.SiteFactory(organization=cast.site_a.organization, name="Westside", code="west")
    director = f.UserFactory(username="dee", role=Role.DIRECTOR, sites=[east, west])
    body = login(director).get(reverse("scheduling:unmet")).content.decode()
    assert "At every one of your sites, every scheduled patient's plan is met" in body
