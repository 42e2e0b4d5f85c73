"""Workbooks and schedules made outside the planner (tests/data/outside/README.md): an
independent generator's meetings, feasible by construction, in three spellings, and its
hidden schedules broken one rule at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.checker import check
from planner.reader import read_problem
from planner.rules import Rule
from planner.schedule_io import read_schedule
from planner.solver import Options, Status, solve

OUTSIDE = Path(__file__).resolve().parent / "data" / "outside"
SPELLINGS = {
    "s40_01": ["s40_01_csv", "s40_01_real.xlsx", "s40_01_text.xlsx"],
    "s40_06": ["s40_06_real.xlsx"],
    "m120_01": ["m120_01_text.xlsx"],
    "m120_02": ["m120_02_csv"],
    "m120_05": ["m120_05_real.xlsx"],
}
#: how each schedule in broken/ was broken, and the rule that must then be named
BROKEN = {
    "capacity": Rule.ROOM_CAPACITY,
    "date_not_in_days": Rule.ON_A_DAY,
    "dep_back_to_back": Rule.DEPENDENCY_BACK_TO_BACK,
    "dep_different_day": Rule.DEPENDENCY_DIFFERENT_DAY,
    "dep_same_day": Rule.DEPENDENCY_SAME_DAY,
    "duplicate_row": Rule.SCHEDULED_ONCE,
    "feature": Rule.ROOM_FEATURES,
    "fixed_room": Rule.FIXED_ROOM,
    "missing_row": Rule.SCHEDULED_ONCE,
    "off_grid": Rule.ON_SLOT_GRID,
    "over_break": Rule.CLEAR_OF_BREAKS,
    "past_day_end": Rule.WITHIN_DAY,
    "person_clash": Rule.PERSON_NO_OVERLAP,
    "person_unavailable": Rule.PERSON_AVAILABLE,
    "plenary_overlap": Rule.PLENARY_EXCLUSIVE,
    "room_and_more_clash": Rule.ROOM_NO_OVERLAP,
    "unknown_room": Rule.KNOWN_ROOM,
}


def test_the_three_spellings_read_as_one_meeting() -> None:
    csv, real, text = (read_problem(OUTSIDE / name) for name in SPELLINGS["s40_01"])
    assert csv == real == text


@pytest.mark.parametrize("meeting", sorted(SPELLINGS))
def test_the_hidden_schedule_keeps_every_rule(meeting: str) -> None:
    """A valid schedule made elsewhere passes the checker, in every spelling."""
    for name in SPELLINGS[meeting]:
        problem = read_problem(OUTSIDE / name)
        report = check(problem, read_schedule(OUTSIDE / f"{meeting}_hidden.csv", problem))
        assert report.ok, (name, [v.message for v in report.violations])


@pytest.mark.parametrize("meeting", sorted(SPELLINGS))
def test_a_schedule_is_found_and_checked_and_an_optimum_beats_the_hidden_one(meeting: str) -> None:
    """Feasible by construction, so the solver must find a schedule; a proven optimum can
    be no worse than the hidden schedule."""
    problem = read_problem(OUTSIDE / SPELLINGS[meeting][0])
    result = solve(problem, Options(time_limit=5, seed=0, workers=2))
    assert result.status.has_schedule, result.status
    report = check(problem, result.schedule)
    assert report.ok, [v.message for v in report.violations]
    assert report.objective(problem) == result.objective
    hidden = check(problem, read_schedule(OUTSIDE / f"{meeting}_hidden.csv", problem)).objective(problem)
    if result.status is Status.OPTIMAL:
        assert result.objective <= hidden


def _broken() -> list[tuple[str, str]]:
    out = []
    for path in sorted((OUTSIDE / "broken").glob("*.csv")):
        size, number, how = path.stem.split("_", 2)  # m120_01_person_clash
        out.append((f"{size}_{number}", how))
    return out


@pytest.mark.parametrize(("meeting", "how"), _broken())
def test_a_schedule_broken_elsewhere_is_refused_by_the_rule_broken(meeting: str, how: str) -> None:
    problem = read_problem(OUTSIDE / SPELLINGS[meeting][0])
    report = check(problem, read_schedule(OUTSIDE / "broken" / f"{meeting}_{how}.csv", problem))
    assert not report.ok
    assert BROKEN[how] in {v.rule for v in report.violations}, [v.message for v in report.violations]


def test_every_way_of_breaking_is_covered() -> None:
    assert {how for _, how in _broken()} == set(BROKEN)
