"""The constructed first schedule: it must keep every hard rule, and stand as the
answer when the search finds nothing in time."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.checker import check
from planner.generator import generate
from planner.model import Problem, Schedule
from planner.solver import Options, Status, solve
from planner.solver.construct import construct, violations
from planner.solver.prepare import prepare
from tests.builders import day, dep, problem, room, session, t


def _as_schedule(problem: Problem, placed: dict[int, tuple[int, int]]) -> Schedule:
    return prepare(problem).to_schedule(placed)


def _roomier(problem: Problem, minutes: int) -> Problem:
    """The same meeting with every day ending later (generated meetings are packed to the limit)."""
    return replace(problem, days=tuple(replace(d, end=min(d.end + minutes, 24 * 60)) for d in problem.days))


@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10**6),
    preset=st.sampled_from(["tiny", "small", "alliance"]),
    slack=st.sampled_from([0, 60]),
)
def test_a_constructed_schedule_keeps_every_hard_rule(seed: int, preset: str, slack: int) -> None:
    problem = _roomier(generate(preset, seed).problem, slack)
    placed = construct(prepare(problem), seconds=1.0, seed=seed)
    if placed is not None:  # it may give up; what it gives must be right
        report = check(problem, _as_schedule(problem, placed))
        assert report.violations == (), [v.message for v in report.violations]


@pytest.mark.parametrize("seed", range(12))
def test_a_constructed_schedule_of_a_packed_meeting_keeps_every_hard_rule(seed: int) -> None:
    """As generated (no slack), alliance and small meetings are packed to the limit."""
    problem = generate("alliance" if seed % 2 else "small", seed).problem
    data = prepare(problem)
    placed = construct(data, seconds=5.0, seed=seed)
    if placed is not None:
        assert violations(data, placed) == []
        report = check(problem, _as_schedule(problem, placed))
        assert report.violations == (), [v.message for v in report.violations]


def test_construction_gives_up_rather_than_break_a_rule() -> None:
    """Each session alone fits, but not all three: one person, one hour, three half-day sessions."""
    infeasible = problem(
        [session(s, minutes=60, required=("P1",)) for s in "ABC"],
        rooms=[room("R1"), room("R2")],
        days=[day(start="09:00", end="11:00")],
    )
    assert construct(prepare(infeasible), seconds=0.5) is None


def test_construction_gives_up_on_a_broken_dependency_it_cannot_mend() -> None:
    infeasible = problem(
        [session("A", minutes=60), session("B", minutes=60)],
        days=[day(start="09:00", end="11:00")],
        dependencies=[dep("A", "B", "before"), dep("B", "A", "before")],
    )
    assert construct(prepare(infeasible), seconds=0.5) is None


def test_a_back_to_back_pair_is_placed_together() -> None:
    """One person in three one-hour sessions in three hours, B straight after A (with a
    15-minute gap in the second case), C before A: one schedule only."""
    for gap, end, first in ((0, "12:00", "10:00"), (15, "12:15", "10:00")):
        meeting = problem(
            [session(s, minutes=60, required=("P1",)) for s in "ABC"],
            rooms=[room("R1"), room("R2")],
            days=[day(start="09:00", end=end)],
            dependencies=[dep("A", "B", "back_to_back", gap), dep("C", "A", "before")],
        )
        data = prepare(meeting)
        placed = construct(data, seconds=1.0, seed=1)
        assert placed is not None
        assert violations(data, placed) == []
        schedule = _as_schedule(meeting, placed)
        assert check(meeting, schedule).ok
        starts = {a.session_id: a.start for a in schedule.assignments}
        assert starts["A"] == t(first) and starts["B"] == t(first) + 60 + gap and starts["C"] == t("09:00")


def test_construction_is_deterministic_for_a_seed() -> None:
    data = prepare(generate("alliance", 2).problem)
    assert construct(data, seconds=20.0, seed=5) == construct(data, seconds=20.0, seed=5)


def test_construction_gives_up_on_a_back_to_back_pair_that_cannot_fit() -> None:
    """Each of the two sessions fits the one-hour day alone, but not one after the other."""
    infeasible = problem(
        [session("A", minutes=60), session("B", minutes=60)],
        rooms=[room("R1"), room("R2")],
        days=[day(start="09:00", end="10:00")],
        dependencies=[dep("A", "B", "back_to_back")],
    )
    assert construct(prepare(infeasible), seconds=0.5) is None


def test_construction_succeeds_on_packed_alliance_meetings() -> None:
    for seed in (1, 3, 4):
        problem = generate("alliance", seed).problem
        placed = construct(prepare(problem), seconds=20.0, seed=seed)
        assert placed is not None
        assert check(problem, _as_schedule(problem, placed)).ok


def test_construction_succeeds_on_a_roomy_large_meeting() -> None:
    problem = _roomier(generate("large", 1).problem, 120)
    placed = construct(prepare(problem), seconds=10.0)
    assert placed is not None
    assert check(problem, _as_schedule(problem, placed)).ok


@pytest.mark.parametrize("seed", [1, 2])
def test_solve_falls_back_to_the_constructed_schedule(seed: int) -> None:
    problem = _roomier(generate("alliance", seed).problem, 120)
    # the search stops right after presolve, so only the construction can answer
    options = Options(time_limit=20, seed=seed, workers=2, parameters=(("stop_after_presolve", True),))
    result = solve(problem, options)
    assert result.status is Status.FEASIBLE
    report = check(problem, result.schedule)
    assert report.ok
    assert result.soft == report.soft
    assert result.objective == report.objective(problem)
    assert result.first_solution_seconds is not None
