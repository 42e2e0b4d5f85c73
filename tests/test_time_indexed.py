"""The rules between sessions stated per slot on the Booleans (ModelConfig.time_indexed)
or on intervals: two formulations of one set of rules. Here, the cases the time-indexed
forms handle on their own (a room closed mid-morning, plenaries, dependencies) and the
size budget; each rule's refused and closest accepted case runs in both formulations in
test_solver_rules (its CONFIGS), and test_formulations checks the same optimum on
generated meetings."""

from __future__ import annotations

import pytest

from planner.checker import check
from planner.generator import generate
from planner.solver import Options, Status, solve
from planner.solver.cpsat import ModelConfig
from tests.builders import D1, D2, Kind, away, day, dep, problem, room, session, t

TIME_INDEXED = ModelConfig(time_indexed=True)
INTERVALS = ModelConfig(time_indexed=False)
FORMULATIONS = {"time_indexed": TIME_INDEXED, "intervals": INTERVALS}


def _status(p, config: ModelConfig) -> Status:  # noqa: ANN001
    result = solve(p, Options(time_limit=10, seed=0, workers=1, model=config))
    if result.schedule is not None:
        assert check(p, result.schedule).ok
    return result.status


def _closed_room(sessions: int):  # noqa: ANN202
    """Two rooms over 9:00-11:00, R1 closed 10:00-10:15, one-hour sessions that may take
    either room: R1 holds one (at 9:00), R2 two. No start and no room is pruned before the
    search: only the model keeps a session out of R1 across 10:00."""
    return problem(
        [session(f"S{n}") for n in range(sessions)],
        rooms=[room("R1"), room("R2")],
        days=[day(end="11:00")],
        unavailable=[away("R1", "10:00", "10:15")],
    )


@pytest.mark.parametrize("config", FORMULATIONS)
def test_a_room_closed_in_the_middle_holds_one_session_not_two(config: str) -> None:
    assert _status(_closed_room(4), FORMULATIONS[config]) is Status.INFEASIBLE
    assert _status(_closed_room(3), FORMULATIONS[config]) is Status.OPTIMAL


def _two_plenaries(end: str):  # noqa: ANN202
    """Two plenaries, an hour each, nobody in common, two rooms."""
    return problem(
        [session("PL1", kind=Kind.PLENARY), session("PL2", kind=Kind.PLENARY)],
        rooms=[room("R1"), room("R2")],
        days=[day(end=end)],
    )


@pytest.mark.parametrize("config", FORMULATIONS)
def test_two_plenaries_never_run_side_by_side(config: str) -> None:
    assert _status(_two_plenaries("10:00"), FORMULATIONS[config]) is Status.INFEASIBLE
    assert _status(_two_plenaries("11:00"), FORMULATIONS[config]) is Status.OPTIMAL


def _back_to_back(b_day):  # noqa: ANN001, ANN202
    """A fixed at 11:00-12:00 on day 1 (the day ends at 12:00); B must follow it directly."""
    return problem(
        [session("A", day=D1, start=t("11:00")), session("B", day=b_day)],
        rooms=[room("R1"), room("R2")],
        days=[day(D1, end="13:00"), day(D2, end="13:00")],
        dependencies=[dep("A", "B", "back_to_back")],
    )


@pytest.mark.parametrize("config", FORMULATIONS)
def test_back_to_back_is_never_overnight(config: str) -> None:
    """B only on day 2 cannot follow A directly; B free takes 12:00 on day 1."""
    assert _status(_back_to_back(D2), FORMULATIONS[config]) is Status.INFEASIBLE
    assert _status(_back_to_back(None), FORMULATIONS[config]) is Status.OPTIMAL


@pytest.mark.parametrize("config", FORMULATIONS)
def test_different_day_and_same_day_together_cannot_hold(config: str) -> None:
    both = problem(
        [session("A"), session("B")],
        days=[day(D1), day(D2)],
        dependencies=[dep("A", "B", "same_day"), dep("A", "B", "different_day")],
    )
    apart = problem(
        [session("A"), session("B")],
        days=[day(D1), day(D2)],
        dependencies=[dep("A", "B", "before"), dep("A", "B", "different_day")],
    )
    assert _status(both, FORMULATIONS[config]) is Status.INFEASIBLE
    assert _status(apart, FORMULATIONS[config]) is Status.OPTIMAL


def test_past_the_literal_budget_the_rules_stay_on_intervals(monkeypatch: pytest.MonkeyPatch) -> None:
    """A meeting whose time-indexed model would pass TIME_INDEXED_MAX gets the intervals' model
    even when the rules per slot are asked for; under it, no interval at all."""
    from planner.solver import build
    from planner.solver.prepare import prepare

    data = prepare(generate("small", 0).problem)

    def intervals(config: ModelConfig) -> int:
        return sum(1 for c in build(data, config)[0].proto.constraints if c.has_interval())

    by_slots = ModelConfig(time_indexed=True, clash_clauses=True)  # no order literal on starts
    on_intervals = ModelConfig(time_indexed=False, clash_clauses=True)
    assert intervals(by_slots) == 0 < intervals(on_intervals)
    monkeypatch.setattr("planner.solver.cpsat.TIME_INDEXED_MAX", 0)
    assert intervals(by_slots) == intervals(on_intervals)


def test_the_size_counts_room_literals_and_pairs_of_dependent_starts() -> None:
    """Two one-hour sessions in a 9:00-11:00 day on a 15-minute grid: 5 starts each, covering
    8 slots. A has two rooms (2 x 8 literals), B one (none); A before B adds 5 x 5."""
    from planner.solver.cpsat import time_indexed_size
    from planner.solver.prepare import prepare

    def size(dependencies: list) -> int:  # noqa: ANN001
        p = problem(
            [session("A"), session("B", attendance=40)],
            rooms=[room("R1", 50), room("R2", 30)],
            days=[day(end="11:00")],
            dependencies=dependencies,
        )
        return time_indexed_size(prepare(p))

    assert size([]) == 16
    assert size([dep("A", "B", "before")]) == 16 + 25
