"""schedule.frab.json against the structure of the C3VOC schedule schema
(``https://c3voc.de/schedule/schema.json``, which pretalx's export follows): the keys
each level must have, their types and formats, and no keys the schema forbids. The
schema itself is not on PyPI, so its rules are written out here."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timedelta

import pytest

from planner.examples import heroes_halmstad_generated
from planner.export.frab import acronym, frab_json_bytes
from planner.export.sync import session_uid
from planner.model import Problem, Schedule

#: Per object: (required keys, allowed keys); None = any further key is allowed.
TOP = ({"schedule"}, {"schedule", "$schema", "generator"})
SCHEDULE = ({"version", "conference"}, None)
CONFERENCE = (
    {"title", "acronym", "days", "daysCount", "start", "end", "timeslot_duration"},
    {"acronym", "title", "description", "start", "end", "daysCount", "timeslot_duration", "time_zone_name"}
    | {"logo", "colors", "keywords", "url", "tracks", "rooms", "meta", "days"},
)
DAY = ({"date", "day_end", "day_start", "index", "rooms"}, {"date", "day_end", "day_start", "index", "rooms"})
EVENT = (
    {"abstract", "date", "duration", "guid", "id", "language", "links", "persons", "room", "slug", "start"}
    | {"subtitle", "title", "track", "type", "url"},
    {"id", "guid", "logo", "date", "start", "duration", "room", "slug", "url", "title", "subtitle", "track"}
    | {"type", "language", "abstract", "description", "recording_license", "do_not_record", "do_not_stream"}
    | {"persons", "links", "attachments", "answers"},
)
ROOM = ({"guid", "name"}, {"name", "guid", "description", "capacity"})

ACRONYM = re.compile(r"^[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?$")
SLUG = re.compile(r"^[a-z0-9_-]+[a-z0-9]$")
DURATION = re.compile(r"^[0-9]+:[0-9]{2}$")
HHMM = re.compile(r"^[0-2][0-9]:[0-5][0-9]$")


def _keys(obj: dict, rule: tuple[set[str], set[str] | None], where: str) -> None:
    required, allowed = rule
    assert required <= set(obj), f"{where}: missing {required - set(obj)}"
    if allowed is not None:
        assert set(obj) <= allowed, f"{where}: not allowed {set(obj) - allowed}"


def _uuid(text: str) -> None:
    assert str(uuid.UUID(text)) == text


def validate(doc: dict) -> list[dict]:
    """Assert the document follows the schema; returns its events."""
    _keys(doc, TOP, "top")
    _keys(doc["schedule"], SCHEDULE, "schedule")
    assert isinstance(doc["schedule"]["version"], str)
    conf = doc["schedule"]["conference"]
    _keys(conf, CONFERENCE, "conference")
    assert ACRONYM.match(conf["acronym"])
    assert isinstance(conf["daysCount"], int) and conf["daysCount"] == len(conf["days"])
    datetime.strptime(conf["start"], "%Y-%m-%d") and datetime.strptime(conf["end"], "%Y-%m-%d")
    assert DURATION.match(conf["timeslot_duration"])
    for room in conf["rooms"]:
        _keys(room, ROOM, "room")
        _uuid(room["guid"])
    room_names = {r["name"] for r in conf["rooms"]}
    events = []
    for i, day in enumerate(conf["days"], start=1):
        _keys(day, DAY, f"day {i}")
        assert day["index"] == i
        start, end = datetime.fromisoformat(day["day_start"]), datetime.fromisoformat(day["day_end"])
        assert start.tzinfo is not None and end > start and start.date().isoformat() == day["date"]
        for name, listed in day["rooms"].items():
            assert name in room_names
            for ev in listed:
                _keys(ev, EVENT, f"event {ev.get('guid')}")
                assert isinstance(ev["id"], int) and ev["id"] >= 1
                _uuid(ev["guid"])
                at = datetime.fromisoformat(ev["date"])
                assert at.tzinfo is not None and at.date().isoformat() == day["date"]
                assert HHMM.match(ev["start"]) and at.strftime("%H:%M") == ev["start"]
                assert DURATION.match(ev["duration"])
                assert ev["room"] == name
                assert SLUG.match(ev["slug"]) and ev["slug"].startswith(conf["acronym"])
                assert ":" in ev["url"]  # an absolute URI
                for key in ("title", "type", "language"):
                    assert isinstance(ev[key], str)
                for key in ("subtitle", "track", "abstract", "description"):
                    assert ev[key] is None or isinstance(ev[key], str)
                for person in ev["persons"]:  # a pretalx person (name), not a frab one (public_name + id)
                    assert isinstance(person["name"], str) and "id" not in person
                assert isinstance(ev["links"], list)
                events.append(ev)
    assert len({e["id"] for e in events}) == len(events)
    assert len({e["guid"] for e in events}) == len(events)
    return events


@pytest.fixture(scope="module")
def heroes() -> tuple[Problem, Schedule, dict]:
    g = heroes_halmstad_generated()
    return g.problem, g.planted, json.loads(frab_json_bytes(g.problem, g.planted))


def test_the_document_follows_the_schema(heroes) -> None:
    problem, schedule, doc = heroes
    events = validate(doc)
    assert len(events) == len(schedule.assignments)
    conf = doc["schedule"]["conference"]
    assert conf["time_zone_name"] == "Europe/Stockholm" and conf["timeslot_duration"] == "00:15"
    assert [d["date"] for d in conf["days"]] == [d.date.isoformat() for d in problem.days]


def test_every_session_once_at_its_time_in_its_room(heroes) -> None:
    problem, schedule, doc = heroes
    by_guid = {e["guid"]: e for e in validate(doc)}
    for a in schedule.assignments:
        s = problem.session_by_id[a.session_id]
        ev = by_guid[session_uid(problem.event, s.id)]  # the calendars' UID
        start = problem.event.at(a.date, a.start)
        assert datetime.fromisoformat(ev["date"]) == start
        assert ev["date"] == start.isoformat()  # with the local offset, +02:00 in October
        assert ev["duration"] == f"{s.duration // 60:02d}:{s.duration % 60:02d}"
        assert ev["room"] == problem.room_by_id[a.room_id].name
        assert ev["title"] == s.title and ev["type"] == s.kind.value
        end = datetime.fromisoformat(ev["date"]) + timedelta(minutes=s.duration)
        assert end.utcoffset() == timedelta(hours=2)


def test_equal_input_gives_equal_bytes_and_ids_stay(heroes) -> None:
    problem, schedule, doc = heroes
    assert json.loads(frab_json_bytes(problem, schedule)) == doc
    assert (
        acronym("HEROES alliance semi-annual meeting, Halmstad 2025") == "heroes_alliance_semi_annual_meeting"
    )
    assert ACRONYM.match(acronym("X")) and ACRONYM.match(acronym("Ünïcødé ✓ 2025"))
