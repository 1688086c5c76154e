"""Load the shared tools (generate.py, check.py) that sit beside the repository."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SHARED = (
    Path(
        os.environ.get("TRELLIS_SHARED", Path(__file__).resolve().parents[4] / ".." / "shared")
    ).resolve()
    / "scheduling"
)


def shared_module(name: str) -> ModuleType:
    path = SHARED / f"{name}.py"
    if not path.exists():
        pytest.skip(f"shared scheduling tools not found at {SHARED}")
    spec = importlib.util.spec_from_file_location(f"shared_{name}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tiny_instance(seed: int, patients: int = 24) -> dict[str, Any]:
    """A one-site week small enough to solve in a second or two."""
    generate = shared_module("generate")
    instance: dict[str, Any] = generate.make_instance(
        "small", seed, patients=patients, clinicians=4, group_rooms_per_site=2
    )
    return instance
