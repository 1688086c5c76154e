from django.urls import reverse


def test_pages_render(cast, login, signed_plan):
    c = login(cast.alice)
    pid = cast.erin_record.public_id
    vid = signed_plan.public_id
    for url in [
        reverse("plans:worklist"),
        reverse("plans:detail", args=[pid]),
        reverse("plans:edit", args=[pid]),
        reverse("plans:edit", args=[pid]) + "?draft=assessment",
        reverse("plans:compare", args=[pid]),
        reverse("plans:review", args=[pid]),
        reverse("plans:version", args=[pid, vid]),
        reverse("plans:patient_sign", args=[pid, vid]),
        reverse("plans:print", args=[pid, vid]),
        reverse("plans:pdf", args=[pid, vid]),
        reverse("patients:chart", args=[pid]),
        reverse("home"),
    ]:
        r = c.get(url)
        assert r.status_code == 200, url
