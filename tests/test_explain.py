"""``planner explain`` and the text of ``planner solve`` on exit 3: why no schedule exists.

One infeasible workbook per cause, written with the workbook writer and run
through the command line: ``solve`` exits 3 and ``explain`` exits 0, and both
name the culprit sessions, people and rooms. Causes that only the core search
finds are checked for minimality: the kept rule instances cannot hold
together, and without any one of them the rest can (each verified by solving
the instances alone). Searches are short, on one worker, with a fixed seed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from planner import explain as pre
from planner.cli import main
from planner.explain import CORE, PRE_CHECK, Explanation, Reason, explain, format_explanation
from planner.model import Kind, Participant, Problem
from planner.rules import Rule
from planner.solver.explain import SHRINKABLE, Verdict, check_instances
from planner.workbook_writer import write_workbook
from tests.builders import D1, D2, Break, away, day, dep, problem, room, session, t

FAST = ["--time-limit", "5", "--workers", "1", "--seed", "1"]

ANA = Participant("P1", "Ana Sousa", "Polytechnic University of Beja")
BO = Participant("P2", "Bo Ek", "Halmstad University")
CY = Participant("P3", "Cy Lind", "University of Agder")


@dataclass(frozen=True)
class Case:
    name: str
    problem: Problem
    rule: Rule
    method: str
    #: words the explanation must show: names of the culprit sessions, people, rooms
    shown: tuple[str, ...]
    #: ids the reasons must carry
    sessions: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    rooms: tuple[str, ...] = ()


CASES = [
    Case(  # 40 people, rooms of 20 and 30
        "capacity",
        problem([session("S1", attendance=40), session("S2")], rooms=[room("R1", 20), room("R2", 30)]),
        Rule.ROOM_CAPACITY,
        PRE_CHECK,
        ('S1 "Session S1"', "40", "30", "Room R2"),
        sessions=("S1",),
        rooms=("R2",),
    ),
    Case(  # a lab no room has
        "feature",
        problem(
            [session("S1", features=frozenset({"hybrid", "lab"}))],
            rooms=[room("R1", features="hybrid"), room("R2", features="projector")],
        ),
        Rule.ROOM_FEATURES,
        PRE_CHECK,
        ('S1 "Session S1"', "needs lab, which no room has"),
        sessions=("S1",),
    ),
    Case(  # 4 x 90 min for Ana, who is present 13:00-17:30 less a 45-minute lunch: 3 h 45 min
        "person overload",
        problem(
            [session(f"S{i}", 90, required=("P1",)) for i in range(1, 5)],
            rooms=[room("R1"), room("R2")],
            people=[ANA, BO],
            days=[day(D1, "09:00", "17:30")],
            breaks=[Break(None, t("12:30"), t("13:15"), "Lunch")],
            unavailable=[away("P1", "09:00", "13:00")],
        ),
        Rule.PERSON_NO_OVERLAP,
        PRE_CHECK,
        (
            "Ana Sousa (Polytechnic University of Beja) is required in 4 sessions totalling 6 h",
            "present only on 21 Oct 13:00–17:30 (4 h 15 min outside breaks)",
        ),
        sessions=("S1", "S2", "S3", "S4"),
        people=("P1",),
    ),
    Case(  # Bo is required in both, and both are fixed at overlapping times
        "pinned clash",
        problem(
            [
                session("S1", day=D1, start=t("09:00"), required=("P1", "P2")),
                session("S2", day=D1, start=t("09:30"), required=("P2", "P3")),
            ],
            rooms=[room("R1"), room("R2")],
            people=[ANA, BO, CY],
        ),
        Rule.PERSON_NO_OVERLAP,
        PRE_CHECK,
        ('S1 "Session S1"', 'S2 "Session S2"', "Bo Ek (Halmstad University)", "09:00–10:00", "09:30–10:30"),
        sessions=("S1", "S2"),
        people=("P2",),
    ),
    Case(  # Cy is away every day
        "person never present",
        problem([session("S1", required=("P1", "P3"))], people=[ANA, CY], unavailable=[away("P3", d=None)]),
        Rule.PERSON_AVAILABLE,
        PRE_CHECK,
        ('S1 "Session S1"', "Cy Lind (University of Agder)", "unavailable throughout"),
        sessions=("S1",),
        people=("P3",),
    ),
    Case(  # two hours, but a break at 10:30 leaves 1 h 30 min at most
        "longer than any stretch between breaks",
        problem([session("S1", 120)], breaks=[Break(None, t("10:30"), t("10:45"), "Fika")]),
        Rule.CLEAR_OF_BREAKS,
        PRE_CHECK,
        ('S1 "Session S1"', "2 h", "1 h 30 min", "09:00–10:30"),
        sessions=("S1",),
    ),
    Case(  # the session may not run 10:00-10:30: 1 h 30 min is the most it has
        "own unavailability",
        problem([session("S1", 120)], unavailable=[away("S1", "10:00", "10:30")]),
        Rule.SESSION_AVAILABLE,
        PRE_CHECK,
        ('S1 "Session S1"', "10:00–10:30", "1 h 30 min"),
        sessions=("S1",),
    ),
    Case(  # each pair shares a person, three one-hour sessions, two hours: only the search sees it
        "three sessions pairwise sharing people",
        problem(
            [
                session("S1", required=("P1", "P2")),
                session("S2", required=("P2", "P3")),
                session("S3", required=("P1", "P3")),
            ],
            rooms=[room("R1"), room("R2"), room("R3")],
            people=[ANA, BO, CY],
            days=[day(end="11:00")],
        ),
        Rule.PERSON_NO_OVERLAP,
        CORE,
        ("Ana Sousa", "Bo Ek", "Cy Lind", 'S1 "Session S1"', 'S2 "Session S2"', 'S3 "Session S3"'),
        sessions=("S1", "S2", "S3"),
        people=("P1", "P2", "P3"),
    ),
    Case(  # A before B before C, an hour each with a 15-minute gap before C, in a three-hour day
        "a chain of before-dependencies longer than the day",
        problem(
            [session("A"), session("B"), session("C"), session("D")],
            rooms=[room("R1"), room("R2"), room("R3")],
            dependencies=[dep("A", "B", "before"), dep("B", "C", "before", 15), dep("D", "A", "same_day")],
        ),
        Rule.DEPENDENCY_BEFORE,
        CORE,
        ('A "Session A"', 'B "Session B"', 'C "Session C"', "15 min"),
        sessions=("A", "B", "C"),
    ),
    Case(  # a one-hour plenary, and Bo's two one-hour sessions, in two hours
        "a plenary squeezing a person's sessions",
        problem(
            [
                session("PL", kind=Kind.PLENARY),
                session("S1", required=("P2",)),
                session("S2", required=("P2",)),
            ],
            rooms=[room("R1"), room("R2")],
            people=[ANA, BO],
            days=[day(end="11:00")],
        ),
        Rule.PLENARY_EXCLUSIVE,
        CORE,
        ('PL "Session PL"', 'S1 "Session S1"', 'S2 "Session S2"', "Bo Ek"),
        sessions=("PL", "S1", "S2"),
        people=("P2",),
    ),
]
IDS = [c.name for c in CASES]
CORE_CASES = [c for c in CASES if c.method == CORE]


def _explained(case: Case) -> Explanation:
    return explain(case.problem, time_limit=10, workers=1, seed=1)


def _write(case: Case, folder: Path) -> Path:
    return write_workbook(case.problem, folder / "meeting.xlsx")


# -- through the command line --------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_solve_exits_3_and_names_the_culprit(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(["solve", str(_write(case, tmp_path)), "--out", str(out), "--quiet", *FAST])
    text = capsys.readouterr().out
    assert code == 3, text
    assert "No schedule exists" in text
    for word in case.shown:
        assert word in text
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "infeasible"
    reasons = " ".join(summary["reasons"])
    for word in case.shown:
        assert word in reasons


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_explain_names_the_culprit_and_the_rule(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["explain", str(_write(case, tmp_path)), *FAST])
    text = capsys.readouterr().out
    assert code == 3, text  # the spec's code for "valid, but no schedule exists", for every command
    assert text.startswith("No schedule exists")
    assert case.rule.value in text
    for word in case.shown:
        assert word in text


def test_explain_says_when_a_schedule_exists(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feasible = problem([session("S1", required=("P1",)), session("S2", required=("P1",))])
    code = main(["explain", str(write_workbook(feasible, tmp_path / "ok.xlsx")), *FAST])
    text = capsys.readouterr().out
    assert code == 0
    assert "A schedule exists" in text and "No schedule exists" not in text


def test_explain_refuses_an_invalid_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A cycle of before-dependencies is invalid input (exit 2), not an explanation."""
    cycle = problem(
        [session("A"), session("B")], dependencies=[dep("A", "B", "before"), dep("B", "A", "before")]
    )
    code = main(["explain", str(write_workbook(cycle, tmp_path / "cycle.xlsx")), *FAST])
    err = capsys.readouterr().err
    assert code == 2
    assert "cycle" in err and "Traceback" not in err


