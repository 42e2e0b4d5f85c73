"""Re-planning from a previous schedule: as few changes as possible, weighed by kind."""

from __future__ import annotations

from dataclasses import replace

from planner.changes import diff
from planner.checker import check
from planner.model import Unavailability
from planner.solver import Options, Status, solve
from tests.builders import D1, D2, at, away, day, problem, room, schedule, session


def _solve(p, previous):  # noqa: ANN001, ANN202
    return solve(p, Options(time_limit=10, seed=1, workers=1, previous=previous))


def test_valid_previous_schedule_is_kept_even_when_a_better_one_exists() -> None:
    # R2 fits A better (10 empty seats fewer), but a new room costs 1 point = 1000
    p = problem([session("A", attendance=10)], rooms=[room("R1", 30), room("R2", 20)])
    previous = schedule(at("A", "10:00", "R1"))
    result = _solve(p, previous)
    assert result.status is Status.OPTIMAL
    assert diff(p, previous, result.schedule) == []
    assert result.soft["change"] == 0


def test_without_previous_the_better_room_wins() -> None:
    p = problem([session("A", attendance=10)], rooms=[room("R1", 30), room("R2", 20)])
    assert solve(p, Options(time_limit=10, workers=1)).schedule.by_session["A"].room_id == "R2"


def test_a_new_room_is_cheaper_than_a_new_time() -> None:
    # R1 is now closed at 9:00-10:00: A can stay at 9:00 in R2 (1 point) or move to 10:00 in R1 (2)
    p = problem([session("A")], rooms=[room("R1"), room("R2")], unavailable=[away("R1", "09:00", "10:00")])
    previous = schedule(at("A", "09:00", "R1"))
    result = _solve(p, previous)
    now = result.schedule.by_session["A"]
    assert (now.start, now.room_id) == (9 * 60, "R2")
    assert result.soft["change"] == 1
    assert [c.kind for c in diff(p, previous, result.schedule)] == ["new room"]


def test_a_new_time_that_day_is_cheaper_than_another_day() -> None:
    # A's only room is closed 9:00-10:00 on day 1: 10:00 that day (2 points) beats day 2 at 9:00 (3)
    p = problem([session("A")], days=[day(D1), day(D2)], unavailable=[away("R1", "09:00", "10:00", d=D1)])
    previous = schedule(at("A", "09:00", "R1", d=D1))
    result = _solve(p, previous)
    now = result.schedule.by_session["A"]
    assert now.date == D1 and now.start >= 10 * 60  # any later time that day costs the same
    assert result.soft["change"] == 2
    assert check(p, result.schedule).ok


def test_only_the_session_that_must_move_moves() -> None:
    # three sessions; P1 now leaves at 10:00, so only B (which needs P1, at 10:00) must move
    sessions = [
        session("A", required=("P2",)),
        session("B", required=("P1",)),
        session("C", required=("P2",)),
    ]
    p = problem(sessions, rooms=[room("R1"), room("R2")], unavailable=[away("P1", "10:00", "12:00")])
    previous = schedule(at("A", "09:00"), at("B", "10:00", "R2"), at("C", "11:00"))
    result = _solve(p, previous)
    changes = diff(p, previous, result.schedule)
    assert [c.session_id for c in changes] == ["B"]
    assert result.schedule.by_session["B"].start == 9 * 60
    assert check(p, result.schedule).ok


def test_dropped_and_added_sessions_are_reported() -> None:
    p = problem([session("A"), session("NEW")], rooms=[room("R1"), room("R2")])
    previous = schedule(at("A", "09:00"), at("OLD", "10:00"))
    result = _solve(p, previous)
    kinds = {c.session_id: c.kind for c in diff(p, previous, result.schedule)}
    assert kinds == {"NEW": "added", "OLD": "dropped"}


def test_replan_through_the_cli_moves_only_what_must_move(tmp_path) -> None:  # noqa: ANN001
    """A room is closed for the time of one session: only that session changes, and
    changes.csv and summary.json say so."""
    import csv
    import json

    from planner.cli import main
    from planner.reader import read_problem
    from planner.schedule_io import read_schedule
    from planner.workbook_writer import write_workbook

    source = "data/heroes-halmstad-2025.xlsx"
    first = tmp_path / "first"
    assert main(["solve", source, "--out", str(first), "--time-limit", "5", "--workers", "2", "--quiet"]) == 0
    problem = read_problem(source)
    before = read_schedule(first / "schedule.csv")
    victim = next(
        a
        for a in before.assignments
        if not problem.session_by_id[a.session_id].is_plenary
        and problem.session_by_id[a.session_id].room is None
    )
    duration = problem.session_by_id[victim.session_id].duration
    closed = replace(
        problem,
        unavailability=problem.unavailability
        + (Unavailability(victim.room_id, victim.date, victim.start, victim.start + duration),),
    )
    changed = tmp_path / "changed.xlsx"
    write_workbook(closed, changed)
    second = tmp_path / "second"
    code = main(
        [
            "solve",
            str(changed),
            "--out",
            str(second),
            "--time-limit",
            "5",
            "--workers",
            "2",
            "--quiet",
            "--previous",
            str(first / "schedule.csv"),
        ]
    )
    assert code == 0
    with (second / "changes.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["session"] for r in rows] == [victim.session_id]
    assert json.loads((second / "summary.json").read_text())["changes"] == 1
