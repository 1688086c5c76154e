"""The group catalogue: directors add and edit the group types runs schedule."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trellis.accounts.models import User
from trellis.core.auth import acting_user
from trellis.core.errors import TrellisError

from .. import selectors, services
from ..forms import GroupTypeForm
from ..models import GroupType


# Not a chart: roles without access get 403 (there is nothing to hide about its existence).
def _catalogue_editor(request: HttpRequest) -> User:
    user = acting_user(request)
    if not selectors.can_edit_catalogue(user):
        raise PermissionDenied
    return user


def catalogue(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not selectors.can_view_catalogue(user):
        raise PermissionDenied
    context = {
        "group_types": selectors.group_types_visible_to(user),
        "can_edit": selectors.can_edit_catalogue(user),
        "can_coordinate": selectors.can_coordinate(user),
    }
    return render(request, "scheduling/catalogue.html", context)


def group_type_edit(request: HttpRequest, public_id: uuid.UUID | None = None) -> HttpResponse:
    user = _catalogue_editor(request)
    group_type = selectors.group_type_for(user, public_id) if public_id else None
    form = GroupTypeForm(request.POST or None, instance=group_type)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in services.catalogue.FIELDS}
        try:
            if group_type is None:
                saved = services.group_type_create(
                    actor=user, code=form.cleaned_data["code"], **data
                )
            else:
                saved = services.group_type_update(actor=user, group_type=group_type, **data)
        except TrellisError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": saved.name})
            if not saved.active:
                _still_booked(request, saved)
            return redirect("scheduling:catalogue")
    context = {"form": form, "group_type": group_type, "can_coordinate": True}
    return render(request, "scheduling/group_type_form.html", context)


def _still_booked(request: HttpRequest, group_type: GroupType) -> None:
    """Say how many sessions of a type no longer offered are still booked from today on."""
    ahead = selectors.sessions_booked_ahead(group_type)
    if ahead.count and ahead.last is not None:
        messages.warning(
            request,
            ngettext(
                "%(n)s session of %(name)s is still booked, to %(last)s: cancel it, or run and "
                "publish its week again.",
                "%(n)s sessions of %(name)s are still booked, to %(last)s: cancel them, or run "
                "and publish their weeks again.",
                ahead.count,
            )
            % {"n": ahead.count, "name": group_type.name, "last": date_format(ahead.last)},
        )
