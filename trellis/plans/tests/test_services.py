"""Versions, locks, signatures and co-signatures, reviews, the scheduling contract, audit."""

import datetime

import pytest
from django.utils import timezone

from trellis.accounts.models import LicenseStatus, Role
from trellis.audit.models import AuditEvent
from trellis.core.errors import NotPermitted, ValidationFailed
from trellis.core.tests import factories as f
from trellis.patients.models import CareTeamRole
from trellis.plans import selectors, services
from trellis.plans.models import ImmutablePlanRecord, PlanSignature, PlanVersion, SignatureRole

from .conftest import content


def save(cast, actor=None, based_on=None, reason="Initial plan", **over):
    return services.plan_version_save(
        actor=actor or cast.alice,
        episode=cast.erin_episode,
        content=content(**over),
        reason=reason,
        based_on=based_on,
    )


def test_every_save_is_a_new_version_and_never_mutates_the_earlier_one(cast):
    v1 = save(cast)
    before = PlanVersion.objects.values().get(pk=v1.pk)
    v2 = save(cast, based_on=v1, reason="Added a strength", strengths="Motivated; employed")
    assert (v1.number, v2.number) == (1, 2)
    assert v2.based_on == v1
    assert PlanVersion.objects.values().get(pk=v1.pk) == before
    assert PlanVersion.objects.get(pk=v1.pk).content["strengths"] == "Motivated"


def test_saved_versions_refuse_edits_and_deletion(cast, signed_plan):
    signed_plan.content = content(strengths="tampered")
    with pytest.raises(ImmutablePlanRecord):
        signed_plan.save()
    with pytest.raises(ImmutablePlanRecord):
        signed_plan.delete()
    signature = signed_plan.signatures.get()
    with pytest.raises(ImmutablePlanRecord):
        signature.save()
    assert PlanVersion.objects.get(pk=signed_plan.pk).content["strengths"] == "Motivated"


def test_locked_version_cannot_be_signed_again_and_old_versions_cannot_be_signed(cast, signed_plan):
    with pytest.raises(ValidationFailed, match="already signed"):
        services.plan_sign(actor=cast.alice, version=signed_plan)
    v2 = save(cast, based_on=signed_plan, reason="Step down", days_per_week=2)
    v3 = save(cast, based_on=v2, reason="Typo", strengths="Motivated!")
    with pytest.raises(ValidationFailed, match="replaced by version 3"):
        services.plan_sign(actor=cast.alice, version=v2)
    services.plan_sign(actor=cast.alice, version=v3)


def test_a_stale_editor_cannot_overwrite_a_newer_version(cast):
    v1 = save(cast)
    save(cast, based_on=v1, reason="Second", strengths="A")
    with pytest.raises(services.StaleVersion, match="version 2"):
        save(cast, based_on=v1, reason="Third", strengths="B")
    assert PlanVersion.objects.count() == 2


def test_save_needs_a_reason_a_change_and_a_sound_structure(cast):
    with pytest.raises(ValidationFailed, match="reason"):
        save(cast, reason="  ")
    with pytest.raises(ValidationFailed, match="at least one problem"):
        save(cast, problems=[], goals=[], objectives=[], interventions=[])
    v1 = save(cast)
    with pytest.raises(ValidationFailed, match="Nothing changed"):
        save(cast, based_on=v1, reason="again")


def test_only_clinicians_and_directors_write_plans(cast):
    with pytest.raises(NotPermitted):
        save(cast, actor=cast.ivy)


def test_only_the_author_signs(cast):
    v1 = save(cast)
    with pytest.raises(NotPermitted, match="author"):
        services.plan_sign(actor=cast.charlie, version=v1)


@pytest.fixture
def pete(cast):
    """A pre-licensed clinician at site A supervised by charlie, on erin's care team."""
    pete = f.UserFactory(username="pete", role=Role.CLINICIAN, sites=[cast.site_a])
    profile = pete.staff_profile
    profile.license_status = LicenseStatus.PRELICENSED
    profile.supervisor = cast.charlie
    profile.save()
    f.CareTeamMemberFactory(episode=cast.erin_episode, user=pete, role=CareTeamRole.THERAPIST)
    return pete


def test_prelicensed_plan_needs_the_supervisors_cosignature(cast, pete):
    v1 = save(cast, actor=pete)
    sig = services.plan_sign(actor=pete, version=v1)
    assert sig.requires_cosign
    assert sig.supervisor == cast.charlie
    assert selectors.current_signed_version(cast.erin_episode) is None
    assert selectors.weekly_requirement(cast.erin_episode) is None
    with pytest.raises(NotPermitted, match="supervisor"):
        services.plan_cosign(actor=cast.alice, version=v1)
    with pytest.raises(NotPermitted):
        services.plan_cosign(actor=pete, version=v1)
    services.plan_cosign(actor=cast.charlie, version=v1)
    assert selectors.current_signed_version(cast.erin_episode) == v1
    with pytest.raises(ValidationFailed, match="already co-signed"):
        services.plan_cosign(actor=cast.charlie, version=v1)


def test_licensed_plan_needs_no_cosignature(cast, signed_plan):
    with pytest.raises(ValidationFailed, match="does not need"):
        services.plan_cosign(actor=cast.charlie, version=signed_plan)
    assert selectors.current_signed_version(cast.erin_episode) == signed_plan


def test_prelicensed_without_supervisor_cannot_sign(cast, pete):
    v1 = save(cast, actor=pete)
    profile = pete.staff_profile
    profile.supervisor = None
    profile.save()
    pete.refresh_from_db()
    with pytest.raises(NotPermitted, match="no supervisor"):
        services.plan_sign(actor=pete, version=v1)


