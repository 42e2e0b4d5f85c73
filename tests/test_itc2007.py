"""ITC2007 track 2: reading .tim files, the mapping onto the planner's model, the
.sln format and the evaluator, on tiny hand-made instances with hand-computed scores."""

from __future__ import annotations

from datetime import date

import pytest

from planner.errors import InputError
from planner.itc2007.evaluate import evaluate
from planner.itc2007.greedy import greedy
from planner.itc2007.mapping import WEIGHTS, to_problem, to_solution
from planner.itc2007.sln import format_sln, parse_sln
from planner.itc2007.tim import expected_lines, parse_tim
from planner.model import Assignment, Kind, Relation, Schedule
from tests.itc2007_data import SMALL, tim_text


def small():
    return parse_tim(tim_text(**SMALL), name="small")


# -- reading -------------------------------------------------------------------------------


def test_reads_every_block():
    inst = small()
    assert (inst.n_events, inst.n_rooms, inst.n_features, inst.n_students) == (6, 2, 1, 4)
    assert inst.room_sizes == (2, 3)
    assert inst.attendees[5] == frozenset({1, 2, 3})
    assert inst.room_features == (frozenset(), frozenset({0}))
    assert inst.event_features[5] == frozenset({0}) and inst.event_features[0] == frozenset()
    assert inst.allowed[2] == frozenset(range(9, 45)) and inst.allowed[0] == frozenset(range(45))
    assert inst.precedence == ((0, 1),)
    assert len(tim_text(**SMALL).splitlines()) == expected_lines(6, 2, 1, 4)


def test_precedence_given_only_as_minus_one_is_read_too():
    text = tim_text(rooms=[5], attendance=[{0}, {0}], students=1)
    lines = text.splitlines()
    # the last four lines are the 2x2 precedence matrix: (1, 0) = -1 says 1 after 0
    lines[-2] = "-1"
    assert parse_tim("\n".join(lines) + "\n").precedence == ((0, 1),)


def _issue(text: str) -> str:
    with pytest.raises(InputError) as err:
        parse_tim(text, source="bad.tim")
    assert len(err.value.issues) == 1
    return str(err.value.issues[0])


def test_malformed_files_are_input_errors_with_their_line():
    good = tim_text(rooms=[5], attendance=[{0}, {0}], students=1)
    lines = good.splitlines()
    assert "expected 98 values" in _issue("\n".join(lines[:-1]) + "\n")  # one line short
    assert "expected 98 values" in _issue(good + "0\n")  # one line too many
    assert "header" in _issue("2 1 0\n")
    assert "header" in _issue("two 1 0 1\n")
    assert "header" in _issue("")
    bad = list(lines)
    bad[3] = "x"
    assert _issue("\n".join(bad)) == "bad.tim, row 4: not an integer (found 'x')"
    bad = list(lines)
    bad[2] = "2"  # attendance must be 0 or 1
    assert "row 3: attendance: expected one of 0, 1" in _issue("\n".join(bad))
    bad = list(lines)
    bad[-4] = "1"  # event 0 before itself
    assert "cannot precede itself" in _issue("\n".join(bad))
    bad = list(lines)
    bad[1] = "-3"
    assert "room size" in _issue("\n".join(bad))


def test_missing_file_is_an_input_error(tmp_path):
    from planner.itc2007.tim import read_tim

    with pytest.raises(InputError, match="cannot read"):
        read_tim(tmp_path / "nope.tim")


# -- evaluator: each hard constraint refused, and its closest case accepted ------------------

#: Unless a test says otherwise: three events, rooms of size 1 and 2 (room 1 has feature 0),
#: two students; event 0 {s0}, event 1 {s0}, event 2 {s1}.


def _inst(**kw):
    base = dict(rooms=[1, 2], attendance=[{0}, {0}, {1}], students=2, features=1, room_features=[set(), {0}])
    base.update(kw)
    return parse_tim(tim_text(**base))


def test_student_clash():
    inst = _inst()
    bad = evaluate(inst, [(4, 0), (4, 1), (5, 0)])
    assert bad.counts["student_clash"] == 1 and bad.student_clash == ((0, 4, (0, 1)),) and not bad.valid
    assert evaluate(inst, [(4, 0), (5, 1), (4, 1)]).valid  # next timeslot: fine


def test_room_size():
    inst = _inst(attendance=[{0, 1}, set(), set()])
    assert evaluate(inst, [(0, 0), None, None]).room_size == (0,)
    ok = evaluate(inst, [(0, 1), None, None])  # room 1 seats exactly 2
    assert ok.valid and ok.dtf == 0


