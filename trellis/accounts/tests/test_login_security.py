"""Signing in: audit events, lockout after repeated failures, idle logoff, deploy checks."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from trellis.audit.models import AuditAction, AuditEvent
from trellis.core.tests.factories import PASSWORD

REPO = Path(__file__).resolve().parents[3]
WRONG = "not-the-password-Zq7!"


def sign_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_signing_in_and_out_is_audited(cast, client):
    response = sign_in(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    login = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert (login.actor, login.actor_label) == (cast.alice, "alice")

    client.post(reverse("logout"))
    assert not signed_in(client)
    logout = AuditEvent.objects.get(action=AuditAction.LOGOUT)
    assert logout.actor == cast.alice


@pytest.mark.parametrize("username", ["alice", "nobody-by-that-name"])
def test_a_failed_sign_in_keeps_the_username_never_the_password(cast, client, username):
    response = sign_in(client, username, WRONG)
    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.actor is None
    assert event.actor_label == username
    stored = " ".join(
        str(v) for v in AuditEvent.objects.filter(pk=event.pk).values().get().values()
    )
    assert WRONG not in stored
    assert WRONG not in response.content.decode()


def test_four_failures_do_not_lock_the_account(cast, client):
    for _ in range(4):
        sign_in(client, "alice", WRONG)
    response = sign_in(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_five_failures_lock_the_account_even_with_the_right_password(cast, client):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(5):
        sign_in(client, "alice", WRONG)

    response = sign_in(client, "alice", PASSWORD)

    assert response.status_code == 429
    assert "registration/locked_out.html" in {t.name for t in response.templates}
    assert "Too many failed sign-ins" in response.content.decode()
    assert not signed_in(client)
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_the_lockout_is_per_username(cast, client):
    for _ in range(5):
        sign_in(client, "alice", WRONG)
    response = sign_in(client, "bob", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_a_success_resets_the_failure_count(cast, client):
    for _ in range(4):
        sign_in(client, "alice", WRONG)
    sign_in(client, "alice", PASSWORD)
    client.post(reverse("logout"))
    for _ in range(4):
        sign_in(client, "alice", WRONG)
    assert sign_in(client, "alice", PASSWORD).status_code == 302


def test_idle_sessions_end_after_15_minutes_and_every_request_renews(cast, login):
    assert settings.SESSION_IDLE_TIMEOUT_MINUTES == 15
    assert settings.SESSION_COOKIE_AGE == 15 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    client = login(cast.alice)
    response = client.get(reverse("home"))
    assert 'data-idle-seconds="900"' in response.content.decode()
    assert client.session.get_expiry_age() == 900
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value  # the session cookie is re-sent on every request


def test_pages_carry_security_headers(cast, login):
    response = login(cast.alice).get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.slow
def test_production_settings_pass_the_deploy_check():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
    }
    env.pop("DATABASE_URL", None)
    script = (
        "import django; django.setup();"
        "from django.core.management import call_command;"
        "call_command('check', '--deploy', '--fail-level', 'WARNING')"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr
