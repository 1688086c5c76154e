"""The admin's staff profile: availability windows of one day that overlap or touch are refused;
competencies are chosen from the scheduler's list; people are offered by name and role."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError

from trellis.accounts.admin import StaffAvailabilityInline, StaffProfileForm
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


def _profile_form(cast, **over):
    profile = cast.alice.staff_profile
    data = {
        "user": cast.alice.pk,
        "sites": [s.pk for s in profile.sites.all()],
        "credentials": "LCSW",
        "license_status": "licensed",
        "supervisor": "",
        "competencies": ["group", "sud"],
        "max_weekly_minutes": "2400",
    }
    data.update(over)
    return StaffProfileForm(data, instance=profile)


def test_competencies_are_chosen_from_the_schedulers_list(cast):
    form = _profile_form(cast)
    assert form.is_valid(), form.errors
    form.save()
    assert cast.alice.staff_profile.competencies == ["group", "sud"]
    # Not raw JSON any more: a code the scheduler does not know is refused by name.
    assert "competencies" in _profile_form(cast, competencies=["juggling"]).errors


def test_a_supervisor_is_a_licensed_clinician_named_by_name(cast):
    form = _profile_form(cast)
    offered = list(form.fields["supervisor"].queryset)
    assert cast.erin not in offered  # a patient account
    assert all(u.role == "clinician" for u in offered)
    label = form.fields["user"].label_from_instance(cast.alice)
    assert label == f"{cast.alice.display_name} ({cast.alice.username})"
    assert cast.erin not in list(form.fields["user"].queryset)


@pytest.mark.parametrize("value", [None, 5, "group", {"group": 1}])
def test_a_profile_with_competencies_that_are_not_a_list_is_refused(cast, value):
    profile = cast.alice.staff_profile
    profile.competencies = value
    with pytest.raises(ValidationError, match="a list of codes"):
        profile.clean()


def test_a_backwards_window_is_named_on_its_row_in_words(cast, rf, admin_user):
    formset = _formset(cast, rf, admin_user, [(1, "14:00", "12:00")])
    assert not formset.is_valid()
    row_errors = [str(e) for form in formset.forms for e in form.non_field_errors()]
    assert row_errors == ["This window ends before it starts."]  # not "Constraint … is violated"
