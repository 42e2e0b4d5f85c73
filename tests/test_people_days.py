"""People's days and fairness: each soft goal on a tiny meeting whose optimum is known by
hand, solved to that optimum (the solver's figure equal to the checker's), and the
checker's count on hand-made schedules, including the closest cases that cost nothing."""

from __future__ import annotations

from dataclasses import replace

from planner.checker import (
    cross_day,
    fair_institution,
    fair_person,
    idle_gap,
    idle_gaps,
    in_a_row,
    late_finish,
    optional_clashes,
    single_day,
    soft_details,
)
from planner.model import Kind
from tests.builders import (
    D1,
    D2,
    Break,
    at,
    away,
    day,
    person,
    problem,
    room,
    schedule,
    session,
    solve_to_optimum,
    t,
)

#: every goal off, so each test weighs only the goal it is about
QUIET = {"optional_clash": 0, "room_fit": 0, "preference": 0, "group_room": 0}


_solve = solve_to_optimum


# -- idle_gap ---------------------------------------------------------------------------


def test_waiting_costs_minutes_and_the_solver_waits_least() -> None:
    # A is fixed at 9:00; B cannot run 10:00-11:00: P1 waits one hour, no more
    p = problem(
        [session("A", required=("P1",), start=t("09:00")), session("B", required=("P1",))],
        days=[day(end="13:00")],
        unavailable=[away("B", "10:00", "11:00")],
        weights={**QUIET, "idle_gap": 1},
    )
    result = _solve(p)
    assert result.schedule.by_session["B"].start == t("11:00")
    assert result.soft["idle_gap"] == 60
    assert result.objective == 60


def test_breaks_and_time_away_are_not_waiting() -> None:
    p = problem(
        [session("A", required=("P1",)), session("B", required=("P1",))],
        days=[day(end="13:00")],
        breaks=[Break(None, t("10:00"), t("10:30"), "coffee")],
        unavailable=[away("P1", "10:30", "11:00")],
    )
    assert idle_gap(p, schedule(at("A", "09:00"), at("B", "11:00"))) == 0  # coffee, then away
    assert idle_gap(p, schedule(at("A", "09:00"), at("B", "11:15"))) == 15  # the closest that costs
    gaps = idle_gaps(p, schedule(at("A", "09:00"), at("B", "11:15")))
    assert [(g.who, g.sessions, g.amount) for g in gaps] == [("P1", ("A", "B"), 15)]


def test_waiting_is_counted_per_day_not_overnight() -> None:
    p = problem(
        [session("A", required=("P1",)), session("B", required=("P1",))],
        days=[day(D1), day(D2)],
    )
    assert idle_gap(p, schedule(at("A", "09:00"), at("B", "11:00", d=D2))) == 0
    assert idle_gap(p, schedule(at("A", "09:00"), at("B", "11:00"))) == 60


# -- in_a_row ---------------------------------------------------------------------------


def _four_sessions(end: str, **weights: int):  # noqa: ANN202
    return problem(
        [session(s, required=("P1",)) for s in "ABCD"],
        days=[day(end=end)],
        weights={**QUIET, **weights},
    )


def test_four_in_a_row_cost_one_when_unavoidable() -> None:
    result = _solve(_four_sessions("13:00", in_a_row=10))  # four hours for four sessions
    assert result.soft["in_a_row"] == 1
    assert result.objective == 10


def test_a_pause_is_found_when_there_is_time_for_it() -> None:
    result = _solve(_four_sessions("13:15", in_a_row=10))  # a quarter of an hour to spare
    assert result.soft["in_a_row"] == 0
    starts = sorted(a.start for a in result.schedule.assignments)
    assert any(b - a > 60 for a, b in zip(starts, starts[1:], strict=False))


def test_the_limit_comes_from_the_event_sheet() -> None:
    p = _four_sessions("13:00", in_a_row=1)
    p = replace(p, event=replace(p.event, max_in_a_row=2))
    result = _solve(p)
    assert result.soft["in_a_row"] == 2  # four back to back, two beyond the limit


def test_runs_of_sessions_of_different_lengths() -> None:
    # 60 + 30 + 60 + 30 minutes fill 09:00-12:00: four in a row, one beyond; 12:15 gives a pause
    lengths = {"A": 60, "B": 30, "C": 60, "D": 30}
    sessions = [session(s, minutes, required=("P1",)) for s, minutes in lengths.items()]
    tight = problem(sessions, days=[day(end="12:00")], weights={**QUIET, "in_a_row": 10})
    assert _solve(tight).soft["in_a_row"] == 1
    roomy = problem(sessions, days=[day(end="12:15")], weights={**QUIET, "in_a_row": 10})
    assert _solve(roomy).soft["in_a_row"] == 0


def test_checker_counts_runs_broken_by_a_pause_or_a_break() -> None:
    p = _four_sessions("14:00")
    back_to_back = schedule(at("A", "09:00"), at("B", "10:00"), at("C", "11:00"), at("D", "12:00"))
    assert in_a_row(p, back_to_back) == 1
    paused = schedule(at("A", "09:00"), at("B", "10:00"), at("C", "11:00"), at("D", "12:15"))
    assert in_a_row(p, paused) == 0


# -- single_day -------------------------------------------------------------------------


def test_a_lone_session_is_moved_to_the_day_of_the_others() -> None:
    p = problem(
        [session("A", required=("P1",), day=D1), session("B", required=("P1",))],
        days=[day(D1), day(D2)],
        unavailable=[away("B", "09:00", "10:00", d=D1)],  # B on D1 only after A's hour
        weights={**QUIET, "single_day": 5},
    )
    result = _solve(p)
    assert result.schedule.by_session["B"].date == D1
    assert result.soft["single_day"] == 0


