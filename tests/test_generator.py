"""The generator: its planted schedule keeps every hard rule (checked by the independent
checker), it is deterministic per seed, its presets have their stated sizes, and the
small presets exercise the rarer parts of the input format."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.checker import check, format_report
from planner.generator import PRESETS, Generated, Params, ascii_slug, generate, preset
from planner.model import Kind, Problem, Relation


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
    assert len(p.participants) <= min(r.capacity for r in p.rooms if r.id == "HALL") or not any(
        s.is_plenary for s in p.sessions
    )


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