# -- the explanation itself ---------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_reasons_carry_the_rule_and_the_ids(case: Case) -> None:
    e = _explained(case)
    assert e.method == case.method and e.complete and not e.schedule_exists
    assert case.rule in {r.rule for r in e.reasons}
    assert set(case.sessions) <= {s for r in e.reasons for s in r.sessions}
    assert set(case.people) <= {p for r in e.reasons for p in r.people}
    assert set(case.rooms) <= {k for r in e.reasons for k in r.rooms}
    assert all(r.fix for r in e.reasons)


@pytest.mark.parametrize("case", CORE_CASES, ids=[c.name for c in CORE_CASES])
def test_core_is_verified_and_minimal(case: Case) -> None:
    """The reasons' rule instances cannot hold together; without any one of them, or any one
    session an instance binds (a plenary's own aside), the rest can."""
    e = _explained(case)
    kept = [r.instance for r in e.reasons if r.instance is not None]
    assert len(kept) == len(e.reasons)
    assert check_instances(case.problem, kept) is Verdict.INFEASIBLE
    for n, inst in enumerate(kept):
        rest = kept[:n] + kept[n + 1 :]
        assert check_instances(case.problem, rest) is Verdict.FEASIBLE, inst
        own = 1 if inst.rule is Rule.PLENARY_EXCLUSIVE else 0
        if inst.rule in SHRINKABLE and len(inst.sessions) - own > 1:
            for s in inst.sessions[own:]:
                fewer = replace(inst, sessions=tuple(x for x in inst.sessions if x != s))
                assert check_instances(case.problem, [*rest, fewer]) is Verdict.FEASIBLE, (inst, s)


