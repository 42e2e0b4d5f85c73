"""The generator: its planted schedule keeps every hard rule (checked by the independent
checker), it is deterministic per seed, its presets have their stated sizes, and the
small presets exercise the rarer parts of the input format."""

from __future__ import annotations

import io
import random
from collections import Counter
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.checker import check, format_report
from planner.examples import heroes_halmstad, heroes_halmstad_generated
from planner.generator import PRESETS, Generated, Params, ascii_slug, generate, preset
from planner.model import Kind, Problem, Relation, overlaps
from planner.workbook_writer import workbook_bytes


def assert_planted_ok(g: Generated) -> None:
    report = check(g.problem, g.planted)
    assert report.ok, format_report(g.problem, report)


def assert_well_formed(p: Problem) -> None:
    """What the reader would refuse: shared id namespace, durations off the grid, unknown ids."""
    ids = (
        [x.id for x in p.participants]
        + [x.id for x in p.groups]
        + [x.id for x in p.rooms]
        + [x.id for x in p.sessions]
    )
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    slot = p.event.slot_minutes
    assert all(s.duration > 0 and s.duration % slot == 0 for s in p.sessions)
    known = set(ids)
    for s in p.sessions:
        assert set(s.groups) <= p.group_by_id.keys()
        assert set(s.required) | set(s.optional) <= known
    for g in p.groups:
        assert set(g.leads) <= p.participant_by_id.keys()
    for u in p.unavailability:
        assert u.who in known
        assert u.date is None or u.date in p.day_by_date
    for d in p.dependencies:
        assert {d.first, d.second} <= p.session_by_id.keys() and d.first != d.second
    if any(s.is_plenary for s in p.sessions):  # a plenary is for everyone
        assert max(r.capacity for r in p.rooms) >= len(p.participants)


# -- feasible by construction -----------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_tiny_planted_schedule_keeps_every_hard_rule(seed: int):
    g = generate("tiny", seed)
    assert_well_formed(g.problem)
    assert_planted_ok(g)


@pytest.mark.parametrize("seed", range(40))
def test_small_planted_schedule_keeps_every_hard_rule(seed: int):
    g = generate("small", seed)
    assert_well_formed(g.problem)
    assert_planted_ok(g)


@pytest.mark.parametrize("name", ["alliance", "large"])
def test_bigger_planted_schedules_keep_every_hard_rule(name: str):
    g = generate(name, 7)
    assert_well_formed(g.problem)
    assert_planted_ok(g)


def test_arbitrary_params():
    params = Params(participants=75, days=4, rooms=7, groups=6, cross=4, boards=2, others=3, slot=30)
    g = generate(params, 5)
    assert len(g.problem.participants) == 75 and len(g.problem.days) == 4 and len(g.problem.rooms) == 7
    assert g.problem.event.slot_minutes == 30
    assert_well_formed(g.problem)
    assert_planted_ok(g)


def test_every_session_is_planted_once():
    g = generate("alliance", 2)
    assert sorted(a.session_id for a in g.planted.assignments) == sorted(s.id for s in g.problem.sessions)


# -- determinism and sizes --------------------------------------------------------


@pytest.mark.parametrize("name", ["tiny", "small", "alliance"])
def test_same_seed_same_problem(name: str):
    a, b = generate(name, 11), generate(name, 11)
    assert a == b
    assert generate(name, 12).problem != a.problem


SIZES = {
    # preset: (participants, sessions, days, rooms)
    "tiny": ((6, 10), (3, 8), (1, 2), (3, 3)),
    "small": ((40, 40), (12, 19), (2, 3), (5, 6)),
    "alliance": ((120, 120), (40, 50), (3, 3), (10, 10)),
    "large": ((600, 600), (225, 275), (5, 5), (25, 25)),
    "xl": ((3000, 3000), (1100, 1300), (5, 5), (100, 100)),
}


@pytest.mark.parametrize("name", PRESETS)
def test_preset_sizes(name: str):
    seeds = range(10) if name in ("tiny", "small") else range(1)
    for seed in seeds:
        p = generate(name, seed).problem
        got = (len(p.participants), len(p.sessions), len(p.days), len(p.rooms))
        for value, (lo, hi) in zip(got, SIZES[name], strict=True):
            assert lo <= value <= hi, (name, seed, got)


def test_unknown_preset():
    with pytest.raises(ValueError, match="unknown preset"):
        preset("huge", 0)


# -- what the instances contain ------------------------------------------------------


