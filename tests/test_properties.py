"""Property-based: over many small generated meetings, every schedule the solver
returns passes the independent checker, and the solver's own count of each soft
goal agrees with the checker's."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.checker import check
from planner.generator import generate
from planner.solver import Options, Status, solve
from planner.solver.cpsat import ModelConfig


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=10**6),
    preset=st.sampled_from(["tiny", "tiny", "small"]),
    redundant=st.booleans(),
    time_indexed=st.booleans(),
)
def test_every_solver_schedule_passes_the_checker(
    seed: int, preset: str, redundant: bool, time_indexed: bool
) -> None:
    problem = generate(preset, seed).problem
    config = ModelConfig(
        person_time_indexed=redundant, room_supply=redundant, clash_cuts=redundant, time_indexed=time_indexed
    )
    result = solve(problem, Options(time_limit=10, seed=0, workers=2, model=config))
    # generated meetings are feasible by construction (a planted schedule exists)
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE), result.status
    report = check(problem, result.schedule)
    assert report.violations == (), [v.message for v in report.violations]
    assert report.soft == result.soft
    assert report.objective(problem) == result.objective


PEOPLE_GOALS = (
    "idle_gap",
    "in_a_row",
    "single_day",
    "late_finish",
    "cross_day",
    "fair_person",
    "fair_institution",
)


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=10**6),
    weights=st.lists(
        st.integers(min_value=0, max_value=5), min_size=len(PEOPLE_GOALS), max_size=len(PEOPLE_GOALS)
    ),
    limit=st.integers(min_value=1, max_value=3),
)
def test_people_goals_counted_alike_by_solver_and_checker(seed: int, weights: list[int], limit: int) -> None:
    """With the people's-days and fairness goals weighted, every schedule still passes the
    checker, and the solver's count of each goal is the checker's."""
    from dataclasses import replace

    problem = generate("tiny", seed).problem
    event = replace(
        problem.event,
        weights=problem.event.weights + tuple(zip(PEOPLE_GOALS, weights, strict=True)),
        max_in_a_row=limit,
    )
    problem = replace(problem, event=event)
    result = solve(problem, Options(time_limit=10, seed=0, workers=2))
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE), result.status
    report = check(problem, result.schedule)
    assert report.violations == (), [v.message for v in report.violations]
    assert report.soft == result.soft
    assert report.objective(problem) == result.objective