def test_chain_names_exactly_the_dependencies_that_do_not_fit() -> None:
    """A, B, C need 3 h 15 min in a row with the gap; the day has 3 h. D on A's day is no part of it."""
    case = next(c for c in CASES if c.name.startswith("a chain"))
    e = _explained(case)
    assert [(r.rule, r.sessions) for r in e.reasons] == [
        (Rule.DEPENDENCY_BEFORE, ("A", "B")),
        (Rule.DEPENDENCY_BEFORE, ("B", "C")),
    ]
    text = format_explanation(case.problem, e)
    assert 'C "Session C" must start at least 15 min after B "Session B" ends.' in text
    assert "D" not in {s for r in e.reasons for s in r.sessions}
    assert "The event runs 21 Oct 09:00–12:00, with no breaks." in text


def test_core_fix_is_checked_against_the_whole_problem() -> None:
    """Dropping any one of the triangle's no-overlaps gives a schedule: each fix says so."""
    e = _explained(next(c for c in CASES if c.name.startswith("three sessions")))
    assert len(e.reasons) == 3
    assert all("alone would allow a schedule" in r.fix for r in e.reasons)


def test_time_limit_is_respected_and_said() -> None:
    case = CORE_CASES[0]
    e = explain(case.problem, time_limit=0)
    assert not e.complete and not e.reasons and not e.schedule_exists
    assert "time limit" in format_explanation(case.problem, e)


def test_an_unfinished_core_says_so() -> None:
    case = CORE_CASES[0]
    partial = replace(_explained(case), complete=False)
    text = format_explanation(case.problem, partial)
    assert "not complete" in text and "time limit" in text


