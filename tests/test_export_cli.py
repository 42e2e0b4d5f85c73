"""``planner solve`` writes every export, and ``--previous`` (schedule.csv or schedule.xlsx)
keeps calendars in step: same UIDs, SEQUENCE raised only on moved sessions, dropped
sessions cancelled. Small problems and short searches (--time-limit 5 --workers 2)."""

from __future__ import annotations

import csv
import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from planner.cli import main
from planner.export.sync import session_uid
from planner.generator import generate
from planner.model import Group, Kind, Problem, Unavailability
from planner.reader import read_problem
from planner.schedule_io import read_schedule
from planner.workbook_writer import write_workbook
from tests.builders import D1, D2, day, person, problem, room, session, t
from tests.calendars import both, with_icalendar

FAST = ["--time-limit", "5", "--workers", "2", "--seed", "1"]


def solve(capsys: pytest.CaptureFixture[str], source: Path, out: Path, *extra: object) -> str:
    capsys.readouterr()
    code = main(["solve", str(source), "--out", str(out), *FAST, "--quiet", *map(str, extra)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    return printed


def rows(out: Path) -> dict[str, dict[str, str]]:
    with open(out / "schedule.csv", encoding="utf-8", newline="") as f:
        return {r["session_id"]: r for r in csv.DictReader(f)}


def sequences(out: Path) -> dict[str, tuple[int, str]]:
    reads, _ = with_icalendar((out / "calendars" / "event.ics").read_bytes())
    return {r.uid: (r.sequence, r.status) for r in reads}


def roomy() -> Problem:
    """A meeting with room to move: two days, three rooms, five sessions, no dependencies."""
    people = [person(f"P{i}", ("G1",) if i <= 3 else ("G2",)) for i in range(1, 7)]
    return problem(
        [
            session("S1", 60, groups=("G1",)),
            session("S2", 60, groups=("G2",)),
            session("S3", 90, groups=("G1",), optional=("G2",)),
            session("S4", 30, Kind.OTHER, required=("P1", "P4")),
            session("S5", 60, Kind.PLENARY),
        ],
        rooms=[room("R1", 10), room("R2", 8), room("R3", 6)],
        people=people,
        groups=[Group("G1", "Group one"), Group("G2", "Group two")],
        days=[day(D1, "09:00", "17:00"), day(D2, "09:00", "17:00")],
    )


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[Problem, Path]:
    g = generate("tiny", 1)
    return g.problem, write_workbook(g.problem, tmp_path / "meeting.xlsx")


def test_solve_writes_every_output_and_they_agree(tiny, tmp_path, capsys) -> None:
    problem, source = tiny
    out = tmp_path / "out"
    before = datetime.now(UTC)
    printed = solve(capsys, source, out)
    assert "schedule.xlsx" in printed and "calendars" in printed
    for name in (
        "schedule.csv",
        "schedule.xlsx",
        "schedule.frab.json",
        "summary.json",
        "calendars/event.ics",
    ):
        assert (out / name).is_file(), name
    assert sorted(p.name for p in (out / "calendars" / "people").iterdir()) == sorted(
        f"{p.id}.ics" for p in problem.participants
    )
    assert sorted(p.name for p in (out / "calendars" / "rooms").iterdir()) == sorted(
        f"{r.id}.ics" for r in problem.rooms
    )
    placed = rows(out)
    # The workbook is the same problem and the same schedule.
    assert read_problem(out / "schedule.xlsx") == problem
    assert set(read_schedule(out / "schedule.xlsx").assignments) == set(
        read_schedule(out / "schedule.csv").assignments
    )
    # Each person's calendar, read by both parsers: their sessions at schedule.csv's local times.
    for p in problem.participants:
        wanted = {
            sid for sid in placed if p.id in problem.required_people[sid] | problem.optional_people[sid]
        }
        for reads in both((out / "calendars" / "people" / f"{p.id}.ics").read_bytes()):
            got = {r.uid: r for r in reads}
            assert set(got) == {session_uid(problem.event, sid) for sid in wanted}
            for sid in wanted:
                r, row = got[session_uid(problem.event, sid)], placed[sid]
                assert r.local_start.date().isoformat() == row["date"]
                assert (
                    r.local_start.strftime("%H:%M") == row["start"]
                    and r.local_end.strftime("%H:%M") == row["end"]
                )
    # DTSTAMP is the time of the run, in UTC.
    stamps = [
        line
        for line in (out / "calendars" / "event.ics").read_text().splitlines()
        if line.startswith("DTSTAMP:")
    ]
    assert stamps and len(set(stamps)) == 1
    stamp = datetime.strptime(stamps[0], "DTSTAMP:%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert before - timedelta(seconds=1) <= stamp <= datetime.now(UTC)
    # The frab JSON holds every session once.
    frab = json.loads((out / "schedule.frab.json").read_text(encoding="utf-8"))
    events = [e for d in frab["schedule"]["conference"]["days"] for evs in d["rooms"].values() for e in evs]
    assert sorted(e["guid"] for e in events) == sorted(session_uid(problem.event, sid) for sid in placed)


def test_solving_twice_gives_the_same_uids(tiny, tmp_path, capsys) -> None:
    _, source = tiny
    solve(capsys, source, tmp_path / "a")
    solve(capsys, source, tmp_path / "b", "--seed", "7")
    assert set(sequences(tmp_path / "a")) == set(sequences(tmp_path / "b"))


@pytest.mark.parametrize("previous", ["schedule.xlsx", "schedule.csv"])
def test_a_replan_raises_sequence_on_the_moved_sessions_only(tmp_path, capsys, previous) -> None:
    problem = roomy()
    source = write_workbook(problem, tmp_path / "roomy.xlsx")
    first = tmp_path / "first"
    solve(capsys, source, first)
    placed = rows(first)
    # One change: the first session may no longer run at its time.
    sid = min(placed, key=lambda s: (placed[s]["date"], placed[s]["start"]))
    row = placed[sid]
    away = Unavailability(sid, datetime.fromisoformat(row["date"]).date(), t(row["start"]), t(row["end"]))
    changed = dataclasses.replace(problem, unavailability=(*problem.unavailability, away))
    source2 = write_workbook(changed, tmp_path / "changed.xlsx")
    second = tmp_path / "second"
    solve(capsys, source2, second, "--previous", first / previous)
    now = rows(second)
    moved = {
        s
        for s in now
        if tuple(now[s][k] for k in ("date", "start", "end", "room_id"))
        != tuple(placed[s][k] for k in ("date", "start", "end", "room_id"))
    }
    assert sid in moved
    told = sequences(second)
    assert set(told) == set(sequences(first))  # the same UIDs
    for s in now:
        assert told[session_uid(problem.event, s)] == (1 if s in moved else 0, "CONFIRMED"), s
    for path in (second / "calendars").rglob("*.ics"):  # every file says the same
        for r in with_icalendar(path.read_bytes())[0]:
            assert r.sequence == told[r.uid][0], path.name


def test_a_dropped_session_is_cancelled(tiny, tmp_path, capsys) -> None:
    problem, source = tiny
    first = tmp_path / "first"
    solve(capsys, source, first)
    gone = problem.sessions[-1]
    smaller = dataclasses.replace(
        problem,
        sessions=problem.sessions[:-1],
        dependencies=tuple(d for d in problem.dependencies if gone.id not in (d.first, d.second)),
        unavailability=tuple(u for u in problem.unavailability if u.who != gone.id),
    )
    second = tmp_path / "second"
    solve(
        capsys,
        write_workbook(smaller, tmp_path / "smaller.xlsx"),
        second,
        "--previous",
        first / "schedule.xlsx",
    )
    uid = session_uid(problem.event, gone.id)
    assert sequences(second)[uid] == (1, "CANCELLED")
    had = problem.required_people[gone.id] | problem.optional_people[gone.id]
    for p in problem.participants:
        reads, _ = with_icalendar((second / "calendars" / "people" / f"{p.id}.ics").read_bytes())
        assert [r.status for r in reads if r.uid == uid] == (["CANCELLED"] if p.id in had else [])
