"""Names typed into the patient search travel in the request body, never in the URL."""

from __future__ import annotations

import pytest
from django.urls import reverse

from trellis.core.tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_search_form_posts_and_pushes_no_url(cast, login) -> None:
    page = login(cast.alice).get(reverse("patients:list")).content.decode()
    form = page[page.index('id="patient-search"') - 200 : page.index('id="patient-search"') + 600]
    assert 'method="post"' in form
    assert "hx-post=" in form
    assert "hx-get=" not in form
    assert "hx-push-url" not in form


def test_a_posted_search_finds_by_name_and_pages_by_post(cast, login) -> None:
    for n in range(30):
        f.PatientFactory(site=cast.site_a, first_name=f"Zed{n:02d}", last_name="Quarry")
    client = login(cast.charlie)
    first = client.post(reverse("patients:list"), {"q": "quarry"})
    assert first.status_code == 200
    body = first.content.decode()
    assert "30 patients" in body
    assert "Quarry, Zed00" in body
    assert 'name="page" value="2"' in body
    second = client.post(reverse("patients:list"), {"q": "quarry", "page": "2"})
    assert "Quarry, Zed29" in second.content.decode()
    assert "Quarry, Zed00" not in second.content.decode()


def test_htmx_search_returns_only_the_results(cast, login) -> None:
    response = login(cast.alice).post(
        reverse("patients:list"),
        {"q": cast.erin_record.last_name},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="patient-results",
    )
    body = response.content.decode()
    assert "<html" not in body
    assert cast.erin_record.last_name in body
