from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.utils.formats import date_format

register = template.Library()


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.filter
def treatment_week(episode: Any, today: Any) -> int | None:
    """Week of treatment (1-based) of an open, admitted episode."""
    return episode.week_of_treatment(today)


@register.filter
def group_counts(groups: dict[str, int] | None) -> list[tuple[str, int]]:
    """A requirement's ``{group-type code: sessions}`` as ``(group name, sessions)`` pairs.

    One query; a code no longer in the catalogue is shown as the code."""
    if not groups:
        return []
    from trellis.scheduling.models import GroupType

    names = dict(GroupType.objects.filter(code__in=list(groups)).values_list("code", "name"))
    return [(names.get(code, code), n) for code, n in groups.items()]


@register.filter
def flag_label(flag: str) -> str:
    """A questionnaire flag slug (``suicide_risk``) in words (``Suicide risk``)."""
    return str(flag).replace("_", " ").replace("-", " ").capitalize()


@register.filter
def iso_date(value: Any) -> Any:
    """An ISO date string kept in stored JSON (a plan's target date) as a person reads it,
    in the ``DATE_FORMAT`` of the current language; anything else is shown unchanged."""
    if isinstance(value, datetime.date):
        return date_format(value)
    try:
        return date_format(datetime.date.fromisoformat(str(value)))
    except ValueError:
        return value


@register.filter(name="hours_minutes")
def hours_minutes_filter(minutes: Any) -> str:
    """Minutes as "2 h 30 min" (``trellis.core.durations.hours_minutes``); anything that is not
    a number is shown unchanged."""
    from trellis.core.durations import hours_minutes

    try:
        return hours_minutes(float(minutes))
    except (TypeError, ValueError):
        return str(minutes)


@register.filter
def webcal(url: str) -> str:
    """A feed's https:// link as webcal://, which calendar apps open as a subscription."""
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            return "webcal://" + url[len(scheme) :]
    return url