# -- each pre-check on its own ------------------------------------------------------------------

PRE_CHECK_CASES = {
    "within_day": problem([session("A", 240)]),
    "clear_of_breaks": problem([session("A", 120)], breaks=[Break(None, t("10:00"), t("10:30"))]),
    "session_available": problem([session("A", 120)], unavailable=[away("A", "10:45", "11:00")]),
    "person_available": problem(  # together the two are never present for two hours
        [session("A", 120, required=("P1", "P2"))],
        unavailable=[away("P1", "09:00", "10:00"), away("P2", "11:00", "12:00")],
    ),
    "fixed_day": problem([session("A", day=D2)], days=[day(D1), day(D2)], unavailable=[away("A", d=D2)]),
    "fixed_start": problem([session("A", start=t("10:00"))], breaks=[Break(None, t("10:30"), t("10:45"))]),
    "room_features": problem([session("A", features=frozenset({"lab"}))]),
    "room_capacity": problem([session("A", attendance=51)]),
    "fixed_room": problem([session("A", attendance=40, room="R1")], rooms=[room("R1", 20), room("R2", 40)]),
    "room_available": problem(
        [session("A", 120)], days=[day(end="11:00")], unavailable=[away("R1", "09:00", "10:00")]
    ),
    "person_no_overlap": problem(  # 4 h required, 3 h of day
        [session(f"S{i}", required=("P1",)) for i in range(4)], rooms=[room("R1"), room("R2")]
    ),
    "room_no_overlap": problem(  # two lab sessions, one lab, one hour
        [session("A", features=frozenset({"lab"})), session("B", features=frozenset({"lab"}))],
        rooms=[room("R1", features="lab"), room("R2")],
        days=[day(end="10:00")],
    ),
    "plenary_exclusive": problem(
        [session("PL", kind=Kind.PLENARY, start=t("09:00")), session("A", start=t("09:30"))],
        rooms=[room("R1"), room("R2")],
    ),
    "dependencies": problem(
        [session("A", start=t("10:00")), session("B", start=t("09:00"))],
        rooms=[room("R1"), room("R2")],
        dependencies=[dep("A", "B", "before")],
    ),
}

CHECKS = [
    *pre.SESSION_CHECKS,
    pre.person_no_overlap,
    pre.room_no_overlap,
    pre.plenary_exclusive,
    pre.dependencies,
]


def test_every_pre_check_has_its_case() -> None:
    assert {f.__name__ for f in CHECKS} == set(PRE_CHECK_CASES)


@pytest.mark.parametrize("name", sorted(PRE_CHECK_CASES))
def test_pre_check_finds_its_case_alone(name: str) -> None:
    """Each case is found by its own check, and the explanation is that check's reason."""
    p = PRE_CHECK_CASES[name]
    e = explain(p, time_limit=5)
    assert e.method == PRE_CHECK and e.reasons
    rule = Rule.DEPENDENCY_BEFORE if name == "dependencies" else Rule(name)  # type: ignore[call-arg]
    assert {r.rule for r in e.reasons} == {rule}
    assert all(r.message.endswith(".") and r.fix for r in e.reasons)


def test_pre_check_names_the_person_not_just_the_rule() -> None:
    e = explain(PRE_CHECK_CASES["person_available"], time_limit=5)
    (reason,) = e.reasons
    assert reason.people == ("P1", "P2")
    assert "Person P1 (Uni) is away 21 Oct 09:00–10:00" in reason.message
    assert "Person P2 (Uni) is away 21 Oct 11:00–12:00" in reason.message


def test_fixed_start_names_the_break_it_runs_into() -> None:
    p = problem([session("A", start=t("10:00"))], breaks=[Break(None, t("10:30"), t("10:45"), "Fika")])
    (reason,) = explain(p, time_limit=5).reasons
    assert "fixed to start at 10:00" in reason.message and "Fika (10:30–10:45)" in reason.message


