"""Solver options that change how the search runs, not what it finds."""

from __future__ import annotations

from dataclasses import replace

from planner.solver import _workers
from tests.builders import problem, session


def test_default_workers_drop_to_four_above_500_sessions() -> None:
    """Each CP-SAT worker keeps its own copy of the model: big meetings get fewer."""
    small = problem([session("S0")])
    assert _workers(small) == 8
    big = replace(small, sessions=tuple(session(f"S{i}") for i in range(501)))
    assert _workers(big) == 4
