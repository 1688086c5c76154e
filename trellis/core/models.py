"""Shared model base: an internal integer key, a public UUID and timestamps."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import models


class BaseModel(models.Model):
    """Every Trellis record has a UUID public id; integer keys never appear in URLs."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def choice_labels(choices: type[models.TextChoices], codes: Iterable[str]) -> list[str]:
    """The labels people read for stored codes ("Family therapy" for "family"), in the codes'
    order; a code the choices no longer hold is shown as it is."""
    labels = dict(choices.choices)
    return [str(labels.get(code, code)) for code in codes]
