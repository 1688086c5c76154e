"""`python -m trellis.scheduling export|import`: instances and solutions between database and files.

    export SITE_CODE [SITE_CODE ...] --week YYYY-MM-DD -o INSTANCE.json
    import SOLUTION.json --instance INSTANCE.json [--weeks N] [--actor USERNAME]

`export` writes the week's instance built from the database (ids are site codes, group type
codes and public ids). `import` publishes a solution of that instance: it creates the week's
sessions and appointments for N weeks, replacing unpinned future bookings (services.
solution_publish). Bad input gives one line naming the problem and exit code 2; nothing is
written then.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from typing import Any

from .solver.cli import read_json

EXIT_INPUT = 2


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def configure(parser: argparse.ArgumentParser) -> None:
    command = parser.prog.rsplit(" ", 1)[-1]
    if command == "export":
        parser.description = (
            "Write the week's instance (trellis-week/1) built from the database: the sites' "
            "hours, rooms, clinicians, group catalogue and patients in treatment with their plans."
        )
        parser.add_argument("sites", nargs="+", metavar="SITE", help="site code(s)")
        parser.add_argument(
            "--week",
            required=True,
            help="the Monday of the week, YYYY-MM-DD (within the schedule's range: a year "
            "back, two years ahead)",
        )
        parser.add_argument("-o", "--output", required=True, help="where to write the instance")
        parser.add_argument(
            "--actor",
            default="",
            help="username recorded in the audit trail (default: none, recorded as the command "
            "line)",
        )
    else:
        parser.description = (
            "Publish a solution of an exported instance: create its sessions and appointments "
            "every week from the instance's week on, replacing unpinned bookings (not before "
            "today). Bookings that cannot be made are left out and listed."
        )
        parser.add_argument("solution", help="solution JSON (trellis-week-solution/1)")
        parser.add_argument("--instance", required=True, help="the instance it solves")
        parser.add_argument(
            "--weeks",
            type=int,
            default=None,
            help="weeks to repeat it (default: the setting SCHEDULE_PUBLISH_WEEKS, 8; at most "
            "two years)",
        )
        parser.add_argument(
            "--actor",
            default="",
            help="username recorded in the audit trail (default: none, recorded as the system)",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="publish even if the database changed since the instance was exported",
        )
    parser.set_defaults(transfer=command)


def _unchanged(instance: dict[str, Any]) -> None:
    """ValueError naming what changed in the database since the instance was exported: its
    sites' patients, clinicians, rooms, hours or catalogue (``instance_changes``). A solution
    of an older instance can book a patient at a time they no longer have, or at a site they
    left. An instance that names no known site or week is left to publishing to refuse."""
    from trellis.organization.models import Site

    from .instance_builder import build_instance
    from .services.runs import instance_changes

    codes = [s.get("id") for s in instance.get("sites") or [] if isinstance(s, dict)]
    sites = list(Site.objects.filter(code__in=[c for c in codes if isinstance(c, str)]))
    try:
        week = datetime.date.fromisoformat(str(instance.get("week_start")))
    except ValueError:
        return
    if not sites or len(sites) != len(codes):
        return
    changes = instance_changes(instance, build_instance(sites, week))
    if changes:
        raise ValueError(
            "the database changed since the instance was exported: "
            + "; ".join(changes)
            + ". Export and solve the week again, or publish anyway with --force."
        )


def _actor(username: str) -> Any:
    """The user named by ``--actor`` (None without one); ValueError for an unknown name."""
    from trellis.accounts.models import User

    if not username:
        return None
    actor = User.objects.filter(username=username).first()
    if actor is None:
        raise ValueError(f"no user {username!r}")
    return actor


def export(args: argparse.Namespace) -> int:
    from trellis.audit.models import AuditAction
    from trellis.audit.services import audit_record
    from trellis.organization.models import Site

    from . import weeks
    from .instance_builder import build_instance

    try:
        week = datetime.date.fromisoformat(args.week)
    except ValueError:
        raise ValueError(f"--week {args.week!r} is not a YYYY-MM-DD date") from None
    if week.weekday() != 0:
        raise ValueError(f"--week {args.week} is not a Monday")
    first, last = weeks.week_bounds()
    if not first <= week <= last:
        raise ValueError(f"--week {args.week} is outside {first} to {last}")
    sites = list(Site.objects.filter(code__in=args.sites))
    unknown = sorted(set(args.sites) - {s.code for s in sites})
    if unknown:
        raise ValueError(f"no site with code {unknown[0]!r}")
    actor = _actor(args.actor)
    built = build_instance(sites, week)
    try:
        with open(args.output, "w", encoding="utf-8") as handle:
            json.dump(built.instance, handle, indent=1)
            handle.write("\n")
    except OSError as error:
        raise ValueError(f"cannot write {args.output}: {error.strerror}") from None
    # The file holds every patient's hours and plan: writing it is recorded like any export.
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        summary=f"Schedule instance of the week of {week} ({', '.join(args.sites)}; "
        f"{len(built.instance['patients'])} patients) written to a file",
        actor_label="" if actor else "command line",
    )
    print(
        f"exported {len(built.instance['patients'])} patients, "
        f"{len(built.instance['clinicians'])} clinicians, {len(built.instance['rooms'])} rooms "
        f"({len(built.default_plans)} on the default requirement)",
        file=sys.stderr,
    )
    return 0


def import_(args: argparse.Namespace) -> int:
    from django.db import transaction

    from trellis.core.errors import TrellisError

    from .selectors import dropped_lines, named_refs
    from .services import solution_publish
    from .services.publishable import BookingsRefused

    instance = read_json(args.instance, "instance")
    solution = read_json(args.solution, "solution")
    actor = _actor(args.actor)
    if args.weeks is not None and args.weeks < 1:
        raise ValueError("--weeks must be at least 1")
    if not isinstance(instance, dict) or not isinstance(solution, dict):
        raise ValueError("the instance and the solution must be JSON objects")
    try:
        # The files are checked first (publishing refuses what is wrong in them), then the
        # database against the instance; a refusal there undoes the publication.
        with transaction.atomic():
            publication = solution_publish(
                actor=actor,
                instance=instance,
                solution=solution,
                weeks=args.weeks,
                source="import",
            )
            if not args.force:
                _unchanged(instance)
    except BookingsRefused as error:
        # Every wrong booking on a line of its own, so a file is mended in one pass.
        print(
            f"trellis.scheduling: the solution was not published; "
            f"{len(error.problems)} bookings are wrong:",
            file=sys.stderr,
        )
        for problem in named_refs(error.problems, None):
            print(f"  {problem}", file=sys.stderr)
        return EXIT_INPUT
    except TrellisError as error:
        raise ValueError(str(error)) from None
    print(
        f"published the week of {publication.week_start} for {publication.span}: "
        f"{publication.sessions_created} sessions, {publication.appointments_created} "
        f"appointments, {publication.bookings_replaced} replaced, "
        f"{publication.dropped_count} left out",
        file=sys.stderr,
    )
    # Patients by public id, not by name: this output may be kept in a job's log.
    for line in dropped_lines(publication, None):
        print(f"  left out: {line}")
    return 0


def run(args: argparse.Namespace) -> int:
    _setup()
    from django.db import DatabaseError

    try:
        return export(args) if args.transfer == "export" else import_(args)
    except ValueError as error:
        print(f"trellis.scheduling: {error}", file=sys.stderr)
        return EXIT_INPUT
    except DatabaseError as error:
        # A database not set up yet (no tables) is the usual case: say what to run.
        print(
            f"trellis.scheduling: the database cannot be used ({error}); "
            "is it migrated (python manage.py migrate)?",
            file=sys.stderr,
        )
        return EXIT_INPUT
