"""``manage.py seed_demo --seed N``: load the synthetic demo program."""

from __future__ import annotations

import datetime
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection
from django.utils import timezone

from trellis.core.demo.builder import DEMO_PASSWORD, DemoBuilder
from trellis.patients.models import Patient

# The reference data data-migrations load, as (migration module, its forward function). `flush`
# (--reset) empties every table, so these are loaded again after it; a test checks that every
# table a fresh `migrate` fills is full again after --reset.
REFERENCE_DATA = [
    ("trellis.organization.migrations.0002_levels_of_care_asam3", "add_levels"),
    ("trellis.plans.migrations.0002_intervention_library", "seed"),
    ("trellis.scheduling.migrations.0002_group_catalogue", "add_catalogue"),
]


class Command(BaseCommand):
    help = "Load a realistic, entirely synthetic IOP: 2 sites, 5 tracks, ~80 patients."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Build the program as of this date (YYYY-MM-DD; default: today).",
        )
        parser.add_argument(
            "--reset", action="store_true", help="Erase every record first (SQLite only)."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing, successfully, when the database already holds patients.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        populated = Patient.objects.exists()
        if populated and options["if_empty"]:
            self.stdout.write("Demo data is already loaded; leaving it as it is.")
            self._print_logins_hint()
            return
        if populated and not options["reset"]:
            raise CommandError(
                "This database already holds patients, so demo data was not added. "
                "Run with --reset to erase everything and load the demo afresh."
            )
        if options["reset"]:
            self._reset()
        today = options["today"] or timezone.localdate()
        builder = DemoBuilder(
            seed=options["seed"], today=today, progress=lambda line: self.stdout.write(line)
        )
        result = builder.build()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo program loaded: {result.patients} patients, {result.staff} staff, "
                f"{result.sessions} group sessions, {result.appointments} individual sessions."
            )
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in result.logins:
            self.stdout.write(f"  {login.username:<12} {login.description or login.role}")

    def _print_logins_hint(self) -> None:
        self.stdout.write(
            "Demo logins: admin, director, clinician, clinician.b, elise.m, intake, billing, "
            f"patient, family — password {DEMO_PASSWORD}"
        )

    def _reset(self) -> None:
        if connection.vendor != "sqlite":
            raise CommandError(
                "--reset erases the audit trail, which is append-only on PostgreSQL. "
                "Create a fresh database instead."
            )
        self.stdout.write("Erasing every record (--reset)…")
        try:
            call_command("flush", interactive=False, verbosity=0)
        except DatabaseError as exc:  # pragma: no cover - defensive
            raise CommandError(f"Could not erase the database: {exc}") from exc
        # flush also empties the reference data that migrations load; load it again.
        for module, function in REFERENCE_DATA:
            getattr(import_module(module), function)(apps, None)
