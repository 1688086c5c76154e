"""A site's time zone: only zone names are saved, and a row that holds another value (written
before the field was validated) reads as the server's clock instead of failing a page."""

from __future__ import annotations

import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from trellis.organization.models import Site

pytestmark = pytest.mark.django_db


def test_a_time_zone_that_is_not_a_zone_name_is_refused_in_words(cast) -> None:
    site = cast.site_a
    site.timezone = "Eastern"
    with pytest.raises(ValidationError) as refused:
        site.full_clean()
    assert refused.value.message_dict["timezone"] == [
        "Eastern is not a time zone name; write one such as America/New_York."
    ]
    site.timezone = "America/Denver"
    site.full_clean()
    assert site.zone == zoneinfo.ZoneInfo("America/Denver")


def test_a_stored_value_that_is_no_zone_reads_as_the_servers_clock(
    cast, portal_week, login, settings
) -> None:
    Site.objects.filter(pk=cast.site_a.pk).update(timezone="Eastern")
    site = Site.objects.get(pk=cast.site_a.pk)
    assert site.zone == zoneinfo.ZoneInfo(settings.TIME_ZONE)
    client = login(cast.erin)
    for name in ("portal:home", "portal:schedule"):
        assert client.get(reverse(name), follow=True).status_code == 200