def test_alliance_structure():
    p = generate("alliance", 0).problem
    kinds = Counter(s.kind for s in p.sessions)
    assert kinds[Kind.PLENARY] == 2 and kinds[Kind.WORKING_GROUP] >= 20 and kinds[Kind.CROSS_PACKAGE] >= 5
    opening = p.session_by_id["OPEN"]
    assert (opening.day, opening.start, opening.room) == (p.days[0].date, p.days[0].start, "HALL")
    assert {g.id for g in p.groups} >= {"LB", "SB"}
    roles = Counter(x.role for x in p.participants)
    assert roles["student"] >= 9 and roles["academic"] > roles["administrative"] > 0
    memberships = Counter(len(p.expand(x.groups)) and len([g for g in x.groups]) for x in p.participants)
    assert sum(n for k, n in memberships.items() if k >= 2) >= 30  # many people in several groups
    assert any(s.optional for s in p.sessions)
    rooms = {r.id: r for r in p.rooms}
    assert any("lab" in r.features for r in rooms.values())
    assert any(u.who in rooms for u in p.unavailability)  # a room closed for a morning
    people = {x.id for x in p.participants}
    assert sum(1 for u in p.unavailability if u.who in people) >= 6  # late arrivals, early departures
    # Cross-package meetings come after their groups' first meetings.
    before = {(d.first, d.second) for d in p.dependencies if d.relation is Relation.BEFORE}
    cross = [s for s in p.sessions if s.kind is Kind.CROSS_PACKAGE]
    kept = sum(all((f"{g}-1", s.id) in before for g in s.groups) for s in cross)
    assert kept >= len(cross) * 0.6


def _edge_features(p: Problem) -> set[str]:
    found = {f"relation:{d.relation.value}" for d in p.dependencies}
    rooms, sessions, groups = p.room_by_id, p.session_by_id, p.group_by_id
    for s in p.sessions:
        if s.room and not (s.day and s.start is not None):
            found.add("fixed room")
        if s.day and s.start is None:
            found.add("fixed day")
        if s.start is not None and not s.day:
            found.add("fixed start")
        if s.attendance is not None:
            found.add("attendance given")
        if s.optional:
            found.add("optional")
        if s.prefer_time or s.prefer_day:
            found.add("preference")
    for u in p.unavailability:
        if u.who in sessions:
            found.add("session unavailable")
        if u.who in groups:
            found.add("group unavailable")
        if u.who in rooms:
            found.add("room unavailable" + (" every day" if u.date is None else ""))
        if u.start is None:
            found.add("whole day")
        if u.end == 24 * 60:
            found.add("until 24:00")
    if len({(d.start, d.end) for d in p.days}) > 1:
        found.add("different windows")
    if any(b.date is not None for b in p.breaks):
        found.add("break on one date")
    if p.event.weights:
        found.add("weights")
    if any(g.leads and any(g.id not in p.participant_by_id[x].groups for x in g.leads) for g in p.groups):
        found.add("lead not listing group")
    if p.event.slot_minutes == 30:
        found.add("slot 30")
    return found


def test_small_presets_cover_the_edge_cases():
    found: set[str] = set()
    for seed in range(40):
        found |= _edge_features(generate("tiny", seed).problem)
        found |= _edge_features(generate("small", seed).problem)
    expected = {f"relation:{r.value}" for r in Relation} | {
        "fixed room",
        "fixed day",
        "fixed start",
        "attendance given",
        "optional",
        "preference",
        "session unavailable",
        "group unavailable",
        "room unavailable",
        "room unavailable every day",
        "whole day",
        "until 24:00",
        "different windows",
        "break on one date",
        "weights",
        "lead not listing group",
        "slot 30",
    }
    assert expected <= found, expected - found


def test_names_and_emails():
    p = generate("alliance", 1).problem
    emails = [x.email for x in p.participants]
    assert len(set(emails)) == len(emails)
    assert all(e.endswith("@example.org") and e.isascii() for e in emails)
    assert any(not x.name.isascii() for x in p.participants)  # Søren, Nováková, Žukauskas ...
    assert ascii_slug("Søren Åberg-Kučerová") == "soren.aberg.kucerova"


# -- the built-in example ------------------------------------------------------------

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "heroes-halmstad-2025.xlsx"


def test_heroes_planted_schedule_keeps_every_hard_rule():
    g = heroes_halmstad_generated()
    assert g.problem == heroes_halmstad()
    assert_well_formed(g.problem)
    assert_planted_ok(g)


def test_heroes_is_deterministic():
    fresh = heroes_halmstad_generated.__wrapped__()
    assert fresh == heroes_halmstad_generated()


