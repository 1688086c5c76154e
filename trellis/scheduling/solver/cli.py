"""`python -m trellis.scheduling SUBCOMMAND ...`: solve (pure), export and import.

Subcommands live in `SUBCOMMANDS`: name -> (module, help). A module provides
`configure(parser)` and `run(args) -> int`. `solve` is here and never imports Django; `export`
and `import` (they need Django) live in `trellis.scheduling.transfer`, imported only when one
of them is chosen.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import math
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from .errors import SchedulingError
from .solve import Progress, solve

EXIT_INPUT = 2


class Subcommand(Protocol):
    def configure(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "solve": ("trellis.scheduling.solver.cli", "solve a trellis-week/1 instance"),
    "export": ("trellis.scheduling.transfer", "export an instance from the database"),
    "import": ("trellis.scheduling.transfer", "publish a solution into the database"),
}


def read_json(path: str, what: str) -> Any:
    """The JSON file at ``path`` (``what`` names it in messages), or SchedulingError saying why
    it cannot be read. A byte-order mark is read too (editors on Windows write one). `import`
    reads its files with it as well."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return json.load(handle)
    except OSError as error:
        raise SchedulingError(f"cannot read {what} {path}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise SchedulingError(f"{what} {path} is not UTF-8 text: {error.reason}") from None
    except ValueError as error:
        raise SchedulingError(f"{what} {path} is not valid JSON: {error}") from None
    except RecursionError:
        raise SchedulingError(f"{what} {path} is nested too deeply to be read") from None


def _say(text: str) -> bool:
    """Write a line to stderr; False when nobody reads it any more (a closed pipe), which
    must not lose the solve."""
    try:
        print(text, file=sys.stderr, flush=True)
    except OSError:
        return False
    return True


def _check_output(output: str, instance: str) -> None:
    """Refuse before solving an output the command could not write, or that is the instance."""
    if os.path.isdir(output):
        raise SchedulingError(f"cannot write {output}: it is a directory")
    folder = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(folder):
        raise SchedulingError(f"cannot write {output}: no directory {folder}")
    if os.path.exists(output) and os.path.samefile(output, instance):
        raise SchedulingError(f"-o {output} is the instance itself; write the solution elsewhere")


def _same_week(instance: Any, previous: Any, path: str) -> None:
    """Refuse a previous solution that books none of the instance's patients: another
    instance's (repairing from it moved nearly everyone, with no word)."""
    if not isinstance(instance, dict) or not isinstance(previous, dict):
        return  # the parsers name what is wrong with either
    patients = {p.get("id") for p in instance.get("patients") or [] if isinstance(p, dict)}
    booked: set[Any] = set()
    for s in previous.get("sessions") or []:
        if isinstance(s, dict) and isinstance(s.get("patients"), list):
            booked.update(p for p in s["patients"] if isinstance(p, str))
    for a in previous.get("appointments") or []:
        if isinstance(a, dict) and isinstance(a.get("patient"), str):
            booked.add(a["patient"])
    names = previous.get("instance"), instance.get("name")
    # Of the same name, its patients may all have left since (a week of discharges): repair on.
    if booked and not booked & patients and names[0] != names[1]:
        raise SchedulingError(
            f"--previous {path} books none of this instance's patients: it solves another "
            f"instance ({names[0]!r}; this one is {names[1]!r})"
        )
    if all(isinstance(n, str) and n for n in names) and names[0] != names[1]:
        # Last week's solution of a week exported under another name is usual; say it anyway.
        _say(f"trellis.scheduling: note: --previous solves {names[0]!r}, this is {names[1]!r}")


def _write(output: str, solution: dict[str, Any]) -> None:
    """Write the solution whole or not at all: to a file beside it, then renamed over it, so
    a full disk or a size limit leaves an earlier file as it was. A link is written through
    to its target; a target that is not a regular file (a pipe, /dev/stdout) is written into
    as it is. The file gets the usual permissions (the umask's), not a temporary file's."""
    text = json.dumps(solution, indent=1) + "\n"
    target = os.path.realpath(output)
    if os.path.exists(target) and not os.path.isfile(target):
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(text)
        return
    descriptor, temporary = tempfile.mkstemp(
        dir=os.path.dirname(target), prefix=".solution-", suffix=".json"
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("instance", help="instance JSON (trellis-week/1)")
    parser.add_argument("-o", "--output", required=True, help="where to write the solution JSON")
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds (default 30)")
    parser.add_argument("--previous", help="last week's solution: repair mode")
    parser.add_argument(
        "--pin",
        action="append",
        default=[],
        metavar="BOOKING_ID",
        help="a booking of --previous that must not move (repeatable)",
    )
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers (default 2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quiet", action="store_true", help="no progress lines")


class _Printer:
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.last: tuple[int, int] | None = None

    def __call__(self, p: Progress) -> None:
        if self.quiet or (p.plans_met, p.bound) == self.last:
            return
        self.last = (p.plans_met, p.bound)
        bound = f"bound {p.bound}" if p.bound_proven else "bound not computed"
        line = f"{p.seconds:7.1f}s  plans met {p.plans_met}/{p.patients}  {bound}"
        # Nobody reads the progress any more (| head): the solve goes on, silently.
        self.quiet = not _say(f"{line}  [{p.site} {p.stage}]")


def _process_age() -> float:
    """Seconds since this process started (Linux /proc; 0 where unavailable)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as uptime:
            now = float(uptime.read().split()[0])
        return max(0.0, now - ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return 0.0


EXIT_ABORTED = 130  # the shell's code for a command ended by Ctrl-C


class Aborted(Exception):
    """Ctrl-C twice: the command ends without writing a solution."""


def _interruptible(work: Callable[[Callable[[], bool]], dict[str, Any]]) -> dict[str, Any]:
    """Run `work(should_stop)` in a thread so that Ctrl-C reaches this one: the first Ctrl-C
    stops the search and the best week found so far is polished and returned; a second one
    raises `Aborted`. (CP-SAT's own Ctrl-C handling is off, `stages.cp_solver`: it ended only
    the step under way, and the command ran on to its time limit.)"""
    stop, done = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["solution"] = work(stop.is_set)
        except BaseException as error:  # re-raised in the main thread
            outcome["error"] = error
        finally:
            done.set()

    # Waited for with an Event: a Thread.join that Ctrl-C interrupts can report the thread
    # as finished while it still runs (Python 3.11).
    threading.Thread(target=target, daemon=True).start()
    try:
        while not done.wait(0.2):
            pass
    except KeyboardInterrupt:
        print(
            "trellis.scheduling: stopping; the best week found so far is being finished "
            "(Ctrl-C again to abort without writing it)",
            file=sys.stderr,
        )
        stop.set()
        try:
            while not done.wait(0.2):
                pass
        except KeyboardInterrupt:
            raise Aborted from None
    if "error" in outcome:
        raise outcome["error"]
    solution: dict[str, Any] = outcome["solution"]
    return solution


def run(args: argparse.Namespace) -> int:
    try:
        instance = read_json(args.instance, "instance")
        previous = read_json(args.previous, "previous solution") if args.previous else None
        if not 0 < args.time_limit < math.inf:  # NaN fails this too
            raise SchedulingError(f"--time-limit must be positive, not {args.time_limit:g}")
        if args.workers < 1:
            raise SchedulingError(f"--workers must be at least 1, not {args.workers}")
        if not 0 <= args.seed < 2**31:  # CP-SAT's random_seed is a 32-bit integer
            raise SchedulingError(f"--seed must be from 0 to {2**31 - 1}, not {args.seed}")
        _check_output(args.output, args.instance)
        if previous is not None:
            _same_week(instance, previous, args.previous)
        solution = _interruptible(
            lambda stop: solve(
                instance,
                # --time-limit bounds the command's wall time: less interpreter start and imports,
                # and half a second to write the file and free the models on the way out (a 60-s
                # run ended at 60.7 s with 0.1 s, on a loaded machine)
                time_limit=max(0.5, args.time_limit - _process_age() - 0.5),
                workers=args.workers,
                seed=args.seed,
                previous=previous,
                pinned=args.pin,
                on_progress=_Printer(args.quiet),
                should_stop=stop,
            )
        )
    except SchedulingError as error:
        _say(f"trellis.scheduling: {error}")
        return EXIT_INPUT
    except Aborted:
        print("trellis.scheduling: aborted; no solution written", file=sys.stderr, flush=True)
        # At once: CP-SAT's threads are still searching, and an interpreter shutting down
        # under them aborts the process (std::bad_function_call) instead of exiting.
        os._exit(EXIT_ABORTED)
    try:
        _write(args.output, solution)
    except OSError as error:
        _say(f"trellis.scheduling: cannot write {args.output}: {error.strerror}")
        return EXIT_INPUT
    s = solution["stats"]
    moved = f", moved {s['moved']}" if "moved" in s else ""
    if s.get("stopped"):
        moved += ", stopped early"
    # A repair proves no bound: its proven_bound is the patient count, not a computed one.
    bound = (
        f"bound {s['proven_bound']}, gap {100 * s['gap']:.1f}%"
        if s.get("bound_proven", True)
        else "bound not computed"
    )
    _say(
        f"plans met {s['plans_met']}/{s['patients']}, {bound}, "
        f"shortfall {s['objective']['shortfall_minutes']} min{moved}, {s['seconds']:.1f}s"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trellis.scheduling")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module, text) in SUBCOMMANDS.items():
        # Only the chosen subcommand's module is imported below (export/import need Django);
        # its own parser takes every argument after the command's name, options first or not.
        own = module == __name__
        sub = commands.add_parser(name, help=text, description=text, add_help=own)
        sub.set_defaults(module=module)
        if own:
            configure(sub)
    args, rest = parser.parse_known_args(argv)
    if args.module == __name__:
        if rest:
            parser.error(f"unrecognized arguments: {' '.join(rest)}")
        return run(args)
    command: Subcommand = importlib.import_module(args.module)
    inner = argparse.ArgumentParser(prog=f"python -m trellis.scheduling {args.command}")
    command.configure(inner)
    return command.run(inner.parse_args(rest))
