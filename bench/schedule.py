"""Benchmark the weekly scheduler against greedy.py, judged by check.py (figures, not tests).

    .venv/bin/python bench/schedule.py [--shared ../shared] [--time-limit 60]
        [--instances small-1 main-1] [--generated small:2 main:3] [--network-time-limit 300]
        [--no-repair]

Each solve runs in a child process (`python -m trellis.scheduling solve`) so its peak memory
(ru_maxrss of the child) is measured; every solution is checked with check.py.
"""

from __future__ import annotations

import argparse
import copy
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def run(cmd: list[str], out: Path | None = None) -> tuple[int, float, str]:
    started = time.monotonic()
    if out is None:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    else:
        with open(out, "w", encoding="utf-8") as sink:
            proc = subprocess.run(cmd, stdout=sink, stderr=subprocess.PIPE, text=True, check=False)
    return proc.returncode, time.monotonic() - started, proc.stderr


def child_maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def check(
    shared: Path, instance: Path, solution: Path, previous: Path | None = None
) -> dict[str, Any]:
    cmd = [sys.executable, str(shared / "check.py"), str(instance), str(solution)]
    if previous:
        cmd += ["--previous", str(previous)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    figures: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return figures


def solve(instance: Path, out: Path, limit: float, previous: Path | None = None) -> float:
    cmd = [sys.executable, "-m", "trellis.scheduling", "solve", str(instance), "-o", str(out)]
    cmd += ["--time-limit", str(limit), "--workers", "2", "--quiet"]
    if previous:
        cmd += ["--previous", str(previous)]
    code, seconds, err = run(cmd)
    if code:
        raise SystemExit(f"solver failed on {instance}: {err}")
    return seconds


def bench_one(shared: Path, name: str, path: Path, limit: float, work: Path) -> dict[str, Any]:
    out, greedy_out = work / f"{name}.sol.json", work / f"{name}.greedy.json"
    before = child_maxrss_mb()
    seconds = solve(path, out, limit)
    peak = child_maxrss_mb()
    run([sys.executable, str(shared / "greedy.py"), str(path)], greedy_out)
    mine, greedy = check(shared, path, out), check(shared, path, greedy_out)
    stats = json.loads(out.read_text())["stats"]
    return {
        "instance": name,
        "patients": mine["patients"],
        "valid": mine["valid"],
        "met": mine["plan_met"],
        "greedy": greedy["plan_met"],
        "greedy_valid": greedy["valid"],
        "isolation": mine["isolation_bound"],
        "bound": stats["proven_bound"],
        "shortfall": mine["shortfall_minutes"],
        "gap": (stats["proven_bound"] - mine["plan_met"]) / max(1, stats["proven_bound"]),
        "first": stats["time_to_first_solution"],
        "seconds": seconds,
        "peak_mb": peak if peak > before else before,
    }


def repair(shared: Path, path: Path, work: Path, limit: float) -> list[dict[str, Any]]:
    """One admission, then one clinician's absence, each repaired from the first week."""
    instance = json.loads(path.read_text())
    first = work / "repair-base.json"
    solve(path, first, limit)
    rows = []
    admitted = copy.deepcopy(instance)
    newcomer = copy.deepcopy(admitted["patients"][-1])
    newcomer.update(id="p-admitted", avoid=[])
    admitted["patients"].append(newcomer)
    absent = copy.deepcopy(instance)
    busiest = max(
        absent["clinicians"],
        key=lambda c: sum(
            c["id"] in s["facilitators"] for s in json.loads(first.read_text())["sessions"]
        ),
    )
    busiest["availability"] = {}
    for label, changed in (("admission", admitted), (f"absence of {busiest['id']}", absent)):
        case = work / "repair-instance.json"
        case.write_text(json.dumps(changed))
        out = work / "repair-out.json"
        seconds = solve(case, out, 5, previous=first)
        figures = check(shared, case, out, first)
        booked_before = _booked(json.loads(first.read_text()))
        newly = _booked(json.loads(out.read_text())) - booked_before
        rows.append(
            {
                "scenario": label,
                "valid": figures["valid"],
                "seconds": seconds,
                "first": json.loads(out.read_text())["stats"]["time_to_first_solution"],
                "moved": figures["moved"],
                "newly_booked": len(newly),
                "met_before": json.loads(first.read_text())["stats"]["plans_met"],
                "met": figures["plan_met"],
            }
        )
    return rows


def _booked(solution: dict[str, Any]) -> set[str]:
    """Patients with at least one booking."""
    return {p for s in solution["sessions"] for p in s["patients"]} | {
        a["patient"] for a in solution["appointments"]
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(ROOT / ".." / "shared"))
    parser.add_argument("--time-limit", type=float, default=60)
    parser.add_argument("--network-time-limit", type=float, default=300)
    parser.add_argument("--instances", nargs="*", default=["small-1", "main-1", "network-1"])
    parser.add_argument("--generated", nargs="*", default=[], help="SIZE:SEED, e.g. small:2")
    parser.add_argument("--no-repair", action="store_true")
    args = parser.parse_args(argv)
    shared = Path(args.shared).resolve() / "scheduling"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cases = [(n, shared / "instances" / f"{n}.json") for n in args.instances]
        for spec in args.generated:
            size, seed = spec.split(":")
            path = work / f"{size}-{seed}.json"
            run([sys.executable, str(shared / "generate.py"), "--size", size, "--seed", seed], path)
            cases.append((f"{size}-{seed} (gen)", path))
        for name, path in cases:
            limit = args.network_time_limit if "network" in name else args.time_limit
            rows.append(bench_one(shared, name, path, limit, work))
            print(f"# done {name}", file=sys.stderr)
        repairs = (
            []
            if args.no_repair
            else repair(
                shared, shared / "instances" / "main-1.json", work, min(args.time_limit, 30)
            )
        )
    head = (
        "| instance | patients | valid | met | greedy | isolation bound | proven bound "
        "| shortfall min | proven gap | first valid s | total s | peak MB |"
    )
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for r in rows:
        print(
            f"| {r['instance']} | {r['patients']} | {'yes' if r['valid'] else 'NO'} | {r['met']} "
            f"| {r['greedy']} | {r['isolation']} | {r['bound']} | {r['shortfall']} "
            f"| {100 * r['gap']:.1f}% | {r['first']} | {r['seconds']:.1f} | {r['peak_mb']:.0f} |"
        )
    if repairs:
        print(
            "\n| repair on main-1 | valid | first valid s | seconds | moved "
            "| of which unbooked last week | plans met before → after |"
        )
        print("|---|---|---|---|---|---|---|")
        for r in repairs:
            print(
                f"| {r['scenario']} | {'yes' if r['valid'] else 'NO'} | {r['first']} "
                f"| {r['seconds']:.1f} "
                f"| {r['moved']} | {r['newly_booked']} | {r['met_before']} → {r['met']} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