def test_heroes_shape():
    p = heroes_halmstad()
    assert p.event.timezone == "Europe/Stockholm" and p.event.venue == "Halmstad University"
    assert [d.date for d in p.days] == [date(2025, 10, 21), date(2025, 10, 22), date(2025, 10, 23)]
    assert {x.institution for x in p.participants} == {
        "Thomas More",
        "Fontys",
        "UCN",
        "Polytechnic University of Beja",
        "Deggendorf Institute of Technology",
        "Halmstad University",
        "SeAMK",
        "Vilniaus Kolegija",
        "Mendel University in Brno",
    }
    assert 110 <= len(p.participants) <= 130 and 38 <= len(p.sessions) <= 48
    assert {x.role for x in p.participants} >= {"academic", "administrative", "student"}
    assert all(x.email.endswith("@example.org") for x in p.participants)
    assert len(p.members["LB"]) == 9 and len(p.members["SB"]) == 9
    opening = p.session_by_id["OPEN"]
    assert (opening.day, opening.start, opening.room) == (date(2025, 10, 21), 10 * 60, "AULA")
    assert p.room_by_id["AULA"].capacity >= 150
    assert any("lab" in r.features for r in p.rooms) and any("hybrid" in r.features for r in p.rooms)
    # Clashes matter: most people work in two packages, and every package has a fair size.
    packages = [g.id for g in p.groups if g.id not in ("LB", "SB")]
    assert len(packages) >= 9
    in_two = sum(1 for x in p.participants if len(set(x.groups) & set(packages)) >= 2)
    assert in_two >= 60
    assert min(len(p.members[g]) for g in packages) >= 10
    # Each working group meets 2-3 times; every cross-package meeting follows its groups' first.
    meetings = Counter(s.groups[0] for s in p.sessions if s.kind is Kind.WORKING_GROUP)
    assert set(meetings) == set(packages) and set(meetings.values()) <= {2, 3}
    before = {(d.first, d.second) for d in p.dependencies if d.relation is Relation.BEFORE}
    for s in p.sessions:
        if s.kind is Kind.CROSS_PACKAGE:
            assert 2 <= len(s.groups) <= 3
            assert all((f"{g}-1", s.id) in before for g in s.groups), s.id
    assert {d.relation for d in p.dependencies} == set(Relation)
    # Leadership as optional guests; late arrivals, early departures, a room closed one morning.
    assert any("LB" in s.optional for s in p.sessions if s.kind is Kind.WORKING_GROUP)
    first, last = p.days[0], p.days[-1]
    away = [u for u in p.unavailability if u.who in p.participant_by_id]
    assert any(u.date == first.date and u.start == 0 for u in away)
    assert any(u.date == last.date and u.end is not None and u.end >= last.end for u in away)
    assert any(
        u.who == "O201" and u.date == date(2025, 10, 22) and u.end <= 12 * 60 for u in p.unavailability
    )


def _naive_greedy(p: Problem, rng: random.Random) -> bool:
    """Place sessions in random order at a random free room and time, ignoring dependencies."""
    placed: list[tuple[str, date, int, int, str]] = []
    busy: dict[str, list[tuple[date, int, int]]] = {}
    order = sorted(p.sessions, key=lambda s: (not s.is_plenary, rng.random()))
    for s in order:
        people = p.required_people[s.id]
        options = []
        for d in p.days:
            for start in range(d.start, d.end - s.duration + 1, p.event.slot_minutes):
                end = start + s.duration
                if (s.day and s.day != d.date) or (s.start is not None and s.start != start):
                    continue
                if any(overlaps(start, end, b.start, b.end) for b in p.breaks_on(d.date)):
                    continue
                if p.is_unavailable(s.id, d.date, start, end) or any(
                    p.is_unavailable(x, d.date, start, end) for x in people
                ):
                    continue
                if any(
                    x[1] == d.date
                    and overlaps(start, end, x[2], x[3])
                    and (s.is_plenary or p.session_by_id[x[0]].is_plenary)
                    for x in placed
                ):
                    continue
                if any(
                    b[0] == d.date and overlaps(start, end, b[1], b[2])
                    for x in people
                    for b in busy.get(x, [])
                ):
                    continue
                for r in p.rooms:
                    if (
                        (s.room and r.id != s.room)
                        or r.capacity < p.attendance(s.id)
                        or not s.features <= r.features
                    ):
                        continue
                    if p.is_unavailable(r.id, d.date, start, end) or any(
                        x[4] == r.id and x[1] == d.date and overlaps(start, end, x[2], x[3]) for x in placed
                    ):
                        continue
                    options.append((d.date, start, end, r.id))
        if not options:
            return False
        day, start, end, room = rng.choice(options)
        placed.append((s.id, day, start, end, room))
        for x in people:
            busy.setdefault(x, []).append((day, start, end))
    return True


def test_heroes_is_not_trivial():
    """A random greedy that even ignores dependencies does not find a schedule: it is a puzzle."""
    p = heroes_halmstad()
    assert sum(_naive_greedy(p, random.Random(seed)) for seed in range(10)) <= 1


def test_committed_example_workbook_is_current():
    """data/heroes-halmstad-2025.xlsx is what data/make_examples.py writes now."""
    fresh = openpyxl.load_workbook(io.BytesIO(workbook_bytes(heroes_halmstad())))
    committed = openpyxl.load_workbook(EXAMPLE)
    assert committed.sheetnames == fresh.sheetnames
    for name in fresh.sheetnames:
        ours = [[(c.value, c.data_type) for c in row] for row in committed[name].iter_rows()]
        theirs = [[(c.value, c.data_type) for c in row] for row in fresh[name].iter_rows()]
        assert ours == theirs, f"{name} differs: run data/make_examples.py"


def test_committed_example_reads_back():
    read_problem = pytest.importorskip("planner.reader").read_problem
    assert read_problem(EXAMPLE) == heroes_halmstad()
