"""The difference view's engine and the plan's structure rules (pure)."""

from trellis.plans.document import diff, structure_errors, tree

from .conftest import content


def test_diff_shows_added_removed_and_changed_items():
    old = content()
    new = content()
    new["objectives"] = [{**old["objectives"][0], "measure": "Names 5 coping skills"}]
    new["interventions"] = [
        old["interventions"][0],  # I1 unchanged; I2 removed
        {
            **old["interventions"][1],
            "key": "I3",
            "name": "Individual CBT",
            "kind": "individual",
            "group_type": "",
            "code": "individual-cbt",
            "per_week": 1,
            "minutes": 60,
        },
    ]
    new["strengths"] = "Motivated; supportive sister"
    rows = diff(old, new)
    by = {(r.section, r.key): r for r in rows}
    assert by[("objectives", "O1")].status == "changed"
    assert by[("objectives", "O1")].changes == [
        ("Measure", "Names 3 coping skills", "Names 5 coping skills")
    ]
    assert by[("interventions", "I2")].status == "removed"
    assert by[("interventions", "I3")].status == "added"
    assert ("interventions", "I1") not in by
    assert ("problems", "P1") not in by
    plan = by[("plan", "")]
    assert plan.status == "changed"
    assert ("Strengths", "Motivated", "Motivated; supportive sister") in plan.changes


def test_identical_versions_have_no_differences():
    assert diff(content(), content()) == []
    assert all(r.status == "same" for r in diff(content(), content(), include_same=True))


def test_structure_errors():
    assert structure_errors(content()) == []
    assert "A plan needs at least one problem." in structure_errors(content(problems=[]))
    orphan = content(objectives=[])
    errors = structure_errors(orphan)
    assert any("G1 needs at least one measurable objective" in e for e in errors)
    assert any("belongs to a objective that is not in the plan" in e for e in errors)


def test_tree_nests_items():
    t = tree(content())
    assert t[0]["goals"][0]["objectives"][0]["interventions"][1]["key"] == "I2"
