"""Large neighbourhood search: from a first schedule, better ones that break no rule,
scored by the model exactly as the checker scores them."""

from __future__ import annotations

import time
from dataclasses import replace

from planner.checker import check
from planner.generator import generate
from planner.solver import Options, Status, build, solve
from planner.solver.construct import construct
from planner.solver.lns import improve
from planner.solver.prepare import prepare

PEOPLE = (("single_day", 5), ("in_a_row", 5), ("idle_gap", 1), ("late_finish", 2), ("fair_person", 3))


def _with_people_goals(seed: int):  # noqa: ANN202
    problem = generate("small", seed).problem
    return replace(problem, event=replace(problem.event, weights=problem.event.weights + PEOPLE))


def test_improve_only_ever_returns_better_valid_schedules() -> None:
    for seed in (0, 1):
        problem = _with_people_goals(seed)
        data = prepare(problem)
        start = construct(data, seconds=10, seed=seed)
        assert start is not None
        before = check(problem, data.to_schedule(start)).objective(problem)
        model, v, objective = build(data)
        seen: list[int] = []
        best = improve(
            data,
            model,
            v,
            objective,
            start,
            before,
            deadline=time.perf_counter() + 5,
            seed=seed,
            on_better=lambda imp, seen=seen: seen.append(imp.objective),
        )
        assert best is not None, seed  # a constructed schedule is never the best one here
        assert seen == sorted(seen, reverse=True) and len(set(seen)) == len(seen)  # strictly better each time
        report = check(problem, data.to_schedule(best.placement))
        assert report.ok, [x.message for x in report.violations]
        assert best.objective == report.objective(problem) < before
        assert {g: report.soft[g] for g in best.soft} == best.soft  # the model's counts are the checker's


def test_solve_with_lns_returns_a_checked_schedule_and_keeps_the_bound() -> None:
    problem = _with_people_goals(3)
    result = solve(problem, Options(time_limit=6, seed=0, workers=2, rules_first=True, lns=True))
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE)
    report = check(problem, result.schedule)
    assert report.ok
    assert report.soft == result.soft and report.objective(problem) == result.objective
    assert result.best_bound is None or result.best_bound <= result.objective


def test_the_clash_neighbourhood_frees_the_sessions_of_a_clash() -> None:
    """Kind 4 frees the two sessions of an optional attendee's clash in the current schedule
    (and some running beside them); with no clash in it, it frees random sessions."""
    import random

    from planner.solver.lns import _neighbourhood
    from tests.builders import day, person, problem, room, session

    people = [person(f"P{k}") for k in range(1, 7)]
    sessions = [
        session("A", required=("P1",), optional=("P2",)),
        session("B", required=("P2",)),  # P2 would like A too
        session("C", required=("P3",)),
        session("D", required=("P4",)),
        session("E", required=("P5",)),
        session("F", required=("P6",)),
    ]
    meeting = problem(
        sessions, rooms=[room(f"R{k}") for k in range(6)], people=people, days=[day(end="15:00")]
    )
    data = prepare(meeting)
    _, _, objective = build(data)
    assert objective.clash_pairs == [(0, 1, 1)]  # A and B, one person
    one_hour = data.length[0]
    # A and B at 09:00 (the clash), E and F at 10:00, C and D at 12:00
    clashing = {
        0: (0, 0),
        1: (0, 1),
        2: (3 * one_hour, 2),
        3: (3 * one_hour, 3),
        4: (one_hour, 4),
        5: (one_hour, 5),
    }
    people_sessions: list[list[int]] = []
    for seed in range(20):
        free = _neighbourhood(
            data, clashing, people_sessions, objective.clash_pairs, 2, random.Random(seed), kind=4
        )
        assert free == {0, 1}, seed  # nothing else runs beside them
    beside = dict(clashing) | {4: (one_hour // 2, 4)}  # E at 09:30, beside the clash
    drawn = [
        _neighbourhood(data, beside, people_sessions, objective.clash_pairs, 6, random.Random(seed), kind=4)
        for seed in range(20)
    ]
    assert all(free in ({0, 1}, {0, 1, 4}) for free in drawn)
    assert {0, 1} in drawn and {0, 1, 4} in drawn  # E: about half the time
    apart = dict(clashing) | {1: (one_hour, 1)}  # B moved to 10:00: no clash left
    drawn = [
        _neighbourhood(data, apart, people_sessions, objective.clash_pairs, 2, random.Random(seed), kind=4)
        for seed in range(20)
    ]
    assert all(len(free) == 2 for free in drawn) and len({frozenset(f) for f in drawn}) > 1
