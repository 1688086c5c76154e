from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def trellis(request: HttpRequest) -> dict[str, Any]:
    role = getattr(request.user, "role", None)
    return {
        "NAV": {
            "patients": role in ("administrator", "director", "clinician", "intake"),
            "intake": role in ("administrator", "director", "clinician", "intake"),
            "schedule": role in ("administrator", "director", "clinician", "intake"),
            "audit": role in ("administrator", "director"),
            "plans": role in ("administrator", "director", "clinician"),
            "admin": role == "administrator",
        },
        "ORGANIZATION_NAME": settings.TRELLIS["ORGANIZATION_NAME"],
        "SESSION_IDLE_SECONDS": settings.SESSION_IDLE_TIMEOUT_MINUTES * 60,
    }
