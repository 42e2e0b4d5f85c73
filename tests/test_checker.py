"""Tests of the independent checker: for every hard rule, a schedule that breaks it and
the closest one that does not; the soft figures on cases counted by hand; and a
garbage schedule that must give violations, not an exception.

Test names start with ``test_<rule value>_`` so the meta-test can see that every
rule has its own tests.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.checker import (
    RULE_CHECKS,
    CheckReport,
    Clash,
    Violation,
    check,
    format_report,
    soft_figures,
)
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
    overlaps,
)
from planner.rules import Rule, SoftGoal

D1 = date(2025, 3, 3)
D2 = date(2025, 3, 4)
D3 = date(2025, 3, 5)  # not an event day


# -- builders ----------------------------------------------------------------------------


def t(hm: str) -> int:
    """``HH:MM`` as minutes after midnight."""
    h, m = hm.split(":")
    return int(h) * 60 + int(m)


def sess(
    sid: str, title: str | None = None, kind: Kind = Kind.WORKING_GROUP, duration: int = 60, **kw
) -> Session:
    return Session(sid, title or f"Session {sid}", kind, duration, **kw)


PEOPLE = (
    Participant("ann", "Ann Lee", "KTH", groups=("wp1",)),
    Participant("bob", "Bob Ray", "UiO", groups=("wp1",)),
    Participant("cat", "Cat Fox", "DTU"),
)
ROOMS = (
    Room("R1", "Aula", 10, frozenset({"projector"})),
    Room("R2", "Small", 4),
    Room("R3", "Studio", 20, frozenset({"projector", "hybrid"})),
)


def make(
    *sessions: Session,
    days: tuple[Day, ...] = (Day(D1, t("09:00"), t("17:00")), Day(D2, t("09:00"), t("17:00"))),
    rooms: tuple[Room, ...] = ROOMS,
    people: tuple[Participant, ...] = PEOPLE,
    groups: tuple[Group, ...] = (Group("wp1", "Work package 1"),),
    breaks: tuple[Break, ...] = (),
    away: tuple[Unavailability, ...] = (),
    deps: tuple[Dependency, ...] = (),
    slot: int = 15,
    weights: tuple[tuple[str, int], ...] = (),
) -> Problem:
    """A tiny problem; two sessions S1 (Ann) and S2 (Bob) unless sessions are given."""
    if not sessions:
        sessions = (sess("S1", "Kickoff", required=("ann",)), sess("S2", "Budget", required=("bob",)))
    return Problem(
        event=Event("Test meeting", "Europe/Stockholm", slot, weights=weights),
        days=days,
        rooms=rooms,
        participants=people,
        sessions=sessions,
        groups=groups,
        breaks=breaks,
        unavailability=away,
        dependencies=deps,
    )


def at(sid: str, start: str = "09:00", day: date = D1, room: str = "R1") -> Assignment:
    return Assignment(sid, day, t(start), room)


def sched(*rows: Assignment) -> Schedule:
    return Schedule(tuple(rows))


def found(problem: Problem, schedule: Schedule, rule: Rule) -> list[Violation]:
    """The violations of one rule, checked both alone and through check()."""
    alone = RULE_CHECKS[rule](problem, schedule)
    assert all(v.rule is rule for v in alone)
    assert alone == [v for v in check(problem, schedule).violations if v.rule is rule]
    return alone


def one(problem: Problem, schedule: Schedule, rule: Rule) -> Violation:
    vs = found(problem, schedule, rule)
    assert len(vs) == 1, vs
    return vs[0]


def assert_ok(problem: Problem, schedule: Schedule) -> None:
    report = check(problem, schedule)
    assert report.ok, [v.message for v in report.violations]


# -- meta --------------------------------------------------------------------------------


def test_every_rule_has_one_check_named_after_it() -> None:
    assert set(RULE_CHECKS) == set(Rule)
    for rule, fn in RULE_CHECKS.items():
        assert fn.__name__ == rule.value
        assert fn.__doc__ and "\n" not in fn.__doc__.strip()


def test_every_rule_has_its_own_tests() -> None:
    names = [n for n in vars(sys.modules[__name__]) if n.startswith("test_")]
    missing = [r.value for r in Rule if not any(n.startswith(f"test_{r.value}_") for n in names)]
    assert not missing


# -- 1. one room, one day, on the grid, inside the day, clear of breaks ----------------------


def test_scheduled_once_missing_session_is_broken() -> None:
    v = one(make(), sched(at("S1")), Rule.SCHEDULED_ONCE)
    assert v.sessions == ("S2",)
    assert 'S2 "Budget"' in v.message


def test_scheduled_once_twice_is_broken() -> None:
    v = one(make(), sched(at("S1"), at("S2", "11:00"), at("S1", "14:00", D2, "R2")), Rule.SCHEDULED_ONCE)
    assert v.sessions == ("S1",)
    assert "2 times" in v.message and "Small" in v.message and "14:00" in v.message


def test_scheduled_once_unknown_session_is_broken() -> None:
    v = one(make(), sched(at("S1"), at("S2", "11:00"), at("S9", "13:00")), Rule.SCHEDULED_ONCE)
    assert v.sessions == ("S9",)
    assert "S9" in v.message and "Sessions sheet" in v.message


def test_scheduled_once_holds_with_one_row_each() -> None:
    assert_ok(make(), sched(at("S1"), at("S2", "11:00")))


def test_on_a_day_other_date_is_broken() -> None:
    v = one(make(), sched(at("S1"), at("S2", day=D3)), Rule.ON_A_DAY)
    assert v.sessions == ("S2",)
    assert "2025-03-05" in v.message and 'S2 "Budget"' in v.message


def test_on_a_day_event_day_holds() -> None:
    assert_ok(make(), sched(at("S1"), at("S2", day=D2)))


def test_on_slot_grid_off_grid_is_broken() -> None:
    v = one(make(), sched(at("S1", "09:10"), at("S2", "11:00")), Rule.ON_SLOT_GRID)
    assert v.sessions == ("S1",)
    assert "09:10" in v.message and "15-minute" in v.message


def test_on_slot_grid_counts_from_the_day_start() -> None:
    # The day starts at 09:05, so the grid is 09:05, 09:20, ...: 09:20 is on it, 09:15 is not.
    problem = make(days=(Day(D1, t("09:05"), t("17:05")),))
    assert_ok(problem, sched(at("S1", "09:20"), at("S2", "11:05")))
    v = one(problem, sched(at("S1", "09:15"), at("S2", "11:05")), Rule.ON_SLOT_GRID)
    assert v.sessions == ("S1",) and "09:05" in v.message


def test_on_slot_grid_on_grid_holds() -> None:
    assert_ok(make(), sched(at("S1", "09:15"), at("S2", "16:00")))


def test_within_day_ending_late_is_broken() -> None:
    v = one(make(), sched(at("S1", "16:30"), at("S2")), Rule.WITHIN_DAY)
    assert v.sessions == ("S1",)
    assert "16:30-17:30" in v.message and "09:00-17:00" in v.message


def test_within_day_starting_early_is_broken() -> None:
    assert one(make(), sched(at("S1", "08:45"), at("S2")), Rule.WITHIN_DAY).sessions == ("S1",)


def test_within_day_ending_at_day_end_holds() -> None:
    assert_ok(make(), sched(at("S1", "16:00"), at("S2")))


def test_clear_of_breaks_overlap_is_broken() -> None:
    problem = make(breaks=(Break(None, t("12:00"), t("13:00"), "Lunch"),))
    v = one(problem, sched(at("S1", "11:30"), at("S2", "09:00", D2)), Rule.CLEAR_OF_BREAKS)
    assert v.sessions == ("S1",)
    assert '"Lunch"' in v.message and "12:00-13:00" in v.message and "11:30-12:30" in v.message


def test_clear_of_breaks_every_day_break_applies_to_each_day() -> None:
    problem = make(breaks=(Break(None, t("12:00"), t("13:00"), "Lunch"),))
    assert one(problem, sched(at("S1"), at("S2", "12:45", D2)), Rule.CLEAR_OF_BREAKS).sessions == ("S2",)


def test_clear_of_breaks_touching_holds() -> None:
    # Ends when the break starts, starts when it ends: half-open spans do not overlap.
    problem = make(breaks=(Break(None, t("12:00"), t("13:00"), "Lunch"),))
    assert_ok(problem, sched(at("S1", "11:00"), at("S2", "13:00")))


def test_clear_of_breaks_dated_break_only_on_its_date() -> None:
    problem = make(breaks=(Break(D2, t("12:00"), t("13:00"), "Lunch"),))
    assert_ok(problem, sched(at("S1", "12:00"), at("S2", "13:00", D2)))


# -- 2. rooms --------------------------------------------------------------------------------


def test_known_room_unknown_room_is_broken() -> None:
    v = one(make(), sched(at("S1"), at("S2", room="R9")), Rule.KNOWN_ROOM)
    assert v.sessions == ("S2",) and v.rooms == ("R9",)
    assert "R9" in v.message and "Rooms sheet" in v.message


def test_known_room_known_room_holds() -> None:
    assert_ok(make(), sched(at("S1"), at("S2", room="R2")))


def test_room_no_overlap_overlap_is_broken_once_per_pair() -> None:
    v = one(make(), sched(at("S1"), at("S2", "09:30")), Rule.ROOM_NO_OVERLAP)
    assert v.sessions == ("S1", "S2") and v.rooms == ("R1",)
    assert "Aula" in v.message and 'S1 "Kickoff"' in v.message and 'S2 "Budget"' in v.message


def test_room_no_overlap_back_to_back_holds() -> None:
    # S1 ends at 10:00 and S2 starts at 10:00 in the same room.
    assert_ok(make(), sched(at("S1"), at("S2", "10:00")))


def test_room_no_overlap_other_room_or_day_holds() -> None:
    assert_ok(make(), sched(at("S1"), at("S2", "09:30", room="R2")))
    assert_ok(make(), sched(at("S1"), at("S2", "09:30", D2)))


def test_room_no_overlap_three_sessions_give_each_pair() -> None:
    problem = make(sess("A", duration=120), sess("B"), sess("C"))
    vs = found(problem, sched(at("A"), at("B"), at("C", "10:00")), Rule.ROOM_NO_OVERLAP)
    assert sorted(sorted(v.sessions) for v in vs) == [["A", "B"], ["A", "C"]]


def test_room_capacity_too_small_is_broken() -> None:
    problem = make(sess("S1", "Kickoff", attendance=5))
    v = one(problem, sched(at("S1", room="R2")), Rule.ROOM_CAPACITY)
    assert v.sessions == ("S1",) and v.rooms == ("R2",)
    assert "5 people" in v.message and "Small seats 4" in v.message


def test_room_capacity_exact_fit_holds() -> None:
    assert_ok(make(sess("S1", "Kickoff", attendance=4)), sched(at("S1", room="R2")))


def test_room_capacity_default_attendance_counts_distinct_people() -> None:
    # wp1 = {ann, bob}; required ann again, optional cat: 3 distinct people.
    problem = make(sess("S1", groups=("wp1",), required=("ann",), optional=("cat",)))
    assert problem.attendance("S1") == 3
    small = Room("R2", "Small", 2)
    v = one(make(*problem.sessions, rooms=(small,)), sched(at("S1", room="R2")), Rule.ROOM_CAPACITY)
    assert "3 people" in v.message
    assert_ok(make(*problem.sessions, rooms=(Room("R2", "Small", 3),)), sched(at("S1", room="R2")))


def test_room_capacity_plenary_defaults_to_everyone() -> None:
    problem = make(sess("P", "Opening", Kind.PLENARY), rooms=(Room("R2", "Small", 2), Room("R1", "Aula", 3)))
    assert one(problem, sched(at("P", room="R2")), Rule.ROOM_CAPACITY).rooms == ("R2",)
    assert_ok(problem, sched(at("P", room="R1")))


def test_room_features_missing_feature_is_broken() -> None:
    problem = make(sess("S1", "Kickoff", features=frozenset({"hybrid", "projector"})))
    v = one(problem, sched(at("S1", room="R1")), Rule.ROOM_FEATURES)
    assert v.sessions == ("S1",) and v.rooms == ("R1",)
    assert "hybrid" in v.message and "projector" not in v.message and "Aula" in v.message


def test_room_features_room_with_features_holds() -> None:
    problem = make(sess("S1", "Kickoff", features=frozenset({"hybrid", "projector"})))
    assert_ok(problem, sched(at("S1", room="R3")))


def test_room_available_during_unavailability_is_broken() -> None:
    problem = make(away=(Unavailability("R1", D1, t("09:00"), t("10:00")),))
    v = one(problem, sched(at("S1", "09:45"), at("S2", room="R2")), Rule.ROOM_AVAILABLE)
    assert v.sessions == ("S1",) and v.rooms == ("R1",)
    assert "Aula" in v.message and "09:00-10:00" in v.message and "2025-03-03" in v.message


def test_room_available_whole_day_and_every_day() -> None:
    whole_day = make(away=(Unavailability("R1", D2),))
    v = one(whole_day, sched(at("S1", "16:00", D2), at("S2")), Rule.ROOM_AVAILABLE)
    assert v.sessions == ("S1",) and "unavailable all day" in v.message
    every_day = make(away=(Unavailability("R1", None, t("16:00"), t("17:00")),))
    assert one(every_day, sched(at("S1", "15:15", D2), at("S2")), Rule.ROOM_AVAILABLE).sessions == ("S1",)


def test_room_available_right_after_unavailability_holds() -> None:
    problem = make(away=(Unavailability("R1", D1, t("09:00"), t("10:00")),))
    assert_ok(problem, sched(at("S1", "10:00"), at("S2", room="R2")))
    assert_ok(problem, sched(at("S1", "09:00", D2), at("S2", room="R2")))


def test_session_available_during_unavailability_is_broken() -> None:
    problem = make(away=(Unavailability("S2", D1, t("12:00"), t("13:00")),))
    v = one(problem, sched(at("S1"), at("S2", "11:15")), Rule.SESSION_AVAILABLE)
    assert v.sessions == ("S2",)
    assert 'S2 "Budget"' in v.message and "12:00-13:00" in v.message


def test_session_available_outside_unavailability_holds() -> None:
    problem = make(away=(Unavailability("S2", D1, t("12:00"), t("13:00")),))
    assert_ok(problem, sched(at("S1"), at("S2", "11:00")))
    assert_ok(problem, sched(at("S1"), at("S2", "13:00")))


# -- 3. people ------------------------------------------------------------------------------


def test_person_no_overlap_required_twice_is_broken() -> None:
    problem = make(sess("S1", "Kickoff", groups=("wp1",)), sess("S2", "Budget", required=("ann", "cat")))
    v = one(problem, sched(at("S1"), at("S2", "09:30", room="R3")), Rule.PERSON_NO_OVERLAP)
    assert v.sessions == ("S1", "S2") and v.people == ("ann",)
    assert "Ann Lee (KTH)" in v.message and "Bob" not in v.message
    assert "09:00-10:00" in v.message and "09:30-10:30" in v.message


def test_person_no_overlap_names_everyone_involved() -> None:
    problem = make(sess("S1", groups=("wp1",)), sess("S2", required=("wp1",)))
    v = one(problem, sched(at("S1"), at("S2", room="R3")), Rule.PERSON_NO_OVERLAP)
    assert v.people == ("ann", "bob")
    assert "Ann Lee (KTH) and Bob Ray (UiO) are required" in v.message


def test_person_no_overlap_back_to_back_holds() -> None:
    problem = make(sess("S1", groups=("wp1",)), sess("S2", required=("ann",)))
    assert_ok(problem, sched(at("S1"), at("S2", "10:00", room="R3")))


def test_person_no_overlap_optional_is_not_broken() -> None:
    # Ann is only optional in S2: a soft clash, not a broken rule.
    problem = make(sess("S1", required=("ann",)), sess("S2", required=("bob",), optional=("ann",)))
    report = check(problem, sched(at("S1"), at("S2", room="R3")))
    assert report.ok and report.soft["optional_clash"] == 1


def test_person_available_required_while_away_is_broken() -> None:
    problem = make(away=(Unavailability("ann", D1, t("09:00"), t("10:00")),))
    v = one(problem, sched(at("S1", "09:45"), at("S2", "11:00")), Rule.PERSON_AVAILABLE)
    assert v.sessions == ("S1",) and v.people == ("ann",)
    assert "Ann Lee (KTH)" in v.message and "09:00-10:00" in v.message and 'S1 "Kickoff"' in v.message


def test_person_available_group_unavailability_applies_to_members() -> None:
    problem = make(sess("S1", required=("bob",)), away=(Unavailability("wp1", D1),))
    v = one(problem, sched(at("S1", "14:00")), Rule.PERSON_AVAILABLE)
    assert v.people == ("bob",)


def test_person_available_when_back_holds() -> None:
    problem = make(away=(Unavailability("ann", D1, t("09:00"), t("10:00")),))
    assert_ok(problem, sched(at("S1", "10:00"), at("S2")))
    assert_ok(problem, sched(at("S1", "09:00", D2), at("S2")))


def test_person_available_optional_attendee_is_not_broken() -> None:
    problem = make(sess("S1", required=("bob",), optional=("ann",)), away=(Unavailability("ann", D1),))
    report = check(problem, sched(at("S1")))
    assert report.ok and report.soft["optional_clash"] == 1


# -- 4. plenaries -----------------------------------------------------------------------------


def test_plenary_exclusive_overlap_is_broken() -> None:
    problem = make(sess("P", "Opening", Kind.PLENARY, attendance=3), sess("S1", "Kickoff"))
    v = one(problem, sched(at("P"), at("S1", "09:45", room="R2")), Rule.PLENARY_EXCLUSIVE)
    assert set(v.sessions) == {"P", "S1"}
    assert 'P "Opening"' in v.message and 'S1 "Kickoff"' in v.message


def test_plenary_exclusive_even_without_shared_people() -> None:
    # Nobody is required in the plenary, nobody in S1: still nothing may run beside it.
    problem = make(sess("P", "Opening", Kind.PLENARY, attendance=3), sess("S1", "Kickoff"))
    report = check(problem, sched(at("P"), at("S1", "09:00", room="R2")))
    assert [v.rule for v in report.violations] == [Rule.PLENARY_EXCLUSIVE]


def test_plenary_exclusive_two_plenaries_once() -> None:
    problem = make(sess("P", kind=Kind.PLENARY, attendance=3), sess("Q", kind=Kind.PLENARY, attendance=3))
    v = one(problem, sched(at("P"), at("Q", "09:30", room="R3")), Rule.PLENARY_EXCLUSIVE)
    assert set(v.sessions) == {"P", "Q"}


def test_plenary_exclusive_after_or_other_day_holds() -> None:
    problem = make(sess("P", "Opening", Kind.PLENARY, attendance=3), sess("S1", "Kickoff"))
    assert_ok(problem, sched(at("P"), at("S1", "10:00", room="R2")))
    assert_ok(problem, sched(at("P"), at("S1", "09:00", D2, room="R2")))


# -- 5. dependencies and fixed values --------------------------------------------------------


def dep(relation: Relation, gap: int = 0) -> Problem:
    return make(deps=(Dependency("S1", "S2", relation, gap),))


def test_dependency_before_second_first_is_broken() -> None:
    v = one(dep(Relation.BEFORE), sched(at("S1", "10:00"), at("S2", "09:30")), Rule.DEPENDENCY_BEFORE)
    assert v.sessions == ("S1", "S2")
    assert 'S2 "Budget"' in v.message and 'S1 "Kickoff"' in v.message


def test_dependency_before_gap_is_broken() -> None:
    v = one(dep(Relation.BEFORE, 15), sched(at("S1", "10:00"), at("S2", "11:00")), Rule.DEPENDENCY_BEFORE)
    assert "15 minutes" in v.message


def test_dependency_before_exact_gap_holds() -> None:
    assert_ok(dep(Relation.BEFORE), sched(at("S1", "10:00"), at("S2", "11:00", room="R2")))
    assert_ok(dep(Relation.BEFORE, 15), sched(at("S1", "10:00"), at("S2", "11:15")))


def test_dependency_before_across_days() -> None:
    # Earlier time but a later date: holds; a later time on an earlier date: broken.
    assert_ok(dep(Relation.BEFORE, 60), sched(at("S1", "16:00"), at("S2", "09:00", D2)))
    broken = sched(at("S1", "09:00", D2), at("S2", "16:00", D1))
    assert one(dep(Relation.BEFORE), broken, Rule.DEPENDENCY_BEFORE).sessions == ("S1", "S2")


def test_dependency_before_gap_counts_across_midnight() -> None:
    # 16:00-17:00 on D1 to 09:00 on D2 is 16 hours: a 17-hour gap is not met.
    problem = dep(Relation.BEFORE, 17 * 60)
    assert one(problem, sched(at("S1", "16:00"), at("S2", "09:00", D2)), Rule.DEPENDENCY_BEFORE)


def test_dependency_same_day_different_dates_is_broken() -> None:
    v = one(dep(Relation.SAME_DAY), sched(at("S1"), at("S2", day=D2)), Rule.DEPENDENCY_SAME_DAY)
    assert v.sessions == ("S1", "S2") and "2025-03-04" in v.message and "same day" in v.message


def test_dependency_same_day_same_date_holds() -> None:
    assert_ok(dep(Relation.SAME_DAY), sched(at("S1"), at("S2", "15:00")))


def test_dependency_different_day_same_date_is_broken() -> None:
    v = one(dep(Relation.DIFFERENT_DAY), sched(at("S1"), at("S2", "15:00")), Rule.DEPENDENCY_DIFFERENT_DAY)
    assert v.sessions == ("S1", "S2") and "different days" in v.message


def test_dependency_different_day_other_date_holds() -> None:
    assert_ok(dep(Relation.DIFFERENT_DAY), sched(at("S1"), at("S2", day=D2)))


def test_dependency_not_parallel_overlap_is_broken() -> None:
    v = one(
        dep(Relation.NOT_PARALLEL),
        sched(at("S1"), at("S2", "09:45", room="R2")),
        Rule.DEPENDENCY_NOT_PARALLEL,
    )
    assert v.sessions == ("S1", "S2") and "must not overlap" in v.message


def test_dependency_not_parallel_touching_or_other_day_holds() -> None:
    assert_ok(dep(Relation.NOT_PARALLEL), sched(at("S1"), at("S2", "10:00", room="R2")))
    assert_ok(dep(Relation.NOT_PARALLEL), sched(at("S1"), at("S2", "09:00", D2, room="R2")))


def test_dependency_back_to_back_wrong_gap_is_broken() -> None:
    problem = dep(Relation.BACK_TO_BACK, 15)
    v = one(problem, sched(at("S1"), at("S2", "10:30")), Rule.DEPENDENCY_BACK_TO_BACK)
    assert v.sessions == ("S1", "S2") and "exactly 15 minutes" in v.message
    assert one(problem, sched(at("S1"), at("S2", "10:00")), Rule.DEPENDENCY_BACK_TO_BACK)


def test_dependency_back_to_back_other_day_or_order_is_broken() -> None:
    problem = dep(Relation.BACK_TO_BACK)
    assert one(problem, sched(at("S1"), at("S2", "10:00", D2)), Rule.DEPENDENCY_BACK_TO_BACK)
    assert one(problem, sched(at("S1", "10:00"), at("S2", "09:00")), Rule.DEPENDENCY_BACK_TO_BACK)


def test_dependency_back_to_back_exact_holds() -> None:
    assert_ok(dep(Relation.BACK_TO_BACK), sched(at("S1"), at("S2", "10:00")))
    assert_ok(dep(Relation.BACK_TO_BACK, 15), sched(at("S1"), at("S2", "10:15")))


def test_dependency_rules_only_judge_their_own_relation() -> None:
    # A same_day dependency on different days breaks same_day and nothing else.
    report = check(dep(Relation.SAME_DAY), sched(at("S2", "09:00"), at("S1", "09:00", D2)))
    assert [v.rule for v in report.violations] == [Rule.DEPENDENCY_SAME_DAY]


def test_fixed_day_other_day_is_broken() -> None:
    problem = make(sess("S1", "Kickoff", day=D2))
    v = one(problem, sched(at("S1")), Rule.FIXED_DAY)
    assert v.sessions == ("S1",) and "2025-03-04" in v.message and "2025-03-03" in v.message


def test_fixed_day_that_day_holds() -> None:
    assert_ok(make(sess("S1", "Kickoff", day=D2)), sched(at("S1", day=D2)))


def test_fixed_start_other_start_is_broken() -> None:
    problem = make(sess("S1", "Kickoff", start=t("14:00")))
    v = one(problem, sched(at("S1", "14:15")), Rule.FIXED_START)
    assert v.sessions == ("S1",) and "14:00" in v.message and "14:15" in v.message


def test_fixed_start_that_start_holds() -> None:
    assert_ok(make(sess("S1", "Kickoff", start=t("14:00"))), sched(at("S1", "14:00", D2)))


def test_fixed_room_other_room_is_broken() -> None:
    problem = make(sess("S1", "Kickoff", room="R3"))
    v = one(problem, sched(at("S1", room="R1")), Rule.FIXED_ROOM)
    assert v.sessions == ("S1",) and "R3" in v.rooms and "Studio" in v.message and "Aula" in v.message


def test_fixed_room_that_room_holds() -> None:
    assert_ok(make(sess("S1", "Kickoff", room="R3")), sched(at("S1", room="R3")))


def test_fixed_day_start_and_room_together_hold() -> None:
    problem = make(sess("S1", "Kickoff", day=D2, start=t("14:00"), room="R3"))
    assert_ok(problem, sched(at("S1", "14:00", D2, "R3")))
    report = check(problem, sched(at("S1", "14:15", D1, "R1")))
    assert {v.rule for v in report.violations} == {Rule.FIXED_DAY, Rule.FIXED_START, Rule.FIXED_ROOM}


# -- a bad schedule ---------------------------------------------------------------------------


def test_garbage_schedule_gives_violations_not_an_exception() -> None:
    problem = make(
        sess("S1", "Kickoff", required=("ann",), day=D1, room="R1"),
        sess("S2", "Budget", required=("ann",)),
        sess("P", "Opening", Kind.PLENARY),
        breaks=(Break(None, t("12:00"), t("13:00")),),
        away=(Unavailability("ann", D1), Unavailability("R1")),
        deps=(Dependency("S1", "S2", Relation.BACK_TO_BACK), Dependency("P", "S9x", Relation.BEFORE)),
    )
    garbage = sched(
        at("S9", "09:00"),  # unknown session
        at("S1", "09:07", D3, "R9"),  # unknown room, date not an event day, off grid
        at("S1", "09:00", D3, "R9"),  # the same again
        at("S2", "23:30", D1, "nowhere"),  # runs past midnight in an unknown room
        at("S2", "-01:00", D2, "R1"),  # listed twice, starting before midnight
    )
    report = check(problem, garbage)
    rules = {v.rule for v in report.violations}
    assert {Rule.SCHEDULED_ONCE, Rule.ON_A_DAY, Rule.KNOWN_ROOM, Rule.WITHIN_DAY, Rule.FIXED_DAY} <= rules
    assert any(v.sessions == ("P",) for v in report.violations if v.rule is Rule.SCHEDULED_ONCE)
    # Rules that need a day or a room skip rows they cannot judge; a duplicate does not clash with itself.
    assert Rule.ON_SLOT_GRID not in rules
    assert not any("S9" in v.sessions for v in report.violations if v.rule is not Rule.SCHEDULED_ONCE)
    assert format_report(problem, report)


def test_empty_schedule_reports_every_session_missing() -> None:
    report = check(make(), sched())
    assert [v.sessions for v in report.violations] == [("S1",), ("S2",)]
    assert set(report.soft) == {g.value for g in SoftGoal if g is not SoftGoal.CHANGE}
    assert set(report.soft.values()) == {0}


# -- soft figures -------------------------------------------------------------------------------


def test_soft_optional_clash_counts_pairs_by_hand() -> None:
    problem = make(
        sess("A", required=("ann", "cat"), optional=("bob",)),
        sess("B", required=("cat",), optional=("ann", "bob")),
        sess("C", required=("bob",)),
    )
    # A 09:00-10:00, B 09:30-10:30, C 10:15-11:15 (all same day, distinct rooms).
    schedule = sched(at("A"), at("B", "09:30", room="R3"), at("C", "10:15", room="R2"))
    # ann: required A, optional B, overlap -> 1.  cat: required in A and B -> hard, 0.
    # bob: optional A and B overlap -> 1; optional B, required C overlap 10:15-10:30 -> 1.
    soft, clashes = soft_figures(problem, schedule)
    assert soft["optional_clash"] == 3
    assert set(clashes) == {
        Clash("ann", ("A", "B"), D1, t("09:30"), t("10:00"), "overlap"),
        Clash("bob", ("A", "B"), D1, t("09:30"), t("10:00"), "overlap"),
        Clash("bob", ("B", "C"), D1, t("10:15"), t("10:30"), "overlap"),
    }
    assert [v.rule for v in check(problem, schedule).violations] == [Rule.PERSON_NO_OVERLAP]


def test_soft_optional_clash_touching_sessions_do_not_clash() -> None:
    problem = make(sess("A", required=("ann",)), sess("B", optional=("ann",)))
    assert soft_figures(problem, sched(at("A"), at("B", "10:00")))[0]["optional_clash"] == 0
    assert soft_figures(problem, sched(at("A"), at("B", "09:00", D2)))[0]["optional_clash"] == 0


def test_soft_optional_clash_unavailable_counts_once_per_session() -> None:
    problem = make(
        sess("A", required=("bob",), optional=("ann", "cat"), duration=120),
        away=(
            Unavailability("ann", D1, t("09:15"), t("09:30")),
            Unavailability("ann", D1, t("10:00"), t("12:00")),
            Unavailability("cat", D1, t("11:00"), t("12:00")),  # starts when A ends
        ),
    )
    soft, clashes = soft_figures(problem, sched(at("A")))
    # ann is away twice during A: one clash, 09:15 to 11:00 (the part of A she is away in).
    assert soft["optional_clash"] == 1
    assert clashes == (Clash("ann", ("A",), D1, t("09:15"), t("11:00"), "unavailable"),)


def test_soft_optional_clash_plenary_audience_by_hand() -> None:
    # P is a plenary that requires wp1 (ann, bob); cat is its optional audience.
    # S requires cat and overlaps P (a hard plenary_exclusive violation, still counted):
    # cat is optional in P and required in S -> 1.  ann, bob are not in S -> 0.
    # bob is away during P but required there: a hard violation, not a clash.
    # cat is away during P as well -> 1 more.
    problem = make(
        sess("P", "Opening", Kind.PLENARY, groups=("wp1",)),
        sess("S", required=("cat",)),
        away=(
            Unavailability("bob", D1, t("09:00"), t("09:15")),
            Unavailability("cat", D1, t("09:45"), t("11:00")),
        ),
    )
    soft, clashes = soft_figures(problem, sched(at("P"), at("S", "09:30", room="R2")))
    assert soft["optional_clash"] == 2
    assert {c.reason for c in clashes} == {"overlap", "unavailable"}
    assert all(c.person == "cat" for c in clashes)


def test_soft_room_fit_by_hand() -> None:
    problem = make(
        sess("A", attendance=3),  # Aula seats 10: 7 empty
        sess("B", attendance=4),  # Small seats 4: 0 empty
        sess("C", attendance=25),  # Studio seats 20: too small, counts 0 (a hard violation)
    )
    schedule = sched(at("A"), at("B", room="R2"), at("C", room="R3"))
    assert soft_figures(problem, schedule)[0]["room_fit"] == 7


def test_soft_objective_uses_event_weights() -> None:
    problem = make(sess("A", required=("ann",), attendance=3), sess("B", optional=("ann",), attendance=1))
    schedule = sched(at("A"), at("B", room="R2"))  # 1 clash; 7 + 3 empty seats
    report = check(problem, schedule)
    assert report.soft["optional_clash"] == 1 and report.soft["room_fit"] == 10
    assert report.soft["single_day"] == 1 and report.soft["fair_person"] == 1  # ann: A alone; 1 clash
    assert report.objective(problem) == 50 * 1 + 1 * 10  # people's days and fairness weigh 0 by default
    weighted = make(*problem.sessions, weights=(("optional_clash", 7), ("room_fit", 2)))
    assert check(weighted, schedule).objective(weighted) == 7 + 20


def brute_force_clashes(problem: Problem, schedule: Schedule) -> int:
    """The optional_clash definition, literally, per participant."""
    rows = schedule.by_session
    end = {s.id: rows[s.id].start + s.duration for s in problem.sessions}
    count = 0
    for p in problem.participants:
        req = {s.id for s in problem.sessions if p.id in problem.required_people[s.id]}
        opt = {s.id for s in problem.sessions if p.id in problem.optional_people[s.id]}
        mine = sorted(req | opt)
        for i, a in enumerate(mine):
            for b in mine[i + 1 :]:
                ra, rb = rows[a], rows[b]
                same_time = ra.date == rb.date and overlaps(ra.start, end[a], rb.start, end[b])
                if same_time and (a in opt or b in opt):
                    count += 1
        count += sum(1 for s in opt if problem.is_unavailable(p.id, rows[s].date, rows[s].start, end[s]))
    return count


small_sessions = st.lists(
    st.tuples(
        st.sampled_from([Kind.WORKING_GROUP, Kind.WORKING_GROUP, Kind.PLENARY]),
        st.sampled_from([30, 60, 90]),
        st.sets(st.sampled_from(["ann", "bob", "cat", "wp1"])),
        st.sets(st.sampled_from(["ann", "bob", "cat", "wp1"])),
    ),
    min_size=1,
    max_size=5,
)
placements = st.lists(
    st.tuples(st.sampled_from([D1, D2]), st.integers(0, 12).map(lambda k: t("09:00") + 30 * k)),
    min_size=5,
    max_size=5,
)
absences = st.lists(
    st.tuples(
        st.sampled_from(["ann", "bob", "cat", "wp1"]),
        st.sampled_from([D1, D2, None]),
        st.integers(0, 16).map(lambda k: t("09:00") + 30 * k),
        st.sampled_from([30, 60, 120]),
    ),
    max_size=3,
)


@settings(max_examples=200, deadline=None)
@given(small_sessions, placements, absences)
def test_soft_optional_clash_matches_the_definition(specs, where, gone) -> None:
    sessions = tuple(
        sess(f"S{i}", kind=k, duration=d, required=tuple(sorted(r)), optional=tuple(sorted(o)))
        for i, (k, d, r, o) in enumerate(specs)
    )
    away = tuple(Unavailability(w, d, s, s + n) for w, d, s, n in gone)
    problem = make(*sessions, away=away)
    schedule = sched(
        *(Assignment(s.id, dd, st_, "R1") for s, (dd, st_) in zip(sessions, where, strict=False))
    )
    soft, clashes = soft_figures(problem, schedule)
    assert soft["optional_clash"] == len(clashes) == brute_force_clashes(problem, schedule)
    # Two required people in two overlapping sessions are a hard violation, never a clash.
    for c in clashes:
        if c.reason == "overlap":
            assert not all(c.person in problem.required_people[s] for s in c.sessions)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["S1", "S2", "S9", ""]),
            st.sampled_from([D1, D2, D3, D1 - timedelta(days=400)]),
            st.integers(-2000, 3000),
            st.sampled_from(["R1", "R2", "R9", ""]),
        ),
        max_size=6,
    )
)
def test_garbage_schedules_never_raise(rows) -> None:
    problem = make(
        sess("S1", "Kickoff", Kind.PLENARY, required=("ann",), day=D1, start=t("09:00"), room="R1"),
        sess("S2", "Budget", required=("ann",), optional=("bob",), features=frozenset({"hybrid"})),
        breaks=(Break(None, t("12:00"), t("13:00")),),
        away=(
            Unavailability("wp1", D1, t("10:00"), t("11:00")),
            Unavailability("R1"),
            Unavailability("S2", D2),
        ),
        deps=tuple(Dependency("S1", "S2", r, 15) for r in Relation),
    )
    schedule = sched(*(Assignment(s, d, m, r) for s, d, m, r in rows))
    report = check(problem, schedule)
    assert isinstance(report, CheckReport)
    assert isinstance(format_report(problem, report), str)
    if len({r[0] for r in rows} & {"S1", "S2"}) < 2:
        assert not report.ok


# -- the report as text -----------------------------------------------------------------------


def test_format_report_one_line_per_broken_rule_then_soft_figures() -> None:
    # bob is optional in both A and B, which overlap: 1 clash.  Empty seats in Aula: 7 + 8.
    problem = make(
        sess("A", required=("ann",), optional=("bob",), attendance=3),
        sess("B", required=("ann",), optional=("bob",)),
    )
    schedule = sched(at("A", "09:10"), at("B", "09:30"))
    report = check(problem, schedule)
    text = format_report(problem, report)
    rule_lines = [line for line in text.splitlines() if line.startswith("BROKEN ")]
    assert [line.split()[1].rstrip(":") for line in rule_lines] == [
        "on_slot_grid",
        "room_no_overlap",
        "person_no_overlap",
    ]
    assert "Ann Lee (KTH)" in text
    assert text.index("Soft figures:") > text.index("person_no_overlap")
    assert "optional_clash: 1" in text and "room_fit: 15" in text


def test_format_report_ok() -> None:
    problem = make()
    text = format_report(problem, check(problem, sched(at("S1"), at("S2", "11:00"))))
    assert text.startswith(f"All {len(Rule)} hard rules hold.")
    assert "BROKEN" not in text


@pytest.mark.parametrize("rule", list(Rule))
def test_every_rule_text_is_shown_when_broken(rule: Rule) -> None:
    report = CheckReport((Violation(rule, "Something."),), {"optional_clash": 0, "room_fit": 0}, ())
    assert f"BROKEN {rule.value}: {rule.text}" in format_report(make(), report)
