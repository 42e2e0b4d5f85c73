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
