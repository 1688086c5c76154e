"""My availability: the patient edits their own weekly windows; the service audits it."""

from __future__ import annotations

from django.urls import reverse

from trellis.audit.models import AuditAction, AuditEvent
from trellis.scheduling.models import WindowKind


def windows(patient, kind: str = WindowKind.PATIENT) -> list[str]:
    return [str(a) for a in patient.availability.filter(kind=kind)]


def test_the_page_shows_the_windows_as_they_are(cast, portal_week, login):
    page = login(cast.erin).get(reverse("portal:availability")).content.decode()
    assert "Mon 16:00-21:00\nTue 16:00-21:00\nWed 16:00-21:00" in page
    assert "Thursday 18:00–20:00" in page  # the family's window, shown, not editable
    assert 'name="family"' not in page
    (event,) = AuditEvent.objects.filter(action=AuditAction.VIEW, patient=cast.erin_record)
    assert event.summary == "Own availability in the portal"


def test_bad_input_is_refused_in_plain_words_and_kept(cast, portal_week, login):
    client = login(cast.erin)
    before = windows(cast.erin_record)
    response = client.post(reverse("portal:availability"), {"patient": "Mon 17:00-21:00\nsomeday"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Line 2: write a day and two times, like “Mon 17:30-21:00”." in page
    assert "Mon 17:00-21:00\nsomeday</textarea>" in page  # what was typed is still there
    assert windows(cast.erin_record) == before
    assert not AuditEvent.objects.filter(actor=cast.erin, action=AuditAction.UPDATE).exists()


def test_an_empty_week_is_refused(cast, portal_week, login):
    response = login(cast.erin).post(reverse("portal:availability"), {"patient": "  \n"})
    assert "Enter at least one time you can attend." in response.content.decode()
    assert len(windows(cast.erin_record)) == 3


def test_saving_replaces_the_patients_windows_and_is_audited(cast, portal_week, login):
    client = login(cast.erin)
    response = client.post(
        reverse("portal:availability"),
        # A family field is not the patient's to set here and is ignored.
        {"patient": "Sat 09:00-13:00\ntue 17:30-21:00", "family": "Fri 10:00-11:00"},
    )
    assert response.status_code == 302
    assert windows(cast.erin_record) == ["Tuesday 17:30–21:00", "Saturday 09:00–13:00"]
    assert windows(cast.erin_record, WindowKind.FAMILY) == ["Thursday 18:00–20:00"]
    event = AuditEvent.objects.get(actor=cast.erin, action=AuditAction.UPDATE)
    assert event.patient == cast.erin_record
    assert event.changes["availability"][1] == ["Tuesday 17:30–21:00", "Saturday 09:00–13:00"]
    page = client.get(response["Location"]).content.decode()
    assert "Your availability is saved." in page
    assert "Tue 17:30-21:00\nSat 09:00-13:00" in page


def test_only_the_patients_own_record_changes(cast, portal_week, login):
    olive_before = [str(a) for a in cast.olive.availability.all()]
    login(cast.erin).post(reverse("portal:availability"), {"patient": "Sun 10:00-12:00"})
    assert [str(a) for a in cast.olive.availability.all()] == olive_before
    assert windows(cast.erin_record) == ["Sunday 10:00–12:00"]


def test_times_the_site_is_closed_at_are_saved_and_said(cast, portal_week, login):
    site = cast.erin_record.site
    site.hours = {"mon": [["16:00", "21:30"]], "tue": [["16:00", "21:30"]]}
    site.save()
    client = login(cast.erin)
    # Said beside the form, before anything is typed.
    form = client.get(reverse("portal:availability")).content.decode()
    assert f"{site.name} is open Mon–Tue 16:00–21:30: sessions can only be booked then." in form
    response = client.post(
        reverse("portal:availability"), {"patient": "Sun 02:00-04:00\nMon 17:00-21:00"}
    )
    assert windows(cast.erin_record) == ["Monday 17:00–21:00", "Sunday 02:00–04:00"]
    page = client.get(response["Location"]).content.decode()
    assert (
        f"Sun 02:00–04:00 is outside {site.name}&#x27;s opening hours (Mon–Tue 16:00–21:30), "
        "so no session can be booked then." in page
    )
    # Times that share some of the hours say nothing more.
    response = client.post(reverse("portal:availability"), {"patient": "Mon 12:00-17:00"})
    assert "opening hours" not in client.get(response["Location"]).content.decode()


def test_every_bad_line_is_named_at_once(cast, portal_week, login):
    response = login(cast.erin).post(
        reverse("portal:availability"), {"patient": "someday\nMon 17:00-21:00\nTue 9pm-10pm"}
    )
    page = response.content.decode()
    assert "Line 1: write a day and two times" in page
    assert "Line 3: use the 24-hour clock" in page
    assert "someday\nMon 17:00-21:00\nTue 9pm-10pm</textarea>" in page


def test_hours_stored_in_a_shape_the_page_cannot_read_do_not_fail_it(cast, portal_week, login):
    """ "24:00" is a FORMAT.md time; the admin can store other shapes. The page says nothing of
    the hours rather than fail (a code review found a 500)."""
    site = cast.erin_record.site
    client = login(cast.erin)
    for hours in ({"fri": [["18:00", "24:00"]]}, {"mon": [["08:00"]]}, {"mon": "08:00-21:30"}):
        site.hours = hours
        site.save()
        page = client.get(reverse("portal:availability"))
        assert page.status_code == 200
        assert "sessions can only be booked then" not in page.content.decode()
        saved = client.post(reverse("portal:availability"), {"patient": "Sun 02:00-04:00"})
        assert saved.status_code == 302
