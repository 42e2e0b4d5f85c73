"""Soft goals on tiny meetings whose optimum is known by hand, from the solver's side
and from the checker's."""

from __future__ import annotations

from planner.checker import preference
from tests.builders import D1, D2, at, away, day, problem, room, schedule, session, solve_to_optimum, t

_solve = solve_to_optimum


def test_preferred_day_is_met_when_possible() -> None:
    p = problem([session("A", prefer_day=(D2,))], days=[day(D1), day(D2)])
    result = _solve(p)
    assert result.schedule.by_session["A"].date == D2
    assert result.soft["preference"] == 0


def test_preferred_day_missed_once_when_impossible() -> None:
    # the session cannot run on its preferred day: one preference missed, no more
    p = problem([session("A", prefer_day=(D2,))], days=[day(D1), day(D2)], unavailable=[away("A", d=D2)])
    result = _solve(p)
    assert result.schedule.by_session["A"].date == D1
    assert result.soft["preference"] == 1


def test_afternoon_preference_starts_at_noon_or_later() -> None:
    p = problem([session("A", prefer_time="afternoon")], days=[day(end="17:00")])
    result = _solve(p)
    assert result.schedule.by_session["A"].start >= t("12:00")
    assert result.soft["preference"] == 0


def test_two_sessions_wanting_the_only_morning_slot() -> None:
    # one room, a day 11:00-13:00: only one of two one-hour sessions can start before noon
    p = problem(
        [session("A", prefer_time="morning"), session("B", prefer_time="morning")],
        days=[day(start="11:00", end="13:00")],
    )
    result = _solve(p)
    assert result.soft["preference"] == 1


def test_checker_counts_day_and_time_misses_separately() -> None:
    p = problem(
        [session("A", prefer_day=(D2,), prefer_time="afternoon"), session("B", prefer_time="morning")],
        days=[day(D1), day(D2)],
        rooms=[room("R1"), room("R2")],
    )
    both_missed = schedule(at("A", "09:00", d=D1), at("B", "11:00", "R2"))
    assert preference(p, both_missed) == 2  # A: wrong day and wrong half; B: fine (11:00 < noon)
    all_met = schedule(at("A", "12:00", d=D2), at("B", "09:00", "R2"))
    assert preference(p, all_met) == 0
    just_noon = schedule(at("A", "12:00", d=D2), at("B", "12:00", "R2"))  # noon is afternoon
    assert preference(p, just_noon) == 1


def test_details_name_who_and_what_is_behind_each_figure() -> None:
    from planner.checker import soft_details, soft_figures

    p = problem(
        [
            session("A", prefer_time="afternoon", required=("P1",)),
            session("B", optional=("P1",), attendance=5),
        ],
        rooms=[room("R1", 50), room("R2", 5)],
    )
    s = schedule(at("A", "09:00"), at("B", "09:30", "R2"))
    details = soft_details(p, s)
    figures, _ = soft_figures(p, s)
    for goal in ("optional_clash", "preference"):
        assert len(details[goal]) == figures[goal]
    assert sum(d["empty"] for d in details["room_fit"]) == figures["room_fit"]
    assert details["optional_clash"][0]["person"] == "P1"
    assert details["optional_clash"][0]["sessions"] == ["A", "B"]
    assert details["preference"] == [{"session": "A", "wish": "prefer_time afternoon"}]


def test_summary_json_carries_the_details(tmp_path) -> None:  # noqa: ANN001
    import json

    from planner.cli import main
    from planner.workbook_writer import write_workbook

    p = problem([session("A", prefer_day=(D2,))], days=[day(D1), day(D2)], unavailable=[away("A", d=D2)])
    write_workbook(p, tmp_path / "m.xlsx")
    assert (
        main(
            [
                "solve",
                str(tmp_path / "m.xlsx"),
                "--out",
                str(tmp_path / "out"),
                "--quiet",
                "--time-limit",
                "5",
                "--workers",
                "1",
            ]
        )
        == 0
    )
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["preference"] == 1
    assert summary["details"]["preference"] == [{"session": "A", "wish": "prefer_day 2025-10-22"}]


def _group_meets_twice(weight: int):  # noqa: ANN202
    from tests.builders import Group, person

    # G (2 people) meets 9:00 and 10:00; the small room R2 is closed 10:00-11:00
    return problem(
        [session("G1", groups=("G",)), session("G2", groups=("G",))],
        people=[person("P1", ("G",)), person("P2", ("G",))],
        groups=[Group("G", "Group")],
        rooms=[room("R1", 30), room("R2", 10)],
        days=[day(end="11:00")],
        unavailable=[away("R2", "10:00", "11:00")],
        weights={"group_room": weight},
    )


def test_a_group_may_change_rooms_when_staying_costs_more() -> None:
    # R2 then R1: 8 + 28 empty seats + 10 for the extra room = 46; R1 twice: 56
    result = _solve(_group_meets_twice(10))
    assert result.soft["group_room"] == 1
    assert result.objective == 46


def test_a_group_stays_in_one_room_when_that_is_cheaper() -> None:
    # with 30 per extra room: R2 then R1 = 36 + 30 = 66; R1 twice = 56
    result = _solve(_group_meets_twice(30))
    assert result.soft["group_room"] == 0
    assert {a.room_id for a in result.schedule.assignments} == {"R1"}
    assert result.objective == 56


def test_checker_counts_extra_rooms_per_group() -> None:
    from planner.checker import group_room, group_room_spread

    p = _group_meets_twice(10)
    spread = schedule(at("G1", "09:00", "R2"), at("G2", "10:00", "R1"))
    assert group_room(p, spread) == 1
    assert group_room_spread(p, spread) == [("G", ("R1", "R2"))]
    assert group_room(p, schedule(at("G1", "09:00", "R1"), at("G2", "10:00", "R1"))) == 0
