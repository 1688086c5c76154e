from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.filter
def treatment_week(episode: Any, today: Any) -> int | None:
    """Week of treatment (1-based) of an open, admitted episode."""
    return episode.week_of_treatment(today)
