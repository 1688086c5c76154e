"""Reads of organization data, scoped to the acting user."""

from __future__ import annotations

from django.db.models import QuerySet

from trellis.accounts.models import Role, User

from .models import Site, Track


def sites_of(user: User) -> QuerySet[Site]:
    """The sites a staff member works at. Administrators work at every site."""
    if not user.is_authenticated or not user.is_staff_member:
        return Site.objects.none()
    if user.role == Role.ADMINISTRATOR:
        return Site.objects.all()
    return sites_worked_at(user)


def sites_worked_at(person: User) -> QuerySet[Site]:
    """The sites on a staff member's profile, whatever their role (for a clinician: where they
    facilitate and see patients)."""
    return Site.objects.filter(staff__user=person)


def tracks_visible_to(user: User) -> QuerySet[Track]:
    return Track.objects.filter(site__in=sites_of(user)).select_related("site", "level_of_care")
