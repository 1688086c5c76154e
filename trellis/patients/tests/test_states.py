"""The state machine itself, without a database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trellis.patients.models import OPEN_STATUSES, EpisodeStatus
from trellis.patients.states import (
    TRANSITIONS,
    InvalidTransition,
    allowed_transitions,
    check_transition,
)

EXPECTED_GRAPH = {
    "referred": {"begin_screening", "close_referral"},
    "screening": {"admit", "close_referral"},
    "admitted": {"start_treatment", "discharge", "transfer"},
    "active": {"place_on_hold", "discharge", "transfer"},
    "on_hold": {"resume", "discharge", "transfer"},
    "discharged": set(),
    "transferred": set(),
}


@pytest.mark.parametrize("status", list(EpisodeStatus))
def test_each_status_allows_exactly_the_documented_transitions(status):
    assert {t.name for t in allowed_transitions(status)} == EXPECTED_GRAPH[status]


def test_open_statuses_are_the_ones_with_a_way_out():
    assert {s for s, names in EXPECTED_GRAPH.items() if names} == set(OPEN_STATUSES)


def test_only_discharge_demands_a_discharge_reason():
    assert [t.name for t in TRANSITIONS.values() if t.needs_discharge_reason] == ["discharge"]


@given(st.lists(st.sampled_from(sorted(TRANSITIONS)), max_size=20))
def test_any_sequence_of_requests_walks_only_the_graph(names):
    status = EpisodeStatus.REFERRED.value
    for name in names:
        try:
            transition = check_transition(status, name)
        except InvalidTransition:
            assert name not in EXPECTED_GRAPH[status]
            continue
        assert name in EXPECTED_GRAPH[status]
        status = transition.target
    assert status in EXPECTED_GRAPH
    # A closed episode stays closed whatever is asked of it.
    if status not in OPEN_STATUSES:
        for name in TRANSITIONS:
            with pytest.raises(InvalidTransition, match="It is closed"):
                check_transition(status, name)
