"""The peer benchmark's own tools: the greedy baseline and the conference-scheduler mapping
hand planner's checker real schedules (or None), never a broken one passed off as valid."""

from __future__ import annotations

import importlib.util
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from planner.checker import check
from planner.generator import generate
from planner.model import Unavailability

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "peers.py"
_spec = importlib.util.spec_from_file_location("peers_benchmark", _PATH)
assert _spec is not None and _spec.loader is not None
peers = importlib.util.module_from_spec(_spec)
sys.modules["peers_benchmark"] = peers
_spec.loader.exec_module(peers)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("restarts", [False, True])
def test_greedy_schedule_passes_the_checker(seed: int, restarts: bool) -> None:
    problem = generate("tiny", seed).problem
    schedule = peers.greedy(problem, deadline=time.perf_counter() + 2, restarts=restarts)
    if schedule is not None:
        report = check(problem, schedule)
        assert report.ok, [v.message for v in report.violations]


def test_greedy_finds_some_tiny_schedules() -> None:
    found = [
        peers.greedy(generate("tiny", seed).problem, time.perf_counter() + 2, True) for seed in range(12)
    ]
    assert any(s is not None for s in found)


def test_greedy_returns_none_when_impossible() -> None:
    problem = generate("tiny", 1).problem
    # Someone required in a session is away on every day: no start is left for it.
    session = next(s for s in problem.sessions if problem.required_people[s.id])
    person = sorted(problem.required_people[session.id])[0]
    impossible = replace(problem, unavailability=problem.unavailability + (Unavailability(person),))
    assert peers.greedy(impossible, deadline=time.perf_counter() + 2, restarts=True) is None


def test_periods_are_clear_of_breaks_and_inside_days() -> None:
    problem = generate("small", 0).problem
    for day, lo, hi in peers.periods(problem):
        window = problem.day_by_date[day]
        assert window.start <= lo < hi <= window.end
        assert not any(b.start < hi and lo < b.end for b in problem.breaks_on(day))


def test_conference_scheduler_schedule_is_checked(tmp_path: Path) -> None:
    pytest.importorskip("conference_scheduler")
    pytest.importorskip("pulp")
    problem = generate("tiny", 1).problem
    got = peers.solve_cs(problem, 20, time.perf_counter(), tmp_path / "cbc.log")
    schedule = got["schedule"]
    if schedule is None:
        pytest.skip(f"conference-scheduler found no schedule: {got['note']}")
    assert {a.session_id for a in schedule.assignments} == {s.id for s in problem.sessions}
    scored = peers.score(problem, schedule)
    report = check(problem, schedule)
    assert scored["checker"] == ("ok" if report.ok else "BROKEN")
    # What its model can express holds: rooms, capacity, features, breaks, required people.
    expressible = {
        "room_no_overlap",
        "room_capacity",
        "room_features",
        "clear_of_breaks",
        "within_day",
        "person_no_overlap",
        "plenary_exclusive",
    }
    assert not [v.message for v in report.violations if v.rule.value in expressible]
