from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from trellis.accounts.models import Role
from trellis.assessments.selectors import INTAKE_ROLES
from trellis.audit.selectors import AUDIT_ROLES
from trellis.patients.selectors import LIST_ROLES
from trellis.plans.selectors import WORKLIST_ROLES
from trellis.portal.selectors import PORTAL_ROLES
from trellis.scheduling.selectors import VIEWER_ROLES


def trellis(request: HttpRequest) -> dict[str, Any]:
    """Site-wide template values. The navigation shows a link only to the roles whose selectors
    let them in (the same role sets, so a link never leads to a 404)."""
    role = getattr(request.user, "role", None)
    return {
        "NAV": {
            "patients": role in LIST_ROLES,
            "intake": role in INTAKE_ROLES,
            "schedule": role in VIEWER_ROLES,
            "audit": role in AUDIT_ROLES,
            "plans": role in WORKLIST_ROLES,
            "admin": role == Role.ADMINISTRATOR,
            "portal": role in PORTAL_ROLES,
        },
        "ORGANIZATION_NAME": settings.TRELLIS["ORGANIZATION_NAME"],
        "SESSION_IDLE_SECONDS": settings.SESSION_IDLE_TIMEOUT_MINUTES * 60,
    }
