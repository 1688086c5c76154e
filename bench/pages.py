"""Time the main pages and count their queries, on the demo database.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/pages.py [--repeat 20]

Builds the demo program first when the database is empty (``seed_demo --seed 1``), then renders
each page as the role that uses it and prints median and 90th-percentile milliseconds and the
query count. Figures, not a pass/fail test: the suite asserts the query bounds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from trellis.accounts.models import User
    from trellis.patients.models import Patient

    setup_test_environment()
    call_command("migrate", verbosity=0)
    if not Patient.objects.exists():
        call_command("seed_demo", seed=1, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    chart = Patient.objects.get(mrn="T100004").public_id
    pages = [
        ("clinician", "home (today)", "/"),
        ("clinician", "patient list", "/patients/"),
        ("clinician", "patient search 'lo'", "/patients/?q=lo"),
        ("clinician", "chart", f"/patients/{chart}/"),
        ("clinician", "treatment plan", f"/plans/patients/{chart}/"),
        ("director", "home (census)", "/"),
        ("director", "audit trail", "/audit/"),
        ("director", "plan reviews worklist", "/plans/"),
        ("director", "schedule week (site)", "/schedule/"),
        ("director", "plans not met", "/schedule/unmet/"),
        ("director", "schedule staff", "/schedule/staff/"),
        ("director", "rooms and hours", "/schedule/sites/"),
        ("intake", "waitlist", "/intake/"),
        ("billing", "billing roster", "/"),
        ("patient", "portal home (My care)", "/"),
        ("patient", "portal schedule", "/portal/schedule/"),
    ]
    from trellis.scheduling.models import GroupSession, ScheduleRun

    # A patient's week and a group's roster write audit events as they are read.
    pages.append(("clinician", "schedule patient week", f"/schedule/?view=patient&key={chart}"))
    sessions = GroupSession.objects.filter(members__patient__public_id=chart)
    session = sessions.order_by("date").first()
    if session is not None:
        pages.append(("clinician", "group roster", f"/schedule/sessions/{session.public_id}/"))
    run = ScheduleRun.objects.filter(solution__isnull=False).order_by("-created_at").first()
    if run is not None:  # the run page re-checks the run against today's data (run_changes)
        pages.append(("director", "schedule run (preview)", f"/schedule/runs/{run.public_id}/"))
    print(f"{'page':<26} {'role':<10} {'status':>6} {'queries':>8} {'median ms':>10} {'p90 ms':>8}")
    for username, label, path in pages:
        client = Client()
        client.force_login(User.objects.get(username=username))
        timings = []
        status = queries = 0
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
            status, queries = response.status_code, len(ctx.captured_queries)
        timings.sort()
        p90 = timings[int(0.9 * (len(timings) - 1))]
        print(
            f"{label:<26} {username:<10} {status:>6} {queries:>8} "
            f"{statistics.median(timings):>10.1f} {p90:>8.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
