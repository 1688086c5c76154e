"""Every URL of the core, patients and audit apps answers for the roles allowed and 404s for the
others. New URLs must be added to ``SPEC`` (the first test fails until they are)."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, reverse

import trellis.audit.urls
import trellis.core.urls
import trellis.patients.urls
import trellis.plans.urls
from conftest import CAST_USERS
from trellis.core.tests import factories as f
from trellis.patients.models import CareTeamRole

FULL_CHART = {"alice", "charlie", "adam"}  # who may open and change erin's full chart
EVERYONE = set(CAST_USERS)

# url name: (method, roles answered with success, success status, POST data)
SPEC: dict[str, tuple[str, set[str], int, dict[str, str]]] = {
    "home": ("GET", EVERYONE, 200, {}),
    "healthz": ("GET", EVERYONE, 200, {}),
    "keep_alive": ("POST", EVERYONE, 204, {}),
    "set_language": ("POST", EVERYONE, 302, {"language": "es", "next": "/"}),
    "patients:list": ("GET", {"alice", "bob", "charlie", "ivy", "adam"}, 200, {}),
    "patients:new": ("GET", {"alice", "bob", "charlie", "ivy", "adam"}, 200, {}),
    "patients:chart": ("GET", FULL_CHART | {"ivy"}, 200, {}),  # ivy: the restricted header
    "patients:edit": ("GET", FULL_CHART, 200, {}),
    "patients:break_glass": (
        "POST",
        FULL_CHART | {"ivy"},
        302,
        {"reason": "Patient in crisis at the front desk."},
    ),
    "patients:contact_new": ("GET", FULL_CHART, 200, {}),
    "patients:contact_edit": ("GET", FULL_CHART, 200, {}),
    "patients:contact_remove": ("POST", FULL_CHART, 302, {}),
    "patients:episode_new": ("GET", FULL_CHART, 200, {}),
    "patients:episode_transition": ("GET", FULL_CHART, 200, {}),
    "patients:care_team_add": ("POST", FULL_CHART, 302, {"role": "peer"}),
    "patients:care_team_remove": ("POST", FULL_CHART, 302, {}),
    "audit:list": ("GET", {"charlie", "adam"}, 200, {}),
    "plans:worklist": ("GET", {"alice", "bob", "charlie", "adam"}, 200, {}),
    "plans:detail": ("GET", FULL_CHART, 200, {}),
    "plans:edit": ("GET", {"alice", "charlie"}, 200, {}),
    "plans:compare": ("GET", FULL_CHART, 200, {}),
    "plans:review": ("GET", {"alice", "charlie"}, 200, {}),
    "plans:version": ("GET", FULL_CHART, 200, {}),
    "plans:sign": ("POST", FULL_CHART, 302, {}),  # refused in plain words unless the author
    "plans:cosign": ("POST", FULL_CHART, 302, {}),
    "plans:patient_sign": ("GET", {"alice", "charlie"}, 200, {}),
    "plans:print": ("GET", FULL_CHART, 200, {}),
    "plans:pdf": ("GET", FULL_CHART, 200, {}),
}


def url_patterns() -> dict[str, URLPattern]:
    found = {}
    for module in (
        trellis.core.urls,
        trellis.patients.urls,
        trellis.audit.urls,
        trellis.plans.urls,
    ):
        prefix = f"{module.app_name}:" if hasattr(module, "app_name") else ""
        for pattern in module.urlpatterns:
            assert isinstance(pattern, URLPattern)
            found[prefix + str(pattern.name)] = pattern
    return found


def _signed_plan_version(cast):
    from trellis.plans import services
    from trellis.plans.tests.conftest import content

    version = services.plan_version_save(
        actor=cast.alice,
        episode=cast.erin_episode,
        content=content(),
        reason="Initial",
        based_on=None,
    )
    services.plan_sign(actor=cast.alice, version=version)
    return version


def url_for(cast, name: str) -> str:
    """The URL with real object ids from the cast, for the kwargs the pattern takes."""
    member = f.CareTeamMemberFactory(
        episode=cast.erin_episode, user=cast.ivy, role=CareTeamRole.CASE_MANAGER
    )
    ids = {
        "version_id": _signed_plan_version(cast).public_id,
        "public_id": cast.erin_record.public_id,
        "contact_id": cast.frank_contact.public_id,
        "episode_id": cast.erin_episode.public_id,
        "member_id": member.public_id,
        "name": "place_on_hold",
    }
    converters = url_patterns()[name].pattern.converters
    return reverse(name, kwargs={key: ids[key] for key in converters})


def test_every_url_is_in_the_table():
    assert set(url_patterns()) == set(SPEC)


CASES = [(name, who) for name in SPEC for who in CAST_USERS]


@pytest.mark.parametrize(("name", "who"), CASES)
def test_url_answers_allowed_roles_and_404s_the_rest(cast, login, name, who):
    method, allowed, success, data = SPEC[name]
    if name == "patients:care_team_add":
        data = {**data, "user": str(cast.charlie.pk)}
    client = login(cast.user(who))
    url = url_for(cast, name)

    response = client.post(url, data) if method == "POST" else client.get(url)

    assert response.status_code == (success if who in allowed else 404)


@pytest.mark.parametrize("name", [n for n, spec in SPEC.items() if spec[0] == "POST"])
@pytest.mark.parametrize("who", ["alice", "dana"])
def test_post_only_endpoints_refuse_get(cast, login, name, who):
    if name == "set_language":
        pytest.skip("Django's set_language answers GET with a redirect by design")
    response = login(cast.user(who)).get(url_for(cast, name))
    assert response.status_code == 405


@pytest.mark.parametrize("name", [n for n in SPEC if n != "healthz"])
def test_signed_out_visitors_are_sent_to_sign_in(cast, client, name):
    method = SPEC[name][0]
    url = url_for(cast, name)
    response = client.post(url) if method == "POST" else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_healthz_answers_signed_out(client, db):
    assert client.get(reverse("healthz")).content == b"ok"
