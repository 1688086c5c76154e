"""The admin's staff availability refuses windows of one day that overlap or touch."""

from __future__ import annotations

import pytest
from django.contrib import admin

from trellis.accounts.admin import StaffAvailabilityInline
from trellis.accounts.models import StaffProfile


def _formset(cast, rf, superuser, rows):
    profile = cast.alice.staff_profile
    request = rf.post("/admin/")
    request.user = superuser  # the admin's add and change permissions
    formset_class = StaffAvailabilityInline(StaffProfile, admin.site).get_formset(
        request, obj=profile
    )
    data = {
        "availability-TOTAL_FORMS": str(len(rows)),
        "availability-INITIAL_FORMS": "0",
        "availability-MIN_NUM_FORMS": "0",
        "availability-MAX_NUM_FORMS": "1000",
    }
    for n, (weekday, start, end) in enumerate(rows):
        data.update(
            {
                f"availability-{n}-weekday": str(weekday),
                f"availability-{n}-start": start,
                f"availability-{n}-end": end,
            }
        )
    return formset_class(data, instance=profile, prefix="availability")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [(0, "09:00", "12:00"), (0, "11:00", "14:00")],
            "Monday 09:00–12:00 and 11:00–14:00 overlap; write them as one window, "
            "Monday 09:00–14:00.",
        ),
        (
            [(3, "12:00", "16:00"), (3, "16:00", "21:00")],
            "Thursday 12:00–16:00 and 16:00–21:00 touch",
        ),
        ([(1, "14:00", "12:00")], "Each window ends after it starts."),
    ],
)
def test_overlapping_touching_or_backwards_staff_windows_are_refused(
    cast, rf, admin_user, rows, message
):
    formset = _formset(cast, rf, admin_user, rows)
    assert not formset.is_valid()
    assert any(message in e for e in formset.non_form_errors())


def test_separate_staff_windows_are_accepted(cast, rf, admin_user):
    formset = _formset(
        cast, rf, admin_user, [(0, "09:00", "12:00"), (0, "12:30", "14:00"), (1, "11:00", "14:00")]
    )
    assert formset.is_valid(), formset.non_form_errors()
    formset.save()
    assert cast.alice.staff_profile.availability.count() == 3
