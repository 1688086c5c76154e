"""Typed view of a `trellis-week/1` instance, parsed and validated (see FORMAT.md).

Times are minutes after midnight; a day is an index into `DAYS`. Every malformed or
inconsistent input raises `InstanceError` with a message naming the culprit.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import InstanceError

FORMAT = "trellis-week/1"
DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ROOM_KINDS = ("group", "office")
_TIME = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d|24:00")

Window = tuple[int, int]
Windows = dict[int, tuple[Window, ...]]


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    hours: Windows


@dataclass(frozen=True)
class Room:
    id: str
    site: str
    capacity: int
    kind: str


@dataclass(frozen=True)
class Clinician:
    id: str
    site: str
    competencies: frozenset[str]
    max_minutes: int
    availability: Windows


@dataclass(frozen=True)
class GroupType:
    id: str
    name: str
    minutes: int
    min_size: int
    max_size: int
    requires: frozenset[str]  # includes "adolescent" for adolescent groups (rule 4)
    populations: frozenset[str]


@dataclass(frozen=True)
class IndividualNeed:
    clinician: str
    count: int
    minutes: int


@dataclass(frozen=True)
class FamilyNeed:
    count: int
    minutes: int
    availability: Windows


@dataclass(frozen=True)
class Plan:
    min_minutes: int
    min_days: int
    min_day_minutes: int
    max_day_minutes: int
    groups: dict[str, int]
    individual: IndividualNeed | None
    family: FamilyNeed | None


@dataclass(frozen=True)
class Patient:
    id: str
    site: str
    population: str
    availability: Windows
    avoid: frozenset[str]
    plan: Plan


@dataclass
class Instance:
    name: str
    slot: int
    sites: dict[str, Site]
    rooms: dict[str, Room]
    clinicians: dict[str, Clinician]
    group_types: dict[str, GroupType]
    patients: dict[str, Patient]
    week_start: str = ""
    avoid_pairs: set[frozenset[str]] = field(default_factory=set)


# ------------------------------------------------------------------------------------------ helpers
def _week_start(value: Any) -> str:
    """The instance's week: informational, but when given, a Monday as YYYY-MM-DD (import
    publishes from it)."""
    if value is None:
        return ""
    try:
        day = datetime.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None:
        raise InstanceError(f"instance.week_start {value!r} is not a YYYY-MM-DD date")
    if day.weekday() != 0:
        raise InstanceError(f"instance.week_start {value} is not a Monday")
    return day.isoformat()


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def inside(windows: Windows, day: int, start: int, end: int) -> bool:
    return covers(windows.get(day, ()), start, end)


def covers(spans: Iterable[tuple[int, int]], start: int, end: int) -> bool:
    """[start, end) lies inside one of the spans (same day)."""
    return any(a <= start and end <= b for a, b in spans)


def disjoint(spans: Iterable[tuple[int, int]], start: int, end: int) -> bool:
    """[start, end) overlaps none of the spans (same day)."""
    return all(e <= start or end <= s for s, e in spans)


def intersect(first: tuple[Window, ...], second: tuple[Window, ...]) -> tuple[Window, ...]:
    spans = [(max(a, c), min(b, d)) for a, b in first for c, d in second]
    return tuple(sorted((a, b) for a, b in spans if a < b))


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InstanceError(f"{where} must be a JSON object")
    return value


# What JSON calls the Python types a field may need to be.
_JSON_NAMES = {dict: "an object", list: "a list", str: "a string", int: "a whole number"}


def _json_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    return _JSON_NAMES.get(type(value), "a number" if isinstance(value, float) else "a value")


# No number of an instance (minutes, counts, capacities, sizes) comes near this; a larger one
# is a mistake, and CP-SAT refuses numbers past 64 bits with a traceback.
LARGEST = 1_000_000


def _field(obj: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in obj:
        raise InstanceError(f"{where} lacks {key!r}")
    value = obj[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        wanted = _JSON_NAMES.get(kind, kind.__name__)
        raise InstanceError(f"{where}.{key} must be {wanted}, not {_json_name(value)}")
    if isinstance(value, int) and abs(value) > LARGEST:
        raise InstanceError(f"{where}.{key} is too large: {value} (at most {LARGEST:,})")
    return value


def _strings(obj: dict[str, Any], key: str, where: str) -> list[str]:
    value = obj.get(key) if key in obj else None
    if value is None:
        raise InstanceError(f"{where} lacks {key!r}")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InstanceError(f"{where}.{key} must be a list of strings")
    return value


def parse_time(text: Any, slot: int, where: str) -> int:
    if not isinstance(text, str) or not _TIME.fullmatch(text):
        raise InstanceError(f"{where}: {text!r} is not an HH:MM time")
    minutes = int(text[:2]) * 60 + int(text[3:])
    if minutes % slot:
        raise InstanceError(f"{where}: {text} is off the {slot}-minute slot grid")
    return minutes


def parse_day(text: Any, where: str) -> int:
    if text not in DAYS:
        raise InstanceError(f"{where}: {text!r} is not a day name ({', '.join(DAYS)})")
    return DAYS.index(text)


def parse_windows(value: Any, slot: int, where: str) -> Windows:
    """{"mon": [["17:00", "21:00"]]} -> {0: ((1020, 1260),)}, sorted and merged."""
    if not isinstance(value, dict):
        raise InstanceError(f"{where} must be an object of days")
    result: Windows = {}
    for name, spans in value.items():
        day = parse_day(name, where)
        if not isinstance(spans, list):
            raise InstanceError(f"{where}.{name} must be a list of [start, end] windows")
        parsed: list[Window] = []
        for span in spans:
            if not isinstance(span, list) or len(span) != 2:
                raise InstanceError(f"{where}.{name}: each window must be [start, end]")
            start = parse_time(span[0], slot, f"{where}.{name}")
            end = parse_time(span[1], slot, f"{where}.{name}")
            if end <= start:
                raise InstanceError(
                    f"{where}.{name}: window {span[0]}-{span[1]} ends before it starts"
                )
            parsed.append((start, end))
        merged: list[Window] = []
        for start, end in sorted(parsed):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        if merged:
            result[day] = tuple(merged)
    return result


def _records(data: dict[str, Any], key: str) -> list[tuple[str, dict[str, Any]]]:
    items = _field(data, key, list, "instance")
    seen: set[str] = set()
    records = []
    for n, raw in enumerate(items):
        item = _obj(raw, f"instance.{key}[{n}]")
        ident = _field(item, "id", str, f"instance.{key}[{n}]")
        if ident in seen:
            raise InstanceError(f"instance: duplicate id {ident!r} in {key}")
        seen.add(ident)
        records.append((ident, item))
    return records


def _positive(value: int, where: str, *, zero: bool = False) -> int:
    if value < 0 or (value == 0 and not zero):
        raise InstanceError(
            f"{where} must be {'non-negative' if zero else 'positive'}, not {value}"
        )
    return value


# ------------------------------------------------------------------------------------------ parsing


def parse_instance(data: Any) -> Instance:
    """Parse and validate an instance dict; raise InstanceError naming the first problem."""
    data = _obj(data, "instance")
    fmt = data.get("format")
    if fmt != FORMAT:
        raise InstanceError(f"unknown instance format {fmt!r}, expected {FORMAT!r}")
    slot = _positive(_field(data, "slot_minutes", int, "instance"), "instance.slot_minutes")
    name = data.get("name")
    sites = {
        sid: Site(
            sid,
            str(raw.get("name", sid)),
            parse_windows(_field(raw, "hours", dict, f"site {sid}"), slot, f"site {sid}.hours"),
        )
        for sid, raw in _records(data, "sites")
    }

    def site_of(kind: str, ident: str, raw: dict[str, Any]) -> str:
        site: str = _field(raw, "site", str, f"{kind} {ident}")
        if site not in sites:
            raise InstanceError(f"{kind} {ident}: site {site!r} does not exist")
        return site

    rooms: dict[str, Room] = {}
    for rid, raw in _records(data, "rooms"):
        kind = _field(raw, "kind", str, f"room {rid}")
        if kind not in ROOM_KINDS:
            raise InstanceError(f"room {rid}: kind {kind!r} is neither 'group' nor 'office'")
        capacity = _positive(_field(raw, "capacity", int, f"room {rid}"), f"room {rid}.capacity")
        rooms[rid] = Room(rid, site_of("room", rid, raw), capacity, kind)
    clinicians: dict[str, Clinician] = {}
    for cid, raw in _records(data, "clinicians"):
        where = f"clinician {cid}"
        clinicians[cid] = Clinician(
            cid,
            site_of("clinician", cid, raw),
            frozenset(_strings(raw, "competencies", where)),
            _positive(_field(raw, "max_minutes", int, where), f"{where}.max_minutes", zero=True),
            parse_windows(_field(raw, "availability", dict, where), slot, f"{where}.availability"),
        )
    types: dict[str, GroupType] = {}
    for tid, raw in _records(data, "group_types"):
        where = f"group type {tid}"
        minutes = _positive(_field(raw, "minutes", int, where), f"{where}.minutes")
        if minutes % slot:
            raise InstanceError(f"{where}: {minutes} minutes is off the {slot}-minute slot grid")
        low = _positive(_field(raw, "min_size", int, where), f"{where}.min_size")
        high = _field(raw, "max_size", int, where)
        if high < low:
            raise InstanceError(f"{where}: max_size {high} is below min_size {low}")
        populations = frozenset(_strings(raw, "populations", where))
        requires = frozenset(_strings(raw, "requires", where)) | (
            frozenset({"adolescent"}) & populations
        )
        types[tid] = GroupType(
            tid, str(raw.get("name", tid)), minutes, low, high, requires, populations
        )
    patients: dict[str, Patient] = {}
    raw_patients = _records(data, "patients")
    known = {pid for pid, _ in raw_patients}
    for pid, raw in raw_patients:
        where = f"patient {pid}"
        site = site_of("patient", pid, raw)
        avoid = raw.get("avoid") or []
        if not isinstance(avoid, list) or not all(isinstance(a, str) for a in avoid):
            raise InstanceError(f"{where}.avoid must be a list of patient ids")
        for other in avoid:
            if other not in known:
                raise InstanceError(f"{where}: avoided patient {other!r} does not exist")
        plan = _parse_plan(_field(raw, "plan", dict, where), where, slot, site, types, clinicians)
        patients[pid] = Patient(
            pid,
            site,
            _field(raw, "population", str, where),
            parse_windows(_field(raw, "availability", dict, where), slot, f"{where}.availability"),
            frozenset(avoid),
            plan,
        )
    pairs = {frozenset((p.id, q)) for p in patients.values() for q in p.avoid if q != p.id}
    return Instance(
        name=name if isinstance(name, str) else "",
        slot=slot,
        sites=sites,
        rooms=rooms,
        clinicians=clinicians,
        group_types=types,
        patients=patients,
        week_start=_week_start(data.get("week_start")),
        avoid_pairs=pairs,
    )


def _parse_plan(
    raw: dict[str, Any],
    where: str,
    slot: int,
    site: str,
    types: Mapping[str, GroupType],
    clinicians: Mapping[str, Clinician],
) -> Plan:
    where = f"{where}.plan"
    ints = {
        key: _positive(_field(raw, key, int, where), f"{where}.{key}", zero=True)
        for key in ("min_minutes", "min_days", "min_day_minutes", "max_day_minutes")
    }
    groups = _field(raw, "groups", dict, where)
    for tid, count in groups.items():
        if tid not in types:
            raise InstanceError(f"{where}.groups: group type {tid!r} does not exist")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise InstanceError(f"{where}.groups.{tid} must be a non-negative whole count")
        if count > LARGEST:
            raise InstanceError(f"{where}.groups.{tid} is too large: {count} (at most {LARGEST:,})")
    individual = None
    if raw.get("individual") is not None:
        need = _obj(raw["individual"], f"{where}.individual")
        cid = _field(need, "clinician", str, f"{where}.individual")
        if cid not in clinicians:
            raise InstanceError(f"{where}.individual: clinician {cid!r} does not exist")
        if clinicians[cid].site != site:
            raise InstanceError(
                f"{where}.individual: clinician {cid} works at site {clinicians[cid].site}, "
                f"not {site}"
            )
        individual = IndividualNeed(
            cid,
            _positive(
                _field(need, "count", int, f"{where}.individual"),
                f"{where}.individual.count",
                zero=True,
            ),
            _minutes(_field(need, "minutes", int, f"{where}.individual"), slot, where),
        )
    family = None
    if raw.get("family") is not None:
        need = _obj(raw["family"], f"{where}.family")
        family = FamilyNeed(
            _positive(
                _field(need, "count", int, f"{where}.family"), f"{where}.family.count", zero=True
            ),
            _minutes(_field(need, "minutes", int, f"{where}.family"), slot, where),
            parse_windows(
                _field(need, "availability", dict, f"{where}.family"),
                slot,
                f"{where}.family.availability",
            ),
        )
    return Plan(
        ints["min_minutes"],
        ints["min_days"],
        ints["min_day_minutes"],
        ints["max_day_minutes"],
        {tid: int(n) for tid, n in groups.items()},
        individual,
        family,
    )


def _minutes(value: int, slot: int, where: str) -> int:
    if value <= 0 or value % slot:
        raise InstanceError(
            f"{where}: appointment of {value} minutes is off the {slot}-minute grid"
        )
    return value
