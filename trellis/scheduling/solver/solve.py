"""The solver's entry point: decompose by site, solve each site's model, assemble the week."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .errors import SolutionError
from .instance import Instance, parse_instance
from .rooms import keep_rooms
from .sanitize import sanitize
from .solution import Schedule, parse_schedule, schedule_to_dict
from .stages import SiteRun
from .translate import booking_sets, plan_met, tallies

SOLVER_NAME = "trellis-cpsat"
POLISH_SECONDS = 2.0
STOP_POLL_SECONDS = 0.5  # how often `should_stop` is asked


@dataclass
class Progress:
    """What `on_progress` receives: the week's best so far, summed over sites."""

    seconds: float
    plans_met: int
    bound: int
    patients: int
    site: str
    stage: str
    # True once every site has proven its bound; until then (and always in repair, which
    # proves none) `bound` is only the patient count, not a computed bound.
    bound_proven: bool = False


ProgressCallback = Callable[[Progress], None]


def solve(
    instance: Instance | dict[str, Any],
    *,
    time_limit: float,
    workers: int = 2,
    seed: int = 0,
    previous: Schedule | dict[str, Any] | None = None,
    pinned: Iterable[str] = (),
    on_progress: ProgressCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> dict[str, Any]:
    """Solve one week; return a `trellis-week-solution/1` dict with `stats`.

    `previous` switches on repair mode: last week's bookings are kept where they still work and
    each patient whose bookings change costs a penalty below clinical quality. Bookings marked
    `"pinned": true` in `previous`, or whose id is in `pinned`, never move.

    `should_stop` is asked from a thread of the solver's own, at once and then every
    STOP_POLL_SECONDS; once it returns True the CP-SAT solve under way stops at once and no
    further step starts, and each site only proves its bound and polishes the week it has (at
    most POLISH_SECONDS each) before the week is returned, with `stats["stopped"]`.
    """
    started = time.monotonic()
    inst = instance if isinstance(instance, Instance) else parse_instance(instance)
    pinned_ids = frozenset(pinned)
    old: Schedule | None
    if isinstance(previous, dict):
        old = parse_schedule(previous, inst, pinned_ids)
    elif previous is not None and not isinstance(previous, Schedule):
        raise SolutionError("the previous solution is not a JSON object")
    else:
        old = previous
        if old is not None and pinned_ids:
            for session in old.sessions:
                session.pinned = session.pinned or session.id in pinned_ids
            for appointment in old.appointments:
                appointment.pinned = appointment.pinned or appointment.id in pinned_ids
    if pinned_ids and old is None:
        raise SolutionError("pinned bookings need a previous solution")
    base = sanitize(inst, old, cover=True) if old is not None else None
    if old is not None and base is not None:
        _check_pins(old, base)
    sites = [s for s in inst.sites if any(p.site == s for p in inst.patients.values())]
    best: dict[str, tuple[int, int]] = {}
    proven: set[str] = set()

    def report(site: str, met: int, bound: int, stage: str) -> None:
        best[site] = (met, bound)
        if stage == "bound":
            proven.add(site)
        if on_progress is not None:
            on_progress(
                Progress(
                    time.monotonic() - started,
                    sum(m for m, _ in best.values()),
                    sum(b for _, b in best.values())
                    + sum(1 for p in inst.patients.values() if p.site not in best),
                    len(inst.patients),
                    site,
                    stage,
                    bound_proven=proven >= set(sites),
                )
            )

    fresh_id = _IdMaker(old)
    stopped = threading.Event()
    runs = [SiteRun(inst, site, base, old, workers, seed, report, fresh_id) for site in sites]
    for run in runs:
        run.should_stop = stopped.is_set
    finished = threading.Event()
    if should_stop is not None:
        threading.Thread(
            target=_watch_stop, args=(should_stop, stopped, finished, runs), daemon=True
        ).start()
    try:
        return _stages(inst, runs, old, base, time_limit, workers, seed, started, stopped)
    finally:
        finished.set()


def _watch_stop(
    should_stop: Callable[[], bool],
    stopped: threading.Event,
    finished: threading.Event,
    runs: list[SiteRun],
) -> None:
    """Ask `should_stop` now and every STOP_POLL_SECONDS (in this thread only) until the solve
    has finished; when it says stop, end the search's CP-SAT solve under way at once."""
    while not finished.is_set():
        if should_stop():
            stopped.set()
            for run in runs:
                run.stop_search()
            return
        finished.wait(STOP_POLL_SECONDS)


def _stages(
    inst: Instance,
    runs: list[SiteRun],
    old: Schedule | None,
    base: Schedule | None,
    time_limit: float,
    workers: int,
    seed: int,
    started: float,
    stopped: threading.Event,
) -> dict[str, Any]:
    """Search and polish the sites in turns, then assemble and check the week."""
    stopping = stopped.is_set
    first = time.monotonic() - started  # every site has its constructed (or kept) week
    for run in runs:
        run.build()
    everyone = max(1, sum(r.weight for r in runs))

    given = [0.0]  # with one worker, budgets follow the plan, not the clock: reproducible

    # Extraction, the final re-check and the stats: main-1 ~0.3 s; network-1 ended 11 s inside
    # its 290 s with 3 %, so 2 % keeps a margin on a loaded machine.
    tail = 0.5 + 0.02 * time_limit

    def clock() -> float:
        return given[0] if workers == 1 else time.monotonic() - started

    def remaining() -> float:
        return time_limit - tail - clock()

    searching = search_share(remaining(), len(runs), repair=old is not None)
    for fraction, stage in ((searching, SiteRun.search), (1.0, SiteRun.polish)):
        pool, opened, weight_left = remaining() * fraction, clock(), everyone
        for run in runs:
            budget = turn_budget(pool, clock() - opened, run.weight, weight_left)
            if stopping():
                budget = min(budget, POLISH_SECONDS)
            weight_left -= run.weight
            stage(run, budget)
            given[0] += budget
    schedule = Schedule()
    for run in runs:
        schedule.sessions += run.schedule.sessions
        schedule.appointments += run.schedule.appointments
    schedule = sanitize(inst, schedule)
    rooms_kept = 0
    if old is not None and base is not None:
        schedule = _prefer_fewer_moves(inst, old, base, schedule)
        rooms_kept = keep_rooms(inst, old, schedule)
    table = tallies(inst, schedule)
    met = sum(1 for pid in inst.patients if plan_met(inst, pid, table[pid]))
    bound = sum(r.bound for r in runs)
    shortfall = sum(max(0, p.plan.min_minutes - table[p.id][0]) for p in inst.patients.values())
    stats: dict[str, Any] = {
        "solver": SOLVER_NAME,
        "seconds": round(time.monotonic() - started, 3),
        "workers": workers,
        "seed": seed,
        "objective": {
            "plans_met": met,
            "shortfall_minutes": shortfall,
            "clinician_minutes": _clinician_minutes(inst, schedule),
        },
        "plans_met": met,
        "patients": len(inst.patients),
        "proven_bound": bound,
        # Repair proves no bound: there `proven_bound` is the patient count, and so is a
        # site's until its bound stage ran.
        "bound_proven": all(r.bound_proven for r in runs),
        "gap": round((bound - met) / bound, 4) if bound else 0.0,
        "time_to_first_solution": round(first, 3),
        "sites": [
            {"site": r.site, "plans_met": r.met, "bound": r.bound, "stages": r.stages} for r in runs
        ],
    }
    if stopping():
        stats["stopped"] = True
    if old is not None:
        now, before = booking_sets(schedule), booking_sets(old)
        stats["moved"] = sum(
            1 for pid in inst.patients if now.get(pid, set()) != before.get(pid, set())
        )
        stats["rooms_kept"] = rooms_kept
    return schedule_to_dict(inst, schedule, stats)


def turn_budget(pool: float, used: float, weight: int, weight_left: int) -> float:
    """One site's seconds when the sites take turns at a stage of `pool` seconds, by weight.

    `used` is what the sites before it took, `weight_left` the weight of this site and those
    after it. A site that ends early (its polish settled, its bound came in under the reserve)
    leaves its time to the sites after it, and one that overran takes it from them, so the
    stage still ends on time. With one worker `used` is the planned budgets, so every site
    gets pool · weight / total weight, as planned (reproducible).
    """
    return max(0.1, (pool - used) * weight / max(1, weight_left))


def search_share(seconds: float, sites: int, *, repair: bool) -> float:
    """The search stage's share of `seconds`; the polish gets the rest.

    Repair: 85 %. A fresh week's polish works on the unmet patients only (stages.py), so it
    needs little: 5 %, but at least POLISH_SECONDS a site, so that on a short run it still
    fills the unmet patients' free hours (main-1 in 30 s: with 0.6 s a site the polish
    sometimes returned nothing, and up to 22 patients went out with no booking at all).
    """
    if repair:
        return 0.85
    return min(0.95, max(0.5, 1 - POLISH_SECONDS * sites / max(seconds, 1.0)))


def _quality(inst: Instance, schedule: Schedule, old: Schedule) -> tuple[int, int, int]:
    """Sort key, smaller is better: plans met (more), shortfall (less), patients moved (fewer)."""
    table = tallies(inst, schedule)
    met = sum(1 for pid in inst.patients if plan_met(inst, pid, table[pid]))
    shortfall = sum(max(0, p.plan.min_minutes - table[p.id][0]) for p in inst.patients.values())
    now, before = booking_sets(schedule), booking_sets(old)
    moved = sum(1 for pid in inst.patients if now.get(pid, set()) != before.get(pid, set()))
    return (-met, shortfall, moved)


def _prefer_fewer_moves(
    inst: Instance, old: Schedule, kept: Schedule, searched: Schedule
) -> Schedule:
    """Repair keeps last week's still-valid bookings unless the search found a week that is
    clinically better (more plans met, or as many with less shortfall), or as good with fewer
    patients moved. So in a week in which nothing changed nobody booked moves, whatever the time
    limit (a patient last week left with no booking may be booked now)."""
    if _quality(inst, kept, old) <= _quality(inst, searched, old):
        return kept
    return searched


def _check_pins(old: Schedule, base: Schedule) -> None:
    kept = {s.id for s in base.sessions} | {a.id for a in base.appointments}
    pins = [s.id for s in old.sessions if s.pinned] + [a.id for a in old.appointments if a.pinned]
    for ident in pins:
        if ident not in kept:
            raise SolutionError(f"pinned booking {ident!r} breaks a hard rule in this instance")


def _clinician_minutes(inst: Instance, schedule: Schedule) -> int:
    return sum(
        inst.group_types[s.type].minutes * len(s.facilitators) for s in schedule.sessions
    ) + sum(a.minutes for a in schedule.appointments)


class _IdMaker:
    def __init__(self, base: Schedule | None) -> None:
        self.taken = set()
        if base is not None:
            self.taken = {s.id for s in base.sessions} | {a.id for a in base.appointments}
        self.counter = itertools.count(1)

    def __call__(self, prefix: str) -> str:
        while True:
            ident = f"{prefix}{next(self.counter)}"
            if ident not in self.taken:
                self.taken.add(ident)
                return ident
