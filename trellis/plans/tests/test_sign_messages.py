"""What the author is told on signing: a pre-licensed author's plan waits for the co-signature."""

from __future__ import annotations

import pytest
from django.urls import reverse

from trellis.accounts.models import LicenseStatus, Role
from trellis.core.tests import factories as f
from trellis.patients.models import CareTeamRole
from trellis.plans import services

from .conftest import content


def _sign_and_read(cast, login, author):
    version = services.plan_version_save(
        actor=author, episode=cast.erin_episode, content=content(), reason="Initial", based_on=None
    )
    client = login(author)
    url = reverse("plans:sign", args=[cast.erin_record.public_id, version.public_id])
    response = client.post(url, follow=True)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def pete(cast):
    pete = f.UserFactory(username="pete", role=Role.CLINICIAN, sites=[cast.site_a])
    profile = pete.staff_profile
    profile.license_status = LicenseStatus.PRELICENSED
    profile.supervisor = cast.charlie
    profile.save()
    f.CareTeamMemberFactory(episode=cast.erin_episode, user=pete, role=CareTeamRole.THERAPIST)
    return pete


def test_a_prelicensed_author_is_told_the_plan_awaits_the_supervisor(cast, login, pete):
    page = _sign_and_read(cast, login, pete)
    assert "awaits the co-signature of your supervisor, Charlie Chen" in page
    assert "not in effect until then" in page


def test_a_licensed_author_is_told_the_version_is_locked(cast, login):
    page = _sign_and_read(cast, login, cast.alice)
    assert "Signed. The version is locked." in page
    assert "awaits the co-signature" not in page
