"""Pages: permissions (404 out of scope), the editor keeps input, compare, worklist, print."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from trellis.audit.models import AuditEvent
from trellis.core.durations import hours_minutes
from trellis.core.tests import factories as f
from trellis.plans import editor, services
from trellis.plans.models import PlanVersion

from .conftest import content


def post_data(c, reason="Initial plan", based_on=""):
    data = {
        "reason": reason,
        "based_on": based_on,
        "strengths": c["strengths"],
        "discharge_criteria": c["discharge_criteria"],
        "days_per_week": c["days_per_week"],
        "max_day_minutes": c["max_day_minutes"],
    }
    rows = editor.rows_from_content(c)
    for section, _cls, _ps, _pf, fields in editor.SECTIONS:
        data[f"{section}-TOTAL_FORMS"] = len(rows[section])
        data[f"{section}-INITIAL_FORMS"] = len(rows[section])
        for i, row in enumerate(rows[section]):
            for name in fields:
                value = row.get(name)
                data[f"{section}-{i}-{name}"] = "" if value is None else value
    return data


def test_out_of_scope_users_get_404(cast, login, signed_plan):
    urls = [
        reverse("plans:detail", args=[cast.erin_record.public_id]),
        reverse("plans:edit", args=[cast.erin_record.public_id]),
        reverse("plans:version", args=[cast.erin_record.public_id, signed_plan.public_id]),
        reverse("plans:pdf", args=[cast.erin_record.public_id, signed_plan.public_id]),
        reverse("plans:compare", args=[cast.erin_record.public_id]),
        reverse("plans:review", args=[cast.erin_record.public_id]),
    ]
    for who in ("bob", "dana", "erin", "frank"):
        client = login(cast.user(who))
        for url in urls:
            assert client.get(url).status_code == 404, (who, url)
    # alice does not treat olive: her plan is out of scope even at the same site
    assert (
        login(cast.alice).get(reverse("plans:detail", args=[cast.olive.public_id])).status_code
        == 404
    )
    # a sign request for a version of another patient's plan is a 404 too
    assert (
        login(cast.bob)
        .post(reverse("plans:sign", args=[cast.erin_record.public_id, signed_plan.public_id]))
        .status_code
        == 404
    )
    assert login(cast.dana).get(reverse("plans:worklist")).status_code == 404


def test_editor_saves_a_version_with_library_defaults(cast, login):
    c = content()
    c["interventions"][1]["per_week"] = None  # blank: the library default
    c["interventions"][1]["minutes"] = None
    r = login(cast.alice).post(
        reverse("plans:edit", args=[cast.erin_record.public_id]), post_data(c)
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    v = PlanVersion.objects.get()
    assert v.reason == "Initial plan"
    assert v.content["problems"][0]["diagnoses"] == ["F10.20"]
    rp = v.content["interventions"][1]
    assert (rp["code"], rp["per_week"], rp["minutes"], rp["group_type"]) == (
        "group-rp",
        1,
        90,
        "rp",
    )
    assert v.requirement is not None
    assert v.requirement["groups"] == {"process-sud": 2, "rp": 1}
    assert AuditEvent.objects.filter(action="plan.version").count() == 1


def test_editor_keeps_what_was_typed_on_errors(cast, login):
    c = content()
    data = post_data(c, reason="")
    data["problems-0-statement"] = "Drinks to sleep after night shifts"
    data["objectives-0-target_date"] = "not a date"
    r = login(cast.alice).post(reverse("plans:edit", args=[cast.erin_record.public_id]), data)
    assert r.status_code == 200
    html = r.content.decode()
    assert "Drinks to sleep after night shifts" in html
    assert "not a date" in html
    assert "Enter a valid date" in html
    assert PlanVersion.objects.count() == 0


def test_add_a_row_keeps_input_and_adds_an_empty_row(cast, login):
    data = post_data(content())
    data["problems-0-statement"] = "Typed but not saved"
    data["add"] = "goals"
    r = login(cast.alice).post(reverse("plans:edit", args=[cast.erin_record.public_id]), data)
    html = r.content.decode()
    assert "Typed but not saved" in html
    assert 'name="goals-TOTAL_FORMS" value="2"' in html
    assert PlanVersion.objects.count() == 0


def test_stale_editor_message_keeps_input(cast, login, signed_plan):
    services.plan_version_save(
        actor=cast.alice,
        episode=cast.erin_episode,
        content=content(strengths="newer"),
        reason="x",
        based_on=signed_plan,
    )
    data = post_data(content(strengths="Mine, typed"), reason="Mine", based_on="1")
    r = login(cast.alice).post(reverse("plans:edit", args=[cast.erin_record.public_id]), data)
    html = r.content.decode()
    assert r.status_code == 200
    assert "while you were editing" in html
    assert "Mine, typed" in html


def test_first_edit_is_drafted_from_the_assessment(cast, login):
    from trellis.assessments.models import InstrumentResponse

    InstrumentResponse.objects.create(
        patient=cast.erin_record,
        instrument="audit",
        answers={},
        total=17,
        band="harmful",
        source="clinician",
    )
    r = login(cast.alice).get(reverse("plans:edit", args=[cast.erin_record.public_id]))
    html = r.content.decode()
    assert "Alcohol use causing harm" in html
    assert "AUDIT harmful" in html
    assert PlanVersion.objects.count() == 0  # nothing saved until the clinician saves


def test_compare_shows_added_removed_and_changed(cast, login, signed_plan):
    c = content()
    c["interventions"] = [c["interventions"][0]]
    c["objectives"][0]["measure"] = "Names 5 coping skills"
    c["problems"].append({"key": "P2", "statement": "Insomnia", "findings": "", "diagnoses": []})
    c["goals"].append(
        {"key": "G2", "problem": "P2", "patient_words": "Sleep", "clinical": "Sleep 7 hours"}
    )
    c["objectives"].append(
        {
            "key": "O2",
            "goal": "G2",
            "text": "Sleep log",
            "measure": "7 nights logged",
            "target_date": "2030-02-01",
        }
    )
    c["interventions"].append({**content()["interventions"][1], "key": "I3", "objective": "O2"})
    services.plan_version_save(
        actor=cast.alice,
        episode=cast.erin_episode,
        content=c,
        reason="Review",
        based_on=signed_plan,
    )
    r = login(cast.alice).get(
        reverse("plans:compare", args=[cast.erin_record.public_id]) + "?a=1&b=2"
    )
    html = r.content.decode()
    assert "Insomnia" in html
    assert "diff-added" in html
    assert "diff-removed" in html
    assert "diff-changed" in html
    assert "<del>Names 3 coping skills</del>" in html
    assert "<ins>Names 5 coping skills</ins>" in html
    assert html.count(" a week</p>") == 2  # each version's weekly time, as "h min"


def test_sign_and_patient_signature_pages(cast, login):
    v1 = services.plan_version_save(
        actor=cast.alice,
        episode=cast.erin_episode,
        content=content(),
        reason="Initial",
        based_on=None,
    )
    client = login(cast.alice)
    r = client.post(reverse("plans:sign", args=[cast.erin_record.public_id, v1.public_id]))
    assert r.status_code == 302
    url = reverse("plans:patient_sign", args=[cast.erin_record.public_id, v1.public_id])
    r = client.post(url, {"signed_on": "", "note": "kept note"})
    assert r.status_code == 200
    assert "kept note" in r.content.decode()
    r = client.post(url, {"signed_on": timezone.localdate().isoformat(), "attest": "on"})
    assert r.status_code == 302
    page = client.get(reverse("plans:version", args=[cast.erin_record.public_id, v1.public_id]))
    assert "witnessed by Alice Archer" in page.content.decode()


def test_review_form_keeps_input(cast, login, signed_plan):
    url = reverse("plans:review", args=[cast.erin_record.public_id])
    r = login(cast.alice).post(
        url,
        {
            "reviewed_on": timezone.localdate().isoformat(),
            "decision": "continue",
            "summary": "Kept summary",
        },
    )
    assert r.status_code == 200
    assert "Kept summary" in r.content.decode()
    r = login(cast.alice).post(
        url,
        {
            "reviewed_on": timezone.localdate().isoformat(),
            "decision": "adjust",
            "summary": "More groups",
            "status_O1": "not_progressing",
            "note_O1": "",
        },
    )
    assert r.status_code == 302


def test_worklist_puts_overdue_first(cast, login, signed_plan):
    # a second patient of alice's, admitted 53 days ago with no plan: 46 days overdue;
    # erin's signed plan is due for review in 30 days.
    p = f.PatientFactory(site=cast.site_a, last_name="Zimmer")
    ep = f.EpisodeFactory(patient=p, track=cast.track_a, primary_clinician=cast.alice)
    f.CareTeamMemberFactory(episode=ep, user=cast.alice, role="primary")
    r = login(cast.alice).get(reverse("plans:worklist"))
    items = r.context["items"]
    assert [i.episode.patient for i in items] == [p, cast.erin_record]
    assert items[0].status == "no_plan"
    assert items[0].days_overdue == 46
    assert items[1].status == "signed"
    assert items[1].due.on == timezone.localdate() + datetime.timedelta(days=30)
    assert "46 days overdue" in r.content.decode()
    director = login(cast.charlie).get(reverse("plans:worklist")).context["items"]
    assert {i.episode.patient for i in director} == {cast.erin_record, cast.olive, p}


def test_pdf_download(cast, login, signed_plan):
    r = login(cast.charlie).get(
        reverse("plans:pdf", args=[cast.erin_record.public_id, signed_plan.public_id])
    )
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="export", patient=cast.erin_record).exists()


@pytest.mark.parametrize("who", ["alice", "charlie"])
def test_chart_shows_the_plan(cast, login, signed_plan, who):
    html = (
        login(cast.user(who))
        .get(reverse("patients:chart", args=[cast.erin_record.public_id]))
        .content.decode()
    )
    assert "Version 1 in effect" in html
    minutes = signed_plan.weekly_minutes
    assert f"{hours_minutes(minutes)} a week" in html
    assert f"{minutes / 60:.1f} hours" not in html


def test_home_lists_plans_due(cast, login):
    html = login(cast.charlie).get(reverse("home")).content.decode()
    assert "Treatment plans due" in html
    assert "Olive" in html
    assert "first plan" in html
