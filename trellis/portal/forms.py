from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from trellis.scheduling.forms import AvailabilityForm


class MyAvailabilityForm(AvailabilityForm):
    """The staff availability form with only the patient's own windows, worded for the patient.

    Family-session windows stay with the care team (they are the family's times, not the
    patient's). At least one window is asked for: an empty list would take the patient off the
    next schedule altogether, which is a conversation with the care team, not a form.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["family"]
        field = self.fields["patient"]
        field.shown_required = True  # type: ignore[attr-defined]  # clean_patient asks for one
        field.label = _("When you can attend")
        field.help_text = _(
            "One window a line, like “Mon 17:30-21:00”. Use quarter hours (:00, :15, :30, :45)."
        )

    def clean_patient(self) -> list[tuple[int, datetime.time, datetime.time]]:
        windows = super().clean_patient()
        if not windows:
            raise forms.ValidationError(
                _(
                    "Enter at least one time you can attend. If you cannot attend at all, "
                    "please call your site."
                )
            )
        return windows