def test_room_features():
    inst = _inst(event_features=[set(), set(), {0}])
    assert evaluate(inst, [(0, 0), (1, 0), (0, 0)]).counts["room_features"] == 1
    assert evaluate(inst, [(0, 0), (1, 0), (0, 1)]).valid


def test_room_double_booked():
    inst = _inst()
    bad = evaluate(inst, [(3, 1), (4, 1), (3, 1)])
    assert bad.room_double == ((3, 1, (0, 2)),) and bad.hard == 1
    assert evaluate(inst, [(3, 1), (4, 1), (3, 0)]).valid


def test_unavailable_slot():
    inst = _inst(forbidden={0: [10]})
    assert evaluate(inst, [(10, 0), (4, 0), (4, 1)]).unavailable == (0,)
    assert evaluate(inst, [(11, 0), (4, 0), (4, 1)]).valid


def test_precedence_is_strict_and_only_between_placed_events():
    inst = _inst(before=[(0, 1)])
    assert evaluate(inst, [(5, 0), (5, 1), None]).counts == {
        "student_clash": 1,  # same slot: both share student 0 as well
        "room_size": 0,
        "room_features": 0,
        "room_double": 0,
        "unavailable": 0,
        "precedence": 1,
        "out_of_range": 0,
    }
    inst = _inst(attendance=[{0}, {1}, set()], before=[(0, 1)])
    assert evaluate(inst, [(5, 0), (5, 1), None]).precedence == ((0, 1),)  # same slot
    assert evaluate(inst, [(6, 0), (5, 1), None]).precedence == ((0, 1),)  # wrong order
    assert evaluate(inst, [(4, 0), (5, 1), None]).valid  # one slot earlier: fine
    assert evaluate(inst, [(8, 0), (9, 1), None]).valid  # day 0's last slot before day 1's first
    assert evaluate(inst, [(6, 0), None, None]).valid  # the second one unplaced: not checked


def test_out_of_range_and_length():
    inst = _inst()
    assert evaluate(inst, [(45, 0), (0, 0), (0, 1)]).out_of_range == (0,)
    assert evaluate(inst, [(1, 2), (0, 0), (0, 1)]).out_of_range == (0,)
    with pytest.raises(ValueError):
        evaluate(inst, [None, None])


def test_distance_to_feasibility_counts_students_of_unplaced_events():
    inst = _inst(attendance=[{0, 1}, {0}, set()])
    ev = evaluate(inst, [None, (3, 0), None])
    assert ev.valid and not ev.feasible and ev.unplaced == (0, 2) and ev.dtf == 2 + 0
    assert evaluate(inst, [(3, 1), (4, 0), (5, 0)]).feasible


# -- evaluator: the three soft costs, computed by hand -------------------------------------


def test_soft_costs_by_hand():
    # Student 0 attends events 0..8; student 1 only event 4; student 2 events 7, 8.
    # Placements: 0..3 in slots 0,1,2,3 (day 0), 4 in slot 8 (day 0's last), 5 in slot 9
    # (day 1), 6, 7, 8 in slots 24, 25, 26 (day 2, ending in its last slot).
    attendance = [{0}, {0}, {0}, {0}, {0, 1}, {0}, {0}, {0, 2}, {0, 2}]
    inst = parse_tim(tim_text(rooms=[3], attendance=attendance, students=3))
    slots = [0, 1, 2, 3, 8, 9, 24, 25, 26]
    ev = evaluate(inst, [(t, 0) for t in slots])
    assert ev.valid and ev.dtf == 0
    # last slot: s0 day 0 (slot 8) and day 2 (slot 26); s1 day 0; s2 day 2  -> 4
    assert ev.last_slot == 4
    # in a row: s0 day 0 run 0-3 (k=4: 2) and run 8 (1: 0); day 2 run 24-26 (k=3: 1)  -> 3
    # s2 day 2 run 25-26 (k=2: 0)
    assert ev.in_a_row == 3
    # single event days: s0 day 1 (slot 9); s1 day 0  -> 2 (s2 has two on day 2)
    assert ev.single_day == 2
    assert ev.soft == 9


def test_runs_do_not_continue_across_days():
    inst = parse_tim(tim_text(rooms=[3], attendance=[{0}] * 4, students=1))
    ev = evaluate(inst, [(7, 0), (8, 0), (9, 0), (10, 0)])  # two on day 0's end, two on day 1's start
    assert (ev.last_slot, ev.in_a_row, ev.single_day) == (1, 0, 0)
    ev = evaluate(inst, [(9, 0), (10, 0), (11, 0), None])  # three in a row; the fourth unplaced
    assert (ev.last_slot, ev.in_a_row, ev.single_day, ev.dtf) == (0, 1, 0, 1)


# -- the .sln format -------------------------------------------------------------------------


