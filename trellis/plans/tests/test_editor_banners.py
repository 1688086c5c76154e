"""The editor only says the assessment suggested nothing when it actually drafted from it."""

from django.urls import reverse

from .conftest import content
from .test_views import post_data

NOTHING = "No assessment findings suggest problems"


def test_adding_a_row_to_a_first_plan_does_not_claim_no_findings(cast, login):
    data = post_data(content())
    data["add"] = "goals"
    html = (
        login(cast.alice)
        .post(reverse("plans:edit", args=[cast.erin_record.public_id]), data)
        .content.decode()
    )
    assert 'name="goals-TOTAL_FORMS" value="2"' in html
    assert NOTHING not in html


def test_errors_on_a_first_plan_do_not_claim_no_findings(cast, login):
    data = post_data(content(), reason="")
    html = (
        login(cast.alice)
        .post(reverse("plans:edit", args=[cast.erin_record.public_id]), data)
        .content.decode()
    )
    assert NOTHING not in html


def test_first_plan_without_findings_says_so(cast, login):
    html = (
        login(cast.alice)
        .get(reverse("plans:edit", args=[cast.erin_record.public_id]))
        .content.decode()
    )
    assert NOTHING in html


def test_requirement_names_groups_not_codes(cast, login, signed_plan):
    from trellis.scheduling.models import GroupType

    GroupType.objects.filter(code="process-sud").delete()
    GroupType.objects.filter(code="rp").delete()
    GroupType.objects.create(
        code="process-sud", name="Substance use process group", modality="process", minutes=180
    )
    html = (
        login(cast.alice)
        .get(reverse("plans:detail", args=[cast.erin_record.public_id]))
        .content.decode()
    )
    times = "\N{MULTIPLICATION SIGN}"
    assert f"Substance use process group {times} 2" in html
    assert f"process-sud {times} 2" not in html
    assert f"rp {times} 1" in html  # not in the catalogue: the code is all there is


def test_intervention_drop_down_is_grouped_by_category(cast, login):
    from trellis.plans.models import Intervention

    data = post_data(content(), reason="")  # re-rendered with its rows
    html = (
        login(cast.alice)
        .post(reverse("plans:edit", args=[cast.erin_record.public_id]), data)
        .content.decode()
    )
    for item in Intervention.objects.filter(active=True).order_by("category", "name")[:3]:
        label = str(item.get_category_display())
        assert f'<optgroup label="{label}">' in html