def test_a_fixed_day_and_start_is_explained_at_that_start() -> None:
    """Fixed on day 1 at 09:00, its required person away that day: the reason is the
    person at 09:00, not a lunch break that 09:00-10:00 never meets."""
    p = problem(
        [session("A", required=("P1",), day=D1, start=t("09:00"))],
        days=[day(D1, end="17:00"), day(D2, end="17:00")],
        breaks=[Break(None, t("12:00"), t("13:00"), "Lunch")],
        unavailable=[away("P1", d=D1)],
    )
    (reason,) = explain(p, time_limit=5).reasons
    assert reason.rule in (Rule.FIXED_DAY, Rule.FIXED_START)
    assert "09:00" in reason.message and "Person P1" in reason.message, reason.message
    assert "Lunch" not in reason.message


def test_capacity_fix_is_the_smallest_room_that_would_do() -> None:
    p = problem(
        [session("A", attendance=45, features=frozenset({"hybrid"}))],
        rooms=[room("R1", 60), room("R2", 30, "hybrid")],
    )
    (reason,) = explain(p, time_limit=5).reasons
    assert reason.rule is Rule.ROOM_CAPACITY
    assert "largest room with hybrid seats 30 (Room R2)" in reason.message
    assert "seating at least 45" in reason.fix


def test_overload_fix_names_the_person_and_enough_sessions() -> None:
    p = problem(
        [
            session("S1", 60, required=("P1",)),
            session("S2", 120, required=("P1",)),
            session("S3", 60, required=("P1",)),
        ],
        rooms=[room("R1"), room("R2")],
        days=[day(end="12:00")],
    )
    (reason,) = explain(p, time_limit=5).reasons
    assert (
        "optional in S1" in reason.fix or "optional in S3" in reason.fix
    )  # an hour too much: one 1-h session


def test_independent_causes_are_all_reported() -> None:
    p = problem(
        [session("A", attendance=80), session("B", features=frozenset({"lab"}))],
        rooms=[room("R1", 50)],
    )
    e = explain(p, time_limit=5)
    assert {(r.rule, r.sessions) for r in e.reasons} == {
        (Rule.ROOM_CAPACITY, ("A",)),
        (Rule.ROOM_FEATURES, ("B",)),
    }


def test_a_reason_is_one_sentence_per_line_of_output() -> None:
    e = Explanation(
        (Reason(Rule.ROOM_CAPACITY, "A is too big.", ("A",), fix="a bigger room"),), True, PRE_CHECK
    )
    text = format_explanation(problem([session("A")]), e)
    assert text.splitlines() == [
        "No schedule exists: 1 reason found before any search.",
        "  - A is too big.",
        "    rule: room_capacity (a room seats the session's attendance)",
        "    fix: a bigger room",
    ]


def test_a_fixed_start_when_the_only_room_is_closed_names_the_room() -> None:
    p = problem([session("A", start=t("09:00"))], unavailable=[away("R1", "09:00", "10:00")])
    (reason,) = explain(p, time_limit=5).reasons
    assert reason.rule in (Rule.FIXED_START, Rule.ROOM_AVAILABLE)
    assert "Room R1" in reason.message and "09:00" in reason.message


def test_when_the_explain_model_cannot_tell_the_planners_search_may(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the explain model cannot tell in time whether a schedule exists, the planner's
    own search gets the rest of the time; unless the caller knows there is none."""
    import planner.solver.explain as core_search

    monkeypatch.setattr(core_search, "find_core", lambda *args, **kw: core_search.Core(Verdict.UNKNOWN))
    p = problem([session(f"S{i}", required=("P1",)) for i in range(3)])
    assert explain(p, time_limit=5).schedule_exists
    unsure = explain(p, time_limit=5, known_infeasible=True)
    assert not unsure.schedule_exists and not unsure.complete and not unsure.reasons


def test_a_session_longer_than_every_day_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Longer than any day window is refused by the reader (exit 2, naming the cell);
    longer than any stretch between breaks is a valid input that explain names (above)."""
    path = tmp_path / "meeting.xlsx"
    write_workbook(problem([session("S1", 240)]), path)
    code = main(["solve", str(path), "--out", str(tmp_path / "out"), "--quiet", *FAST])
    err = capsys.readouterr().err
    assert code == 2
    assert "Sessions" in err and "duration_min" in err and "longest day" in err
