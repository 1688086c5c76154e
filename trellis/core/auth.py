"""The acting user of a request, typed."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from trellis.accounts.models import User


def acting_user(request: HttpRequest) -> User:
    """The signed-in user. Views behind ``LoginRequiredMiddleware`` always have one."""
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user