def test_single_days_when_the_sessions_cannot_share_a_day() -> None:
    p = problem(
        [session("A", required=("P1",), day=D1), session("B", required=("P1",), day=D2)],
        days=[day(D1), day(D2)],
        weights={**QUIET, "single_day": 5},
    )
    result = _solve(p)
    assert result.soft["single_day"] == 2
    assert single_day(p, schedule(at("A", "09:00"), at("B", "10:00"))) == 0  # the closest: one day


# -- late_finish ------------------------------------------------------------------------


def test_sessions_leave_the_last_slot_free_when_they_can() -> None:
    p = problem(
        [session("A", required=("P1",)), session("B", required=("P2",))],
        rooms=[room("R1"), room("R2")],
        days=[day(end="11:00")],
        weights={**QUIET, "late_finish": 3},
    )
    result = _solve(p)
    assert result.soft["late_finish"] == 0
    assert late_finish(p, schedule(at("A", "10:00"), at("B", "09:00", "R2"))) == 1
    assert (
        late_finish(p, schedule(at("A", "09:45"), at("B", "09:00", "R2"))) == 0
    )  # ends as 10:45-11:00 begins


def test_one_late_finish_when_two_hours_fill_the_day() -> None:
    p = problem(
        [session("A", required=("P1",)), session("B", required=("P1",))],
        days=[day(end="11:00")],
        weights={**QUIET, "late_finish": 3},
    )
    assert _solve(p).soft["late_finish"] == 1


# -- cross_day --------------------------------------------------------------------------


def _cross(w2_day):  # noqa: ANN001, ANN202
    return problem(
        [
            session("W1", groups=("G1",), day=D1),
            session("W2", groups=("G2",), day=w2_day),
            session("X", kind=Kind.CROSS_PACKAGE, groups=("G1", "G2")),
        ],
        rooms=[room("R1"), room("R2")],
        people=[person("P1", ("G1",)), person("P2", ("G2",))],
        days=[day(D1), day(D2)],
        weights={**QUIET, "cross_day": 7},
    )


def test_a_cross_package_meeting_joins_its_groups_day() -> None:
    result = _solve(_cross(D1))
    assert result.schedule.by_session["X"].date == D1
    assert result.soft["cross_day"] == 0


def test_a_cross_package_meeting_misses_one_of_two_group_days() -> None:
    result = _solve(_cross(D2))
    assert result.soft["cross_day"] == 1
    p = _cross(D2)
    s = schedule(at("W1", "09:00"), at("W2", "09:00", d=D2), at("X", "10:00"))
    assert cross_day(p, s) == 1
    assert soft_details(p, s)["cross_day"] == [{"session": "X", "group": "G2", "date": D1.isoformat()}]


# -- fairness ---------------------------------------------------------------------------


def _fairness(**weights: int):  # noqa: ANN202
    """R1 holds X 9-10, Y 10-11, V 11-12; Z (two hours) runs beside them in R2 from 9 or 10.
    Z at 9: P1 (optional in Z, X, Y) has both clashes. Z at 10: P1, P2, P3, P4 one each
    (Z-Y for P1; Z-V for the others, all of institution K)."""
    people = [person("P1", institution="J")] + [person(p, institution="K") for p in ("P2", "P3", "P4")]
    fixed = {"X": "09:00", "Y": "10:00", "V": "11:00"}
    wanted = {"X": ("P1",), "Y": ("P1",), "V": ("P2", "P3", "P4")}
    return problem(
        [session(s, kind=Kind.OTHER, optional=wanted[s], start=t(h), room="R1") for s, h in fixed.items()]
        + [session("Z", 120, kind=Kind.OTHER, optional=("P1", "P2", "P3", "P4"), room="R2")],
        rooms=[room("R1"), room("R2")],
        people=people,
        days=[day(end="12:00")],
        weights={**QUIET, "optional_clash": 1, **weights},
    )


def test_without_fairness_the_fewest_clashes_win() -> None:
    result = _solve(_fairness())
    assert result.schedule.by_session["Z"].start == t("09:00")
    assert (result.soft["optional_clash"], result.soft["fair_person"]) == (2, 2)


def test_fairness_for_people_spreads_clashes_over_people() -> None:
    result = _solve(_fairness(fair_person=10))
    assert result.schedule.by_session["Z"].start == t("10:00")
    assert (result.soft["optional_clash"], result.soft["fair_person"]) == (4, 1)
    assert result.objective == 4 + 10


def test_fairness_for_institutions_keeps_clashes_off_one_delegation() -> None:
    # Z at 10 would put three clashes on K's delegation; Z at 9 puts two on J's (one person)
    result = _solve(_fairness(fair_person=10, fair_institution=10))
    assert result.schedule.by_session["Z"].start == t("09:00")
    assert result.soft["fair_institution"] == 2
    assert result.objective == 2 + 20 + 20


def test_checker_loads_per_person_and_institution() -> None:
    p = _fairness()
    base = (at("X", "09:00"), at("Y", "10:00"), at("V", "11:00"))
    early = schedule(*base, at("Z", "09:00", "R2"))
    clashes = optional_clashes(p, early)
    assert (fair_person(p, clashes), fair_institution(p, clashes)) == (2, 2)
    late = schedule(*base, at("Z", "10:00", "R2"))
    clashes = optional_clashes(p, late)
    assert (fair_person(p, clashes), fair_institution(p, clashes)) == (1, 3)
    details = soft_details(p, late)
    assert details["fair_institution"] == [
        {"institution": "K", "clashes": 3},
        {"institution": "J", "clashes": 1},
    ]
    assert details["fair_person"][0] == {"person": "P1", "clashes": 1}
