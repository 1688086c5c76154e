"""Who may find which patient, and how much of the chart they may open."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from trellis.accounts.models import Role
from trellis.core.tests import factories as f
from trellis.patients.models import BreakGlassGrant, CareTeamRole, EpisodeStatus
from trellis.patients.selectors import (
    ChartAccess,
    PatientListFilters,
    caseload_of,
    chart_access,
    linked_patients_of,
    patient_for_chart,
    patient_for_write,
    patient_list,
    patients_visible_to,
)

FULL, RESTRICTED = ChartAccess.FULL, ChartAccess.RESTRICTED


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("alice", {"erin_record", "olive"}),
        ("bob", {"bea"}),
        ("charlie", {"erin_record", "olive"}),
        ("ivy", {"erin_record", "olive"}),
        ("adam", {"erin_record", "olive", "bea"}),
        ("dana", set()),
        ("erin", set()),
        ("frank", set()),
    ],
)
def test_patients_visible_to(cast, who, expected):
    names = {"erin_record": cast.erin_record, "olive": cast.olive, "bea": cast.bea}
    visible = set(patients_visible_to(cast.user(who)))
    assert visible == {names[n] for n in expected}


def test_anonymous_sees_no_patients(cast):
    assert not patients_visible_to(AnonymousUser()).exists()  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("who", "erin_record", "olive", "bea"),
    [
        ("alice", FULL, RESTRICTED, None),
        ("bob", None, None, FULL),
        ("charlie", FULL, FULL, None),
        ("adam", FULL, FULL, FULL),
        ("ivy", RESTRICTED, RESTRICTED, None),  # past admission: intake sees the header only
        ("dana", None, None, None),
        ("erin", None, None, None),
        ("frank", None, None, None),
    ],
)
def test_chart_access_matrix(cast, who, erin_record, olive, bea):
    user = cast.user(who)
    assert chart_access(user, cast.erin_record) is erin_record
    assert chart_access(user, cast.olive) is olive
    assert chart_access(user, cast.bea) is bea


def test_intake_opens_the_full_chart_until_treatment_starts(cast):
    patient = f.PatientFactory(site=cast.site_a)
    episode = f.EpisodeFactory(patient=patient, track=cast.track_a, status=EpisodeStatus.SCREENING)
    assert chart_access(cast.ivy, patient) is FULL
    episode.status = EpisodeStatus.ACTIVE
    episode.save()
    assert chart_access(cast.ivy, patient) is RESTRICTED


def test_a_removed_care_team_member_loses_the_full_chart(cast):
    member = f.CareTeamMemberFactory(episode=cast.olive_episode, user=cast.alice)
    assert chart_access(cast.alice, cast.olive) is FULL
    member.removed_on = f.today()
    member.save()
    assert chart_access(cast.alice, cast.olive) is RESTRICTED


def test_a_supervisor_sees_the_patients_of_their_supervisees(cast):
    gail = f.UserFactory(role=Role.CLINICIAN, sites=[cast.site_a])
    gail.staff_profile.supervisor = cast.alice
    gail.staff_profile.save()
    f.CareTeamMemberFactory(episode=cast.olive_episode, user=gail, role=CareTeamRole.THERAPIST)
    assert chart_access(cast.alice, cast.olive) is FULL


@pytest.mark.parametrize(
    ("days", "expected"), [(-27, FULL), (27, FULL), (-30, RESTRICTED), (30, RESTRICTED)]
)
def test_group_facilitators_see_their_group_members_within_four_weeks(cast, days, expected):
    session = f.GroupSessionFactory(
        site=cast.site_a, date=f.today() + datetime.timedelta(days=days), facilitators=[cast.alice]
    )
    f.GroupSessionPatientFactory(session=session, episode=cast.olive_episode)
    assert chart_access(cast.alice, cast.olive) is expected


def test_break_glass_grants_full_access_until_it_expires(cast):
    grant = BreakGlassGrant.objects.create(
        user=cast.alice,
        patient=cast.olive,
        reason="Crisis call.",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    assert chart_access(cast.alice, cast.olive) is FULL
    assert chart_access(cast.charlie, cast.bea) is None  # a grant is personal and per patient
    grant.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    grant.save()
    assert chart_access(cast.alice, cast.olive) is RESTRICTED


def test_patient_for_chart_and_for_write_answer_404_out_of_scope(cast):
    assert patient_for_chart(cast.alice, cast.olive.public_id) == (cast.olive, RESTRICTED)
    with pytest.raises(Http404):
        patient_for_write(cast.alice, cast.olive.public_id)
    with pytest.raises(Http404):
        patient_for_chart(cast.alice, cast.bea.public_id)
    assert patient_for_write(cast.alice, cast.erin_record.public_id) == cast.erin_record


def test_caseload_is_the_clinicians_treated_patients(cast):
    assert list(caseload_of(cast.alice)) == [cast.erin_record]
    assert list(caseload_of(cast.bob)) == [cast.bea]
    assert not caseload_of(cast.charlie).exists()


def test_linked_patients(cast):
    assert list(linked_patients_of(cast.erin)) == [cast.erin_record]
    assert list(linked_patients_of(cast.frank)) == [cast.erin_record]
    assert not linked_patients_of(cast.alice).exists()
    cast.frank_contact.active = False
    cast.frank_contact.save()
    assert not linked_patients_of(cast.frank).exists()


# --- the patient list: search and filters ---------------------------------------------------


@pytest.fixture
def roster(cast):
    """Three more site-A patients beside erin and olive, in different states."""
    gail = f.UserFactory(username="gail", role=Role.CLINICIAN, sites=[cast.site_a])
    evening = f.TrackFactory(site=cast.site_a, name="North MH evening")
    maria = f.PatientFactory(
        first_name="Maria",
        last_name="Lopez",
        preferred_name="Mimi",
        site=cast.site_a,
        mrn="T100777",
    )
    f.EpisodeFactory(
        patient=maria, track=evening, status=EpisodeStatus.ON_HOLD, primary_clinician=gail
    )
    mario = f.PatientFactory(first_name="Mario", last_name="Lopez", site=cast.site_a, mrn="T100778")
    f.EpisodeFactory(
        patient=mario,
        track=evening,
        status=EpisodeStatus.DISCHARGED,
        primary_clinician=gail,
        discharged_on=f.days_ago(1),
    )
    nobody = f.PatientFactory(first_name="Noel", last_name="Lopez-Ward", site=cast.site_a)
    return {"gail": gail, "evening": evening, "maria": maria, "mario": mario, "noel": nobody}


def names(qs) -> list[str]:
    return [p.first_name for p in qs]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("lopez", ["Maria", "Mario", "Noel"]),
        ("mari", ["Maria", "Mario"]),
        ("mimi", ["Maria"]),  # preferred name
        ("Lopez Mario", ["Mario"]),  # every word must match
        ("t100777", ["Maria"]),  # MRN, any case
        ("T10077", []),  # MRN matches exactly, not by prefix
        ("Lowe", []),  # bea is at site B
        ("", ["Maria", "Mario", "Noel", "Erin", "Olive"]),
    ],
)
def test_search_by_name_preferred_name_and_mrn(cast, roster, q, expected):
    assert names(patient_list(cast.alice, PatientListFilters(q=q))) == expected


def test_filter_by_track_shows_open_episodes_only(cast, roster):
    found = patient_list(cast.charlie, PatientListFilters(track=roster["evening"].public_id))
    assert names(found) == ["Maria"]


def test_filter_by_status(cast, roster):
    found = patient_list(cast.charlie, PatientListFilters(status=EpisodeStatus.DISCHARGED))
    assert names(found) == ["Mario"]
    found = patient_list(cast.charlie, PatientListFilters(status=EpisodeStatus.ACTIVE))
    assert names(found) == ["Erin", "Olive"]


def test_filter_by_primary_clinician(cast, roster):
    assert names(
        patient_list(cast.charlie, PatientListFilters(clinician=cast.alice.public_id))
    ) == ["Erin"]
    assert names(
        patient_list(cast.charlie, PatientListFilters(clinician=roster["gail"].public_id))
    ) == ["Maria"]


def test_only_my_patients(cast, roster):
    assert names(patient_list(cast.alice, PatientListFilters(mine=True))) == ["Erin"]


def test_each_listed_patient_carries_its_episodes_newest_first(cast, roster):
    old = f.EpisodeFactory(
        patient=cast.olive,
        track=cast.track_a,
        status=EpisodeStatus.DISCHARGED,
        referred_on=f.days_ago(400),
        discharged_on=f.days_ago(300),
    )
    olive = next(p for p in patient_list(cast.charlie, PatientListFilters()) if p == cast.olive)
    assert olive.episode_list == [cast.olive_episode, old]  # type: ignore[attr-defined]


def test_a_patient_with_two_matching_episodes_is_listed_once(cast):
    f.EpisodeFactory(
        patient=cast.olive,
        track=cast.track_a,
        status=EpisodeStatus.DISCHARGED,
        referred_on=f.days_ago(400),
        discharged_on=f.days_ago(300),
    )
    found = patient_list(cast.charlie, PatientListFilters(track=cast.track_a.public_id))
    assert names(found) == ["Erin", "Olive"]
    found = patient_list(cast.charlie, PatientListFilters(q="Olive"))
    assert names(found) == ["Olive"]