def test_weekly_requirement_contract_uses_the_current_signed_version(cast, signed_plan):
    req = selectors.weekly_requirement(cast.erin_episode)
    assert req == {
        "min_minutes": 450,
        "min_days": 3,
        "min_day_minutes": 150,
        "max_day_minutes": 240,
        "groups": {"process-sud": 2, "rp": 1},
        "individual": None,
        "family": None,
    }
    # An unsigned newer version changes nothing for scheduling.
    ind = {
        "key": "I3",
        "objective": "O1",
        "code": "individual-cbt",
        "name": "CBT",
        "kind": "individual",
        "group_type": "",
        "per_week": 1,
        "minutes": 60,
        "weeks": None,
        "responsible": "",
        "responsible_name": "",
        "notes": "",
    }
    v2 = save(
        cast,
        based_on=signed_plan,
        reason="Add CBT",
        interventions=[*content()["interventions"], ind],
    )
    unchanged = selectors.weekly_requirement(cast.erin_episode)
    assert unchanged is not None
    assert unchanged["individual"] is None
    services.plan_sign(actor=cast.alice, version=v2)
    req = selectors.weekly_requirement(cast.erin_episode)
    assert req is not None
    assert req["individual"] == {
        "clinician": str(cast.alice.public_id),  # the primary clinician by default
        "count": 1,
        "minutes": 60,
    }
    assert req["min_minutes"] == 510
    assert selectors.weekly_requirement(cast.bea_episode) is None


def test_level_of_care_warning_is_stored_on_the_version(cast):
    v1 = save(cast, interventions=[content()["interventions"][1]])  # 1.5 h a week
    assert any("below" in w and "minimum of 9 hours" in w for w in v1.warnings)


def test_patient_signature_is_witnessed_and_dated(cast, signed_plan):
    today = timezone.localdate()
    with pytest.raises(ValidationFailed, match="future"):
        services.plan_patient_sign(
            actor=cast.alice, version=signed_plan, signed_on=today + datetime.timedelta(days=1)
        )
    with pytest.raises(ValidationFailed, match="declined"):
        services.plan_patient_sign(
            actor=cast.alice, version=signed_plan, signed_on=today, declined=True
        )
    sig = services.plan_patient_sign(actor=cast.ivy, version=signed_plan, signed_on=today)
    assert sig.witnessed_by == cast.ivy
    assert sig.signer == cast.erin
    assert sig.role == SignatureRole.PATIENT
    with pytest.raises(ValidationFailed, match="already recorded"):
        services.plan_patient_sign(actor=cast.alice, version=signed_plan, signed_on=today)


def test_review_records_progress_on_every_objective(cast, signed_plan):
    today = timezone.localdate()
    with pytest.raises(ValidationFailed, match="missing: O1"):
        services.plan_review_record(
            actor=cast.alice,
            episode=cast.erin_episode,
            reviewed_on=today,
            progress={},
            decision="continue",
            summary="ok",
        )
    review = services.plan_review_record(
        actor=cast.alice,
        episode=cast.erin_episode,
        reviewed_on=today,
        progress={"O1": {"status": "progressing", "note": "2 of 3 skills"}},
        decision="step_down",
        summary="Doing well.",
    )
    assert review.version == signed_plan
    page = selectors.plan_summary(cast.erin_record)
    assert page.due is not None
    assert page.due.on == today + datetime.timedelta(days=30)


def test_review_needs_a_signed_plan(cast):
    save(cast)
    with pytest.raises(ValidationFailed, match="no signed plan"):
        services.plan_review_record(
            actor=cast.alice,
            episode=cast.erin_episode,
            reviewed_on=timezone.localdate(),
            progress={},
            decision="continue",
            summary="x",
        )


def test_every_write_is_audited(cast, pete):
    v1 = save(cast, actor=pete)
    services.plan_sign(actor=pete, version=v1)
    services.plan_cosign(actor=cast.charlie, version=v1)
    services.plan_patient_sign(actor=pete, version=v1, signed_on=timezone.localdate())
    services.plan_review_record(
        actor=pete,
        episode=cast.erin_episode,
        reviewed_on=timezone.localdate(),
        progress={"O1": {"status": "met", "note": ""}},
        decision="continue",
        summary="Fine",
    )
    actions = list(
        AuditEvent.objects.filter(patient=cast.erin_record)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "plan.version",
        "plan.sign",
        "plan.cosign",
        "plan.patient_sign",
        "plan.review",
    ]
    assert PlanSignature.objects.count() == 3


def test_due_dates_on_the_chart(cast):
    page = selectors.plan_summary(cast.erin_record)
    assert page.due is not None
    assert page.due.kind == "initial"
    assert page.due.on == cast.erin_episode.admitted_on + datetime.timedelta(days=7)
    assert page.overdue  # admitted 53 days ago in the factory


def test_a_group_line_longer_than_its_catalogue_session_is_warned_on_the_version(cast):
    # The catalogue's Substance use process group lasts 180 minutes; a line of 240 counts hours
    # no booked week could give.
    group = {**content()["interventions"][0], "minutes": 240}
    version = save(cast, interventions=[group, *content()["interventions"][1:]])
    assert any(
        "sessions last 180 minutes in the group catalogue; this plan counts 240" in w
        for w in version.warnings
    )
    same = save(cast, based_on=version, reason="Catalogue length")
    assert not any("group catalogue" in w for w in same.warnings)
