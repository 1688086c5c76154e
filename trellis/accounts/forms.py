"""Form fields shared by the pages that edit staff and what they may lead."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import Competency


class CompetenciesField(forms.MultipleChoiceField):
    """Competencies ticked from the scheduler's list (FORMAT.md's vocabulary); none is allowed."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("choices", Competency.choices)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