def test_sln_round_trip_and_errors():
    sol = [(0, 1), None, (44, 0)]
    text = format_sln(sol)
    assert text == "0 1\n-1 -1\n44 0\n"
    assert parse_sln(text, 3) == sol
    with pytest.raises(InputError, match="expected 4 lines"):
        parse_sln(text, 4)
    with pytest.raises(InputError, match="row 2"):
        parse_sln("0 1\n3\n", 2)


# -- the mapping onto the planner's model -----------------------------------------------------


def test_mapping_onto_the_planner_model():
    inst = small()
    p = to_problem(inst)
    assert [d.date for d in p.days] == [date(2007, 1, d) for d in range(1, 6)]
    assert all((d.start, d.end) == (9 * 60, 18 * 60) for d in p.days)
    assert p.event.slot_minutes == 60 and p.event.timezone == "UTC"
    assert [(r.id, r.capacity, r.features) for r in p.rooms] == [
        ("r0", 2, frozenset()),
        ("r1", 3, frozenset({"f0"})),
    ]
    e5 = p.session_by_id["e5"]
    assert e5.kind is Kind.OTHER and e5.duration == 60 and e5.features == frozenset({"f0"})
    assert p.required_people["e5"] == frozenset({"s1", "s2", "s3"}) and p.attendance("e5") == 3
    assert all(pp.institution for pp in p.participants)
    # events 2 and 3 are barred from day 0: one span each, the whole of its 9 hours
    assert [(u.who, u.date, u.start, u.end) for u in p.unavailability] == [
        ("e2", date(2007, 1, 1), 540, 1080),
        ("e3", date(2007, 1, 1), 540, 1080),
    ]
    assert [(d.first, d.second, d.relation, d.gap) for d in p.dependencies] == [
        ("e0", "e1", Relation.BEFORE, 0)
    ]
    weights = dict(WEIGHTS)
    assert {g for g, w in weights.items() if w} == {"late_finish", "in_a_row", "single_day"}
    for goal in ("optional_clash", "room_fit", "preference", "group_room"):
        assert p.event.weight(goal) == 0
    assert p.event.max_in_a_row == 2


def test_schedule_to_solution():
    inst = small()
    d = [date(2007, 1, k) for k in range(1, 6)]
    sched = Schedule((Assignment("e0", d[0], 9 * 60, "r0"), Assignment("e1", d[4], 17 * 60, "r1")))
    assert to_solution(inst, sched) == [(0, 0), (44, 1), None, None, None, None]
    with pytest.raises(ValueError):
        to_solution(inst, Schedule((Assignment("e0", d[0], 9 * 60 + 30, "r0"),)))


def test_checker_counts_the_same_soft_costs_as_the_evaluator():
    """The planner's own checker, on the mapped problem, agrees with the competition's rules."""
    from planner import checker

    attendance = [{0}, {0}, {0}, {0}, {0, 1}, {0}, {0}, {0, 2}, {0, 2}]
    inst = parse_tim(tim_text(rooms=[3, 3], attendance=attendance, students=3))
    p = to_problem(inst)
    for slots in (
        [0, 1, 2, 3, 8, 9, 24, 25, 26],
        [0, 2, 4, 6, 8, 10, 12, 14, 16],
        [3, 4, 5, 6, 7, 8, 9, 10, 11],
    ):
        sol = [(t, 0) for t in slots]
        ev = evaluate(inst, sol)
        d = [date(2007, 1, k) for k in range(1, 6)]
        sched = Schedule(
            tuple(Assignment(f"e{e}", d[t // 9], 9 * 60 + (t % 9) * 60, "r0") for e, t in enumerate(slots))
        )
        assert to_solution(inst, sched) == sol
        report = checker.check(p, sched)
        assert report.ok
        got = (report.soft["late_finish"], report.soft["in_a_row"], report.soft["single_day"])
        assert got == (ev.last_slot, ev.in_a_row, ev.single_day), slots


# -- the greedy fallback ----------------------------------------------------------------------


def test_greedy_breaks_no_hard_rule_and_leaves_the_impossible_unplaced():
    inst = small()
    ev = evaluate(inst, greedy(inst))
    assert ev.feasible
    # event 1 can only be placed after event 0, and both want every one of student 0's slots
    tight = parse_tim(
        tim_text(
            rooms=[1],
            attendance=[{0}, {0}, {0, 1}],  # event 2 is too big for the only room
            students=2,
            forbidden={0: [t for t in range(45) if t != 44], 1: [t for t in range(45) if t != 44]},
            before=[(0, 1)],
        )
    )
    sol = greedy(tight)
    ev = evaluate(tight, sol)
    assert ev.valid and sol[2] is None and ev.dtf == 2 + 1  # one of 0 and 1 is left out too
