"""The instrument data is complete and self-consistent."""

from __future__ import annotations

import pytest

from trellis.instruments import INSTRUMENTS, ItemKind, get

from .helpers import item_score_set

EXPECTED = {
    "phq9": 9,
    "gad7": 7,
    "audit": 10,
    "auditc": 3,
    "dast10": 10,
    "cssrs": 7,
    "bam": 17 - 1 + 7,  # item 7 is answered as 7a-7g
    "pcl5": 20,
}


def test_registry_codes() -> None:
    assert list(INSTRUMENTS) == list(EXPECTED)


@pytest.mark.parametrize(("code", "count"), EXPECTED.items())
def test_item_count_and_metadata(code: str, count: int) -> None:
    instrument = get(code)
    assert instrument.code == code
    assert len(instrument.items) == count
    assert len(set(instrument.item_keys)) == count
    assert instrument.name
    assert instrument.title
    assert instrument.instructions
    assert instrument.lookback
    assert instrument.copyright
    assert instrument.sources
    assert instrument.required_items <= set(instrument.item_keys)
    for item in instrument.items:
        assert item.text
        if item.kind is ItemKind.CHOICE:
            assert len(item.options) >= 3
        if item.kind is ItemKind.BOOLEAN:
            assert [o.label for o in item.options] == ["Yes", "No"]


@pytest.mark.parametrize("code", [c for c, i in INSTRUMENTS.items() if i.total_range])
def test_bands_cover_total_range_without_gaps(code: str) -> None:
    instrument = get(code)
    assert instrument.total_range is not None
    low, high = instrument.total_range
    assert sum(item_score_set(i)[-1] for i in instrument.items if i.scored) == high
    ranged = [b for b in instrument.bands if b.low is not None]
    if code == "auditc":
        assert ranged == []
        return
    for total in range(low, high + 1):
        assert sum(band.contains(total) for band in ranged) == 1, total


def test_unverified_codes_are_marked() -> None:
    audit_code = get("audit").total_code
    assert audit_code is not None
    assert audit_code.verified is False
    for code in ("cssrs", "bam", "pcl5"):
        assert get(code).total_code is None
    phq9_code = get("phq9").total_code
    assert phq9_code is not None
    assert (phq9_code.code, phq9_code.verified) == ("44261-6", True)


def test_get_unknown_code() -> None:
    with pytest.raises(KeyError, match="known"):
        get("nope")


def test_package_has_no_django_or_fhir_dependency() -> None:
    import subprocess
    import sys

    code = (
        "import sys, trellis.instruments, trellis.instruments.fhir;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'fhir', 'pydantic')];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603
