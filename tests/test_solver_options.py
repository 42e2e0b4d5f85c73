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


def test_a_stop_ends_the_search_even_between_schedules() -> None:
    """The app's Stop: asked for at once, the search ends long before its time limit, even
    on a meeting where it finds no schedule to report (a packed 600-person one)."""
    import time

    from planner.generator import generate
    from planner.solver import Options, solve

    problem = generate("large", 1).problem
    started = time.perf_counter()
    result = solve(problem, Options(time_limit=60, seed=1, workers=2), should_stop=lambda: True)
    assert time.perf_counter() - started < 20
    assert result.seconds < 20
