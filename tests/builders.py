"""Small builders for hand-made problems in tests: one line per entity."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from planner.model import (
    Assignment,
    Break,
    Day,
    Dependency,
    Event,
    Group,
    Kind,
    Participant,
    Problem,
    Relation,
    Room,
    Schedule,
    Session,
    Unavailability,
)

D1 = date(2025, 10, 21)
D2 = date(2025, 10, 22)


def t(hhmm: str) -> int:
    """'09:30' -> 570 minutes after midnight."""
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def day(d: date = D1, start: str = "09:00", end: str = "12:00") -> Day:
    return Day(d, t(start), t(end))


def room(rid: str, capacity: int = 50, features: str = "") -> Room:
    feats = frozenset(f.strip() for f in features.split(",") if f.strip())
    return Room(rid, f"Room {rid}", capacity, feats)


def person(pid: str, groups: tuple[str, ...] = (), institution: str = "Uni") -> Participant:
    return Participant(pid, f"Person {pid}", institution, groups=groups)


def session(sid: str, minutes: int = 60, kind: Kind = Kind.WORKING_GROUP, **kw) -> Session:  # noqa: ANN003
    return Session(sid, f"Session {sid}", kind, minutes, **kw)


def problem(
    sessions: list[Session],
    rooms: list[Room] | None = None,
    people: list[Participant] | None = None,
    days: list[Day] | None = None,
    groups: list[Group] | None = None,
    breaks: list[Break] | None = None,
    unavailable: list[Unavailability] | None = None,
    dependencies: list[Dependency] | None = None,
    slot: int = 15,
    weights: dict[str, int] | None = None,
) -> Problem:
    return Problem(
        event=Event("Test meeting", "Europe/Stockholm", slot, weights=tuple((weights or {}).items())),
        days=tuple(days or [day()]),
        rooms=tuple(rooms or [room("R1")]),
        participants=tuple(people or [person("P1"), person("P2")]),
        sessions=tuple(sessions),
        groups=tuple(groups or ()),
        breaks=tuple(breaks or ()),
        unavailability=tuple(unavailable or ()),
        dependencies=tuple(dependencies or ()),
    )


def away(who: str, start: str | None = None, end: str | None = None, d: date | None = D1) -> Unavailability:
    return Unavailability(who, d, None if start is None else t(start), None if end is None else t(end))


def dep(first: str, second: str, relation: str, gap: int = 0) -> Dependency:
    return Dependency(first, second, Relation(relation), gap)


def at(sid: str, start: str, rid: str = "R1", d: date = D1) -> Assignment:
    return Assignment(sid, d, t(start), rid)


def schedule(*assignments: Assignment) -> Schedule:
    return Schedule(tuple(assignments))


def solve_to_optimum(p: Problem):  # noqa: ANN201
    """Solve a tiny case to its proven optimum; the solver's soft figures must be the checker's."""
    from planner.checker import check
    from planner.solver import Options, Status, solve

    result = solve(p, Options(time_limit=10, seed=1, workers=1))
    assert result.status is Status.OPTIMAL
    assert check(p, result.schedule).soft == result.soft  # one definition on both sides
    return result


def same_optimum(p: Problem, first, second):  # noqa: ANN001, ANN201 - ModelConfig, SolveResult
    """Solve p with two model configurations (20 s, 2 workers): both must reach a proven
    optimum, the same one, and each schedule must pass the checker, with the objective the
    checker's weighted count of its soft figures; the first's result."""
    from planner.checker import check
    from planner.solver import Options, Status, solve

    # no neighbourhood search (it proves nothing): the full model has the whole time
    results = [
        solve(p, Options(time_limit=20, seed=0, workers=2, model=c, lns=False)) for c in (first, second)
    ]
    for result in results:
        assert result.status is Status.OPTIMAL
        report = check(p, result.schedule)
        assert report.ok and report.objective(p) == result.objective
    assert results[0].objective == results[1].objective
    return results[0]


__all__ = ["replace", "Break", "Group", "Kind"]
