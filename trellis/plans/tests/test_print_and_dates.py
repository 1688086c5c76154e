"""People read dates as "23 Nov 2026"; machine-facing values stay ISO. The print page follows
the current language and fits a phone screen."""

from __future__ import annotations

import datetime
import re

from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from trellis.patients.forms import PatientForm

NOV_23 = datetime.date(2026, 11, 23)


def test_english_dates_read_day_short_month_year():
    with translation.override("en"):
        rendered = Template(
            '{{ d }}|{{ d|date }}|{{ d|date:"SHORT_DATE_FORMAT" }}|{% load trellis_tags %}'
            '{{ "2026-11-23"|iso_date }}|{{ "soon"|iso_date }}'
        ).render(Context({"d": NOV_23}))
    assert rendered == "23 Nov 2026|23 Nov 2026|23 Nov 2026|23 Nov 2026|soon"


def test_date_inputs_stay_iso_in_every_language():
    for lang in ("en", "es"):
        with translation.override(lang):
            html = PatientForm(initial={"date_of_birth": NOV_23}, prefix="p")["date_of_birth"]
            assert 'value="2026-11-23"' in str(html), lang


def _print_url(cast, version):
    return reverse("plans:print", args=[cast.erin_record.public_id, version.public_id])


def test_print_page_has_the_current_language_and_a_viewport(cast, login, signed_plan):
    client = login(cast.alice)
    page = client.get(_print_url(cast, signed_plan)).content.decode()
    assert '<html lang="en">' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    spanish = client.get(_print_url(cast, signed_plan), HTTP_ACCEPT_LANGUAGE="es")
    assert '<html lang="es">' in spanish.content.decode()


def test_plan_pages_show_dates_for_people_not_iso(cast, login, signed_plan):
    client = login(cast.alice)
    today = timezone.localtime(signed_plan.created_at).date()
    with translation.override("en"):
        human = Template("{{ d|date }}").render(Context({"d": today}))
    for url in (
        reverse("plans:detail", args=[cast.erin_record.public_id]),
        reverse("plans:version", args=[cast.erin_record.public_id, signed_plan.public_id]),
        _print_url(cast, signed_plan),
    ):
        page = client.get(url).content.decode()
        assert human in page, url
        assert today.isoformat() not in page, url
        # The objective's target date (stored as ISO in the plan content) is shown for people.
        assert "31 Jan 2030" in page, url
        assert not re.search(r">[^<]*2030-01-31", page), url


def test_chart_and_assessment_pages_show_dates_for_people(cast, login):
    client = login(cast.alice)
    chart = client.get(reverse("patients:chart", args=[cast.erin_record.public_id]))
    assert "17 May 1990" in chart.content.decode()  # the factory's date of birth
    assert "1990-05-17" not in chart.content.decode()
