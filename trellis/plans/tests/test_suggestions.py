"""Draft suggestions from the assessment (pure rule table)."""

from trellis.plans.suggestions import Findings, suggest


def test_audit_zone_three_suggests_alcohol_problem_with_relapse_prevention():
    out = suggest(Findings(bands={"audit": "harmful"}))
    assert [s.rule for s in out] == ["alcohol"]
    assert "group-rp" in out[0].interventions
    assert out[0].because == ["AUDIT harmful"]


def test_phq9_moderate_suggests_depression_with_cbt():
    out = suggest(Findings(bands={"phq9": "moderate"}))
    assert [s.rule for s in out] == ["depression"]
    assert {"group-cbt", "individual-cbt"} <= set(out[0].interventions)
    assert out[0].measure == "PHQ-9 below 10"


def test_low_findings_suggest_nothing():
    assert suggest(Findings(bands={"audit": "low_risk", "phq9": "mild"})) == []


def test_diagnoses_and_dimensions_fire_rules_and_interventions_are_not_repeated():
    out = suggest(
        Findings(
            bands={"gad7": "severe", "phq9": "severe"},
            diagnoses=("F10.20", "f11.20"),
            dimensions={4: 3, 6: 1},
        )
    )
    rules = [s.rule for s in out]
    assert rules == ["alcohol", "drugs", "opioids-mat", "depression", "anxiety", "readiness"]
    every = [code for s in out for code in s.interventions]
    assert len(every) == len(set(every))
    assert out[2].diagnoses == ["F11.20"]
