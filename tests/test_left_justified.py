"""The left-justified dominance (ModelConfig.left_justified): a session starts a slot
later than it could only for a reason. It must never cost an optimum (solved both ways,
the same optimal objective) and must leave a session where a reason holds it."""

from __future__ import annotations

from dataclasses import replace

from planner.checker import check
from planner.model import Problem
from planner.solver import Options, SolveResult, Status, solve
from planner.solver.cpsat import ModelConfig, shift_safe
from tests.builders import at, away, day, dep, person, problem, room, schedule, session, t

JUSTIFIED = ModelConfig(left_justified=True)
FREE = ModelConfig(left_justified=False)


def _solve(p: Problem, config: ModelConfig = JUSTIFIED, **kw: object) -> SolveResult:
    result = solve(p, Options(time_limit=10, seed=1, workers=1, model=config, **kw))  # type: ignore[arg-type]
    assert result.status is Status.OPTIMAL
    assert check(p, result.schedule).ok
    return result


def _start(result: SolveResult, sid: str) -> int:
    return result.schedule.by_session[sid].start


def test_a_session_with_no_reason_to_wait_starts_first_thing() -> None:
    result = _solve(problem([session("A")], days=[day(start="09:00", end="12:00")]))
    assert _start(result, "A") == t("09:00")


def test_a_start_that_costs_less_holds_the_session_back() -> None:
    """P2 is optional and away until 10:00: 10:00 costs nothing, 09:45 a clash."""
    p = problem(
        [session("A", required=("P1",), optional=("P2",))], unavailable=[away("P2", "09:00", "10:00")]
    )
    result = _solve(p)
    assert _start(result, "A") == t("10:00") and result.soft["optional_clash"] == 0


def test_a_session_that_ends_there_holds_the_next_back() -> None:
    """B shares P1 with A, which is fixed at 10:00: B may start at 11:00, right after A."""
    p = problem(
        [session("A", required=("P1",), start=t("10:00")), session("B", required=("P1",))],
        days=[day(start="10:00", end="12:00")],
    )
    assert _start(_solve(p), "B") == t("11:00")


def test_a_dependency_gap_holds_the_next_back() -> None:
    """B must follow A by 30 minutes and shares nothing with it: it starts at 10:30."""
    p = problem(
        [session("A", required=("P1",), start=t("09:00")), session("B", required=("P2",))],
        rooms=[room("R1"), room("R2")],
        dependencies=[dep("A", "B", "before", 30)],
    )
    assert _start(_solve(p), "B") == t("10:30")


def test_a_previous_schedule_stays_where_it_was() -> None:
    """A re-plan: A was at 10:00 for no reason but the published schedule; it stays."""
    p = problem([session("A")], days=[day(start="09:00", end="12:00")])
    result = _solve(p, previous=schedule(at("A", "10:00")))
    assert _start(result, "A") == t("10:00") and result.soft["change"] == 0


def test_people_goals_switch_it_off() -> None:
    """Moving a session earlier may make a person's day worse: with such a goal weighted
    the dominance does not hold, and the solver does not use it even when asked."""
    assert shift_safe(problem([session("A")]))
    assert not shift_safe(problem([session("A")], weights={"idle_gap": 1}))
    # P1 may have one session in a row: B right after A (10:00, the only start the
    # dominance would leave it before 11:00) costs one; 10:15 costs nothing.
    p = problem(
        [session("A", required=("P1",), start=t("09:00")), session("B", required=("P1",))],
        days=[day(start="09:00", end="11:15")],
        people=[person("P1")],
        weights={"in_a_row": 1},
    )
    p = replace(p, event=replace(p.event, max_in_a_row=1))
    assert not shift_safe(p)
    result = _solve(p)
    assert _start(result, "B") == t("10:15") and result.soft["in_a_row"] == 0
