"""Optional attendees' clashes tied to the starts by clauses (ModelConfig.clash_clauses)
or by order literals: two encodings of one goal, so the same optimum, and the same count
on a meeting where a clash is forced and on the closest one where it is not."""

from __future__ import annotations

from dataclasses import replace

from planner.checker import check, soft_figures
from planner.generator import generate
from planner.solver import Options, Status, solve
from planner.solver.cpsat import ModelConfig
from tests.builders import day, problem, room, session

CLAUSES = ModelConfig(clash_clauses=True)
ORDER = ModelConfig(clash_clauses=False)


def _two_sessions(day_end: str) -> object:
    """A (P1 required, P2 optional) and B (P2 required), an hour each, two rooms."""
    return problem(
        [session("A", required=("P1",), optional=("P2",)), session("B", required=("P2",))],
        rooms=[room("R1"), room("R2")],
        days=[day(start="09:00", end=day_end)],
    )


def _clashes(p: object, config: ModelConfig) -> int:
    """The optimum's clashes, left-justified starts off: the encoding alone must see them."""
    config = replace(config, left_justified=False)
    result = solve(p, Options(time_limit=10, seed=0, workers=1, model=config))  # type: ignore[arg-type]
    assert result.status is Status.OPTIMAL and check(p, result.schedule).ok  # type: ignore[arg-type]
    counted, _ = soft_figures(p, result.schedule)  # type: ignore[arg-type]
    assert result.soft["optional_clash"] == counted["optional_clash"]
    return result.soft["optional_clash"]


def test_a_forced_overlap_is_one_clash_in_both_encodings() -> None:
    """105 minutes for two one-hour sessions: they overlap by a slot at least, and P2 misses
    A (a start of B in A's last slot is an overlap too)."""
    p = _two_sessions("10:45")
    assert _clashes(p, CLAUSES) == _clashes(p, ORDER) == 1


def test_one_more_slot_lets_both_encodings_keep_the_sessions_apart() -> None:
    p = _two_sessions("11:00")
    assert _clashes(p, CLAUSES) == _clashes(p, ORDER) == 0


def test_past_the_clause_budget_the_order_literals_stay(monkeypatch) -> None:  # noqa: ANN001
    """A meeting whose clauses would pass CLASH_CLAUSES_MAX gets the order literals' model
    even when clauses are asked for; under it, the clauses."""
    from planner.solver import build
    from planner.solver.prepare import prepare

    data = prepare(generate("small", 0).problem)

    def size(config: ModelConfig) -> int:
        return len(build(data, config)[0].proto.constraints)

    assert size(CLAUSES) != size(ORDER)
    monkeypatch.setattr("planner.solver.cpsat.CLASH_CLAUSES_MAX", 0)
    assert size(CLAUSES) == size(ORDER)
