"""Every hard rule, from the solver's side: a tiny problem that forces a violation
must be refused (infeasible), and the closest problem that allows it must be
solved with a schedule the independent checker accepts. For the refused case,
the schedule an organiser might have written by hand is shown to the checker,
which must name the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from planner.checker import check
from planner.model import Kind, Problem, Schedule
from planner.rules import Rule
from planner.solver import Options, Status, solve
from planner.solver.cpsat import ModelConfig
from tests.builders import (
    D1,
    D2,
    Break,
    Group,
    at,
    away,
    day,
    dep,
    person,
    problem,
    room,
    schedule,
    session,
    t,
)


@dataclass(frozen=True)
class Case:
    rule: Rule
    refused: Problem
    accepted: Problem
    #: a schedule of ``refused`` that breaks exactly this rule, for the checker
    by_hand: Schedule


def _sessions_ab(**kw_b) -> list:  # noqa: ANN003
    return [session("A", required=("P1",)), session("B", required=("P2",), **kw_b)]


CASES = [
    Case(  # 9:00-12:00 holds two hours only if it starts by 10:00
        Rule.WITHIN_DAY,
        problem([session("A", 120, start=t("10:30"))]),
        problem([session("A", 120, start=t("10:00"))]),
        schedule(at("A", "10:30")),
    ),
    Case(  # a break at 10:00-10:30 leaves 60 and 90 minutes: no 2-hour stretch
        Rule.CLEAR_OF_BREAKS,
        problem([session("A", 120)], breaks=[Break(None, t("10:00"), t("10:30"))]),
        problem([session("A", 90)], breaks=[Break(None, t("10:00"), t("10:30"))]),
        schedule(at("A", "09:00")),
    ),
    Case(  # one room, two one-hour sessions, one hour of day
        Rule.ROOM_NO_OVERLAP,
        problem(_sessions_ab(), days=[day(end="10:00")]),
        problem(_sessions_ab(), days=[day(end="11:00")]),
        schedule(at("A", "09:00"), at("B", "09:00")),
    ),
    Case(
        Rule.ROOM_CAPACITY,
        problem([session("A", attendance=21)], rooms=[room("R1", 20)]),
        problem([session("A", attendance=20)], rooms=[room("R1", 20)]),
        schedule(at("A", "09:00")),
    ),
    Case(
        Rule.ROOM_FEATURES,
        problem([session("A", features=frozenset({"hybrid", "lab"}))], rooms=[room("R1", features="hybrid")]),
        problem([session("A", features=frozenset({"hybrid"}))], rooms=[room("R1", features="hybrid")]),
        schedule(at("A", "09:00")),
    ),
    Case(  # the only room is closed 9:00-10:00 and the day ends at 11:00
        Rule.ROOM_AVAILABLE,
        problem([session("A", 120)], days=[day(end="11:00")], unavailable=[away("R1", "09:00", "10:00")]),
        problem([session("A", 60)], days=[day(end="11:00")], unavailable=[away("R1", "09:00", "10:00")]),
        schedule(at("A", "09:00")),
    ),
    Case(
        Rule.SESSION_AVAILABLE,
        problem([session("A", 120)], days=[day(end="11:00")], unavailable=[away("A", "10:45", "11:00")]),
        problem([session("A", 105)], days=[day(end="11:00")], unavailable=[away("A", "10:45", "11:00")]),
        schedule(at("A", "09:00")),
    ),
    Case(  # P1 required in both, an hour of day, two rooms
        Rule.PERSON_NO_OVERLAP,
        problem(
            [session("A", required=("P1",)), session("B", required=("P1",))],
            rooms=[room("R1"), room("R2")],
            days=[day(end="10:00")],
        ),
        problem(
            [session("A", required=("P1",)), session("B", required=("P2",))],
            rooms=[room("R1"), room("R2")],
            days=[day(end="10:00")],
        ),
        schedule(at("A", "09:00"), at("B", "09:00", "R2")),
    ),
    Case(  # a group's member arrives at 10:00; the group meets for 2 h on a day to 11:00
        Rule.PERSON_AVAILABLE,
        problem(
            [session("A", 120, groups=("G",))],
            people=[person("P1", ("G",)), person("P2", ("G",))],
            groups=[Group("G", "Group")],
            days=[day(end="11:00")],
            unavailable=[away("P2", "09:00", "10:00")],
        ),
        problem(  # the same person only optional: a clash, not a broken rule
            [session("A", 120, groups=("G",), optional=("P2",))],
            people=[person("P1", ("G",)), person("P2")],
            groups=[Group("G", "Group")],
            days=[day(end="11:00")],
            unavailable=[away("P2", "09:00", "10:00")],
        ),
        schedule(at("A", "09:00")),
    ),
    Case(  # nobody is shared, two rooms, but nothing may run beside a plenary
        Rule.PLENARY_EXCLUSIVE,
        problem(
            [session("PL", kind=Kind.PLENARY), session("A", required=("P1",))],
            rooms=[room("R1"), room("R2")],
            days=[day(end="10:00")],
        ),
        problem(
            [session("PL", kind=Kind.PLENARY), session("A", required=("P1",))],
            rooms=[room("R1"), room("R2")],
            days=[day(end="11:00")],
        ),
        schedule(at("PL", "09:00"), at("A", "09:00", "R2")),
    ),
    Case(  # A before B with a 30-minute gap does not fit in 2.5 h; with 2 rooms
        Rule.DEPENDENCY_BEFORE,
        problem(
            _sessions_ab(),
            rooms=[room("R1"), room("R2")],
            days=[day(end="11:15")],
            dependencies=[dep("A", "B", "before", 30)],
        ),
        problem(
            _sessions_ab(),
            rooms=[room("R1"), room("R2")],
            days=[day(end="11:30")],
            dependencies=[dep("A", "B", "before", 30)],
        ),
        schedule(at("A", "09:00"), at("B", "10:15", "R2")),
    ),
    Case(  # A is fixed on day 1, B on day 2
        Rule.DEPENDENCY_SAME_DAY,
        problem(
            [session("A", day=D1), session("B", day=D2)],
            days=[day(D1), day(D2)],
            dependencies=[dep("A", "B", "same_day")],
        ),
        problem(
            [session("A", day=D1), session("B")],
            days=[day(D1), day(D2)],
            dependencies=[dep("A", "B", "same_day")],
        ),
        schedule(at("A", "09:00", d=D1), at("B", "09:00", d=D2)),
    ),
    Case(
        Rule.DEPENDENCY_DIFFERENT_DAY,
        problem([session("A"), session("B")], dependencies=[dep("A", "B", "different_day")]),
        problem(
            [session("A"), session("B")],
            days=[day(D1), day(D2)],
            dependencies=[dep("A", "B", "different_day")],
        ),
        schedule(at("A", "09:00"), at("B", "10:00")),
    ),
    Case(  # two rooms, an hour: only side by side, which not_parallel forbids
        Rule.DEPENDENCY_NOT_PARALLEL,
        problem(
            [session("A"), session("B")],
            rooms=[room("R1"), room("R2")],
            days=[day(end="10:00")],
            dependencies=[dep("A", "B", "not_parallel")],
        ),
        problem(
            [session("A"), session("B")],
            rooms=[room("R1"), room("R2")],
            days=[day(end="11:00")],
            dependencies=[dep("A", "B", "not_parallel")],
        ),
        schedule(at("A", "09:00"), at("B", "09:00", "R2")),
    ),
    Case(  # B must start 15 min after A ends, but A is fixed at 10:00 and the day ends at 11:00
        Rule.DEPENDENCY_BACK_TO_BACK,
        problem(
            [session("A", start=t("10:00")), session("B", 60)],
            rooms=[room("R1"), room("R2")],
            days=[day(end="12:00")],
            dependencies=[dep("A", "B", "back_to_back", 75)],
        ),
        problem(
            [session("A", start=t("10:00")), session("B", 60)],
            rooms=[room("R1"), room("R2")],
            days=[day(end="12:00")],
            dependencies=[dep("A", "B", "back_to_back", 0)],
        ),
        schedule(at("A", "10:00"), at("B", "11:00", "R2")),
    ),
    Case(  # fixed on a day whose session is closed
        Rule.FIXED_DAY,
        problem([session("A", day=D2)], days=[day(D1), day(D2)], unavailable=[away("A", d=D2)]),
        problem([session("A", day=D1)], days=[day(D1), day(D2)], unavailable=[away("A", d=D2)]),
        schedule(at("A", "09:00", d=D1)),
    ),
    Case(  # two sessions fixed at the same time for the same person
        Rule.FIXED_START,
        problem(
            [
                session("A", start=t("09:00"), required=("P1",)),
                session("B", start=t("09:30"), required=("P1",)),
            ],
            rooms=[room("R1"), room("R2")],
        ),
        problem(
            [
                session("A", start=t("09:00"), required=("P1",)),
                session("B", start=t("10:00"), required=("P1",)),
            ],
            rooms=[room("R1"), room("R2")],
        ),
        schedule(at("A", "09:00"), at("B", "10:00", "R2")),
    ),
    Case(  # both fixed in R1 for the whole day
        Rule.FIXED_ROOM,
        problem([session("A", 180, room="R1"), session("B", 180, room="R1")], rooms=[room("R1"), room("R2")]),
        problem([session("A", 180, room="R1"), session("B", 180, room="R2")], rooms=[room("R1"), room("R2")]),
        schedule(at("A", "09:00"), at("B", "09:00", "R2")),
    ),
]


#: the default formulation (for these small meetings: left-justified starts, the rules per
#: slot), the same without that dominance, the rules on intervals, and every redundant
#: family switched on (they must never cut off a valid schedule nor let a broken one through)
CONFIGS = {
    "default": ModelConfig(),
    "free_starts": ModelConfig(left_justified=False),
    "intervals": ModelConfig(time_indexed=False),
    "redundant": ModelConfig(person_time_indexed=True, room_supply=True, clash_cuts=True),
}


def _solve(p: Problem, config: ModelConfig = CONFIGS["default"]):  # noqa: ANN202
    return solve(p, Options(time_limit=10, seed=1, workers=1, model=config))


@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("case", CASES, ids=[c.rule.value for c in CASES])
def test_rule_refused_when_forced(case: Case, config: str) -> None:
    result = _solve(case.refused, CONFIGS[config])
    assert result.status is Status.INFEASIBLE
    assert result.schedule is None


@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("case", CASES, ids=[c.rule.value for c in CASES])
def test_rule_closest_case_solved_and_checked(case: Case, config: str) -> None:
    result = _solve(case.accepted, CONFIGS[config])
    assert result.status is Status.OPTIMAL
    report = check(case.accepted, result.schedule)
    assert report.violations == ()


@pytest.mark.parametrize("case", CASES, ids=[c.rule.value for c in CASES])
def test_checker_names_the_rule_in_the_hand_made_schedule(case: Case) -> None:
    report = check(case.refused, case.by_hand)
    assert case.rule in {v.rule for v in report.violations}


def test_rules_covered_here_or_structural() -> None:
    """Each hard rule has a forced case above, except those no solver output can break:
    a schedule lists each session once, on a day, on the grid, in a known room."""
    structural = {Rule.SCHEDULED_ONCE, Rule.ON_A_DAY, Rule.ON_SLOT_GRID, Rule.KNOWN_ROOM}
    assert {c.rule for c in CASES} | structural == set(Rule)


def test_solution_is_on_grid_and_complete() -> None:
    p = problem([session("A", 45), session("B", 30)], days=[day(start="09:10", end="11:00")], slot=5)
    result = _solve(p)
    assert result.status is Status.OPTIMAL
    assert sorted(a.session_id for a in result.schedule.assignments) == ["A", "B"]
    for a in result.schedule.assignments:
        assert (a.start - t("09:10")) % 5 == 0
    assert check(p, result.schedule).ok


def test_before_holds_across_days() -> None:
    """A late first session on day 1 with a long gap: the second goes to day 2."""
    p = problem(
        [session("A", start=t("11:00"), day=D1), session("B")],
        days=[day(D1), day(D2)],
        rooms=[room("R1"), room("R2")],
        dependencies=[dep("A", "B", "before", 120)],
    )
    result = _solve(p)
    assert result.status is Status.OPTIMAL
    assert result.schedule.by_session["B"].date == D2
    assert check(p, result.schedule).ok
