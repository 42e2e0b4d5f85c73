"""Calendars: each person's file holds exactly their sessions at the right local times
(read by two independent parsers), time zones survive a daylight-saving change, UIDs
are stable, SEQUENCE rises only for moved sessions, dropped sessions are cancelled,
and hostile names stay inert text in safe file names."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from dateutil.tz import tzical

from planner.examples import heroes_halmstad_generated
from planner.export.ics import calendar_files, write_calendars
from planner.export.names import safe_stem, safe_stems
from planner.export.sync import Previous, calendar_plan, read_previous, session_uid
from planner.export.xlsx import schedule_workbook_bytes
from planner.model import Assignment, Day, Event, Group, Kind, Participant, Problem, Room, Schedule
from planner.schedule_io import write_schedule_csv
from tests.builders import person, problem, room, session, t
from tests.calendars import both, with_icalendar, with_ics

STAMP = datetime(2025, 9, 1, 8, 30, tzinfo=UTC)
STOCKHOLM = "Europe/Stockholm"


@pytest.fixture(scope="module")
def heroes() -> tuple[Problem, Schedule, dict[str, bytes]]:
    g = heroes_halmstad_generated()
    return g.problem, g.planted, calendar_files(g.problem, g.planted, stamp=STAMP)


def _expected(problem: Problem, schedule: Schedule, pid: str) -> dict[str, bool]:
    """Session id -> required?, for the sessions ``pid`` attends (from the model, not the exporter)."""
    out = {}
    for a in schedule.assignments:
        if pid in problem.required_people[a.session_id]:
            out[a.session_id] = True
        elif pid in problem.optional_people[a.session_id]:
            out[a.session_id] = False
    return out


def _uid_to_session(problem: Problem) -> dict[str, str]:
    return {session_uid(problem.event, s.id): s.id for s in problem.sessions}


# -- every participant's calendar -------------------------------------------------------------


def test_each_person_has_exactly_their_sessions_at_the_right_local_times_in_both_parsers(heroes) -> None:
    problem, schedule, files = heroes
    where = schedule.by_session
    by_uid = _uid_to_session(problem)
    assert {f"people/{p.id}.ics" for p in problem.participants} <= set(files)  # ids here are already safe
    optional_seen = 0
    for p in problem.participants:
        expected = _expected(problem, schedule, p.id)
        assert expected, f"{p.id} attends nothing: the test would prove little"
        for reads in both(files[f"people/{p.id}.ics"]):
            got = {by_uid[r.uid]: r for r in reads}
            assert set(got) == set(expected), p.id
            assert len(reads) == len(got)  # no session twice
            for sid, r in got.items():
                a = where[sid]
                s = problem.session_by_id[sid]
                start = datetime.combine(a.date, datetime.min.time()) + timedelta(minutes=a.start)
                assert r.local_start == start
                assert r.local_end == start + timedelta(minutes=s.duration)
                assert r.utc_offset == timedelta(hours=2)  # 21-23 October 2025 is summer time in Sweden
                assert r.status == "CONFIRMED"
                assert r.sequence == 0
                if expected[sid]:
                    assert r.summary == s.title and not r.transparent
                else:
                    optional_seen += 1
                    assert r.summary == f"{s.title} (optional)" and r.transparent
    assert optional_seen > 0


def test_room_and_event_calendars_hold_their_sessions(heroes) -> None:
    problem, schedule, files = heroes
    by_uid = _uid_to_session(problem)
    for reads in both(files["event.ics"]):
        assert sorted(by_uid[r.uid] for r in reads) == sorted(a.session_id for a in schedule.assignments)
    for r in problem.rooms:
        held = sorted(a.session_id for a in schedule.assignments if a.room_id == r.id)
        for reads in both(files[f"rooms/{r.id}.ics"]):
            assert sorted(by_uid[x.uid] for x in reads) == held


def test_each_file_has_the_events_tzid_and_a_vtimezone(heroes) -> None:
    problem, _, files = heroes
    for name, data in files.items():
        text = data.decode()
        assert "BEGIN:VTIMEZONE\r\nTZID:Europe/Stockholm" in text, name
        assert "METHOD:PUBLISH" in text
        starts = [line for line in text.splitlines() if line.startswith("DTSTART;")]
        assert all(line.startswith("DTSTART;TZID=Europe/Stockholm:") for line in starts)
        assert "DTSTAMP:20250901T083000Z" in text or "BEGIN:VEVENT" not in text
    cal = with_ics(files["event.ics"])[1]
    assert STOCKHOLM in cal._timezones  # the second parser read the VTIMEZONE too


def test_location_description_and_organiser(heroes) -> None:
    problem, schedule, files = heroes
    by_uid = _uid_to_session(problem)
    for reads in both(files["event.ics"]):
        for r in reads:
            s = problem.session_by_id[by_uid[r.uid]]
            a = schedule.by_session[s.id]
            room = problem.room_by_id[a.room_id]
            assert r.location.startswith(problem.event.venue + ", ")
            assert room.name in r.location
            assert "Kind: " in r.description and room.name in r.description
            for g in s.groups:
                assert problem.group_by_id[g].name in r.description
            for pid in problem.required_people[s.id]:
                assert problem.participant_by_id[pid].name in r.description
    _, cal = with_icalendar(files["event.ics"])
    for ev in cal.walk("VEVENT"):
        assert str(ev["ORGANIZER"]) == "mailto:heroes.meeting@example.org"
    plain = dataclasses.replace(problem, event=dataclasses.replace(problem.event, organiser_email=""))
    assert b"ORGANIZER" not in calendar_files(plain, schedule, stamp=STAMP)["event.ics"]


def test_dtstamp_is_injected_and_equal_input_gives_equal_bytes(heroes) -> None:
    problem, schedule, files = heroes
    assert calendar_files(problem, schedule, stamp=STAMP) == files
    later = calendar_files(problem, schedule, stamp=STAMP + timedelta(days=1))
    assert later["event.ics"] != files["event.ics"]
    assert later["event.ics"].replace(b"DTSTAMP:20250902", b"DTSTAMP:20250901") == files["event.ics"]
    with pytest.raises(ValueError, match="aware"):
        calendar_files(problem, schedule, stamp=datetime(2025, 9, 1))


# -- daylight saving ---------------------------------------------------------------------------


def _dst_problem() -> tuple[Problem, Schedule]:
    """24-27 October 2025 in Stockholm: clocks go back from 03:00 CEST to 02:00 CET on the 26th."""
    days = [Day(date(2025, 10, d), t("08:00"), t("18:00")) for d in (24, 25, 26, 27)]
    p = problem(
        [session(f"S{d}", 90, kind=Kind.PLENARY) for d in (24, 25, 26, 27)],
        rooms=[room("R1")],
        people=[person("P1"), person("P2")],
        days=days,
    )
    schedule = Schedule(
        tuple(Assignment(f"S{d}", date(2025, 10, d), t("09:30"), "R1") for d in (24, 25, 26, 27))
    )
    return p, schedule


def test_local_times_stay_right_across_the_october_change(tmp_path) -> None:
    p, schedule = _dst_problem()
    files = calendar_files(p, schedule, stamp=STAMP)
    offsets = {24: 2, 25: 2, 26: 1, 27: 1}  # CEST until the 26th at 03:00, then CET
    for reads in both(files["people/P1.ics"]):
        assert len(reads) == 4
        for r in reads:
            d = r.local_start.day
            assert (r.local_start.hour, r.local_start.minute) == (9, 30)
            assert r.local_end - r.local_start == timedelta(minutes=90)
            assert r.utc_offset == timedelta(hours=offsets[d])
    # The same instants in UTC: 07:30 before the change, 08:30 after; one day apart in local
    # time is 25 hours across the change.
    reads, _ = with_icalendar(files["people/P1.ics"])
    utc = {r.local_start.day: r.local_start - r.utc_offset for r in reads}
    assert utc[25].hour == 7 and utc[26].hour == 8
    assert utc[26] - utc[25] == timedelta(hours=25)
    # And the VTIMEZONE alone (not the system's zone data) gives the same offsets.
    text = files["people/P1.ics"].decode()
    block = text[text.index("BEGIN:VTIMEZONE") : text.index("END:VTIMEZONE") + len("END:VTIMEZONE")]
    zone = tzical(io.StringIO(block.replace("\r\n", "\n"))).get(STOCKHOLM)
    for d, hours in offsets.items():
        assert datetime(2025, 10, d, 9, 30, tzinfo=zone).utcoffset() == timedelta(hours=hours)
    _, cal = with_ics(files["people/P1.ics"])
    vtz = cal._timezones[STOCKHOLM]
    assert datetime(2025, 10, 25, 9, 30, tzinfo=vtz).utcoffset() == timedelta(hours=2)
    assert datetime(2025, 10, 27, 9, 30, tzinfo=vtz).utcoffset() == timedelta(hours=1)


# -- UIDs, SEQUENCE and cancellations ------------------------------------------------------------


def _uids(data: bytes) -> dict[str, int]:
    reads, _ = with_icalendar(data)
    return {r.uid: r.sequence for r in reads}


def test_uids_are_stable_across_exports_schedules_and_stamps(heroes) -> None:
    problem, schedule, files = heroes
    moved = _move(schedule, schedule.assignments[3].session_id, minutes=60)
    again = calendar_files(problem, moved, stamp=STAMP + timedelta(hours=5))
    assert set(_uids(again["event.ics"])) == set(_uids(files["event.ics"]))
    assert len(_uids(files["event.ics"])) == len(problem.sessions)  # one UID per session
    assert session_uid(problem.event, "X01") == session_uid(problem.event, "X01")
    assert session_uid(problem.event, "X01") != session_uid(problem.event, "X02")
    renamed = dataclasses.replace(problem.event, name="Another meeting")
    assert session_uid(renamed, "X01") != session_uid(problem.event, "X01")


def _move(schedule: Schedule, sid: str, *, minutes: int = 0, room: str | None = None) -> Schedule:
    return Schedule(
        tuple(
            dataclasses.replace(a, start=a.start + minutes, room_id=room or a.room_id)
            if a.session_id == sid
            else a
            for a in schedule.assignments
        )
    )


def test_sequence_rises_only_for_the_moved_sessions(heroes) -> None:
    problem, schedule, _ = heroes
    later_id = next(a.session_id for a in schedule.assignments if a.session_id != "OPEN")
    other_room = next(r.id for r in problem.rooms if r.id != schedule.by_session["JURY"].room_id)
    replanned = _move(_move(schedule, later_id, minutes=15), "JURY", room=other_room)
    files = calendar_files(problem, replanned, stamp=STAMP, previous=Previous(schedule))
    moved = {session_uid(problem.event, later_id), session_uid(problem.event, "JURY")}
    for name, data in files.items():
        # Every file with one parser; the event's with both (the second one is slow).
        for reads in both(data) if name == "event.ics" else [with_icalendar(data)[0]]:
            for r in reads:
                assert r.sequence == (1 if r.uid in moved else 0), (name, r.summary)
                assert r.status == "CONFIRMED"


def test_sequence_keeps_counting_through_the_schedule_workbook(tmp_path, heroes) -> None:
    problem, schedule, _ = heroes
    sid = "JURY"
    first = _move(schedule, sid, minutes=15)
    book = tmp_path / "schedule.xlsx"
    plan = calendar_plan(problem, first, Previous(schedule))
    book.write_bytes(schedule_workbook_bytes(problem, first, plan=plan))
    previous = read_previous(book)
    assert previous.told[sid].sequence == 1 and previous.attendees is not None
    second = _move(first, sid, minutes=15)
    seq = _uids(calendar_files(problem, second, stamp=STAMP, previous=previous)["event.ics"])
    assert seq[session_uid(problem.event, sid)] == 2  # moved twice: 0, 1, 2
    assert sum(seq.values()) == 2
    unchanged = _uids(calendar_files(problem, first, stamp=STAMP, previous=previous)["event.ics"])
    assert unchanged[session_uid(problem.event, sid)] == 1  # told 1 before: never lower


def _drop(problem: Problem, schedule: Schedule, sid: str) -> tuple[Problem, Schedule]:
    p = dataclasses.replace(
        problem,
        sessions=tuple(s for s in problem.sessions if s.id != sid),
        dependencies=tuple(d for d in problem.dependencies if sid not in (d.first, d.second)),
    )
    return p, Schedule(tuple(a for a in schedule.assignments if a.session_id != sid))


def test_a_dropped_session_is_cancelled_from_a_previous_csv(tmp_path, heroes) -> None:
    problem, schedule, _ = heroes
    csv_path = tmp_path / "schedule.csv"
    write_schedule_csv(problem, schedule, csv_path)
    previous = read_previous(csv_path)
    assert previous.attendees is None  # a CSV does not say who attended
    now, kept = _drop(problem, schedule, "LABTOUR")
    files = calendar_files(now, kept, stamp=STAMP, previous=previous)
    uid = session_uid(problem.event, "LABTOUR")
    title = problem.session_by_id["LABTOUR"].title
    old = schedule.by_session["LABTOUR"]
    for name in ("event.ics", f"rooms/{old.room_id}.ics", "people/HU-05.ics"):
        for reads in both(files[name]):
            (r,) = [x for x in reads if x.uid == uid]
            assert r.status == "CANCELLED" and r.sequence == 1, name
            assert title in r.summary
            assert r.local_start == datetime.combine(old.date, datetime.min.time()) + timedelta(
                minutes=old.start
            )
            others = [x for x in reads if x.uid != uid]
            assert all(x.status == "CONFIRMED" and x.sequence == 0 for x in others)


def test_a_dropped_session_is_cancelled_only_for_those_who_had_it_when_the_workbook_says(
    tmp_path, heroes
) -> None:
    problem, schedule, _ = heroes
    book = tmp_path / "schedule.xlsx"
    book.write_bytes(schedule_workbook_bytes(problem, schedule))
    previous = read_previous(book)
    now, kept = _drop(problem, schedule, "LABTOUR")
    files = calendar_files(now, kept, stamp=STAMP, previous=previous)
    uid = session_uid(problem.event, "LABTOUR")
    had = problem.required_people["LABTOUR"] | problem.optional_people["LABTOUR"]
    assert had and len(had) < len(problem.participants)
    for p in problem.participants:
        cancelled = [r for r in with_icalendar(files[f"people/{p.id}.ics"])[0] if r.uid == uid]
        assert len(cancelled) == (1 if p.id in had else 0), p.id
    # Once cancelled, the next export repeats the cancellation (same SEQUENCE) in event.ics.
    book.write_bytes(schedule_workbook_bytes(now, kept, previous=previous))
    again = calendar_files(now, kept, stamp=STAMP, previous=read_previous(book))
    assert _uids(again["event.ics"])[uid] == 1
    # And a session that comes back outranks its cancellation.
    back = calendar_files(problem, schedule, stamp=STAMP, previous=read_previous(book))
    assert _uids(back["event.ics"])[uid] == 2


# -- hostile names ---------------------------------------------------------------------------------

HOSTILE_IDS = [
    "../../etc/passwd",
    ".hidden",
    "..",
    "a b",
    "a_b",
    "P1",
    "p1",
    "CON",
    "x/y\\z",
    "😀",
    "é" * 150,
]
HOSTILE_TEXT = [
    'Smith, "Jo"; =HYPERLINK("http://x","y")',
    "line one\nline two",
    "emoji 😀 and \\ backslash",
    "+1 -2 @3 semi;colon, comma",
]


def _hostile() -> tuple[Problem, Schedule]:
    people = [
        Participant(pid, HOSTILE_TEXT[i % len(HOSTILE_TEXT)] + f" #{i}", institution="Uni, Inc; =1+1")
        for i, pid in enumerate(HOSTILE_IDS)
    ]
    rooms = [Room("../room", "Room; with, commas\nand lines", 50), Room("..", '=HYPERLINK("x")', 50)]
    p = Problem(
        event=Event('Meet; "the", team\n2025 😀', STOCKHOLM, 15, venue="Venue, Inc; =cmd"),
        days=(Day(date(2025, 10, 21), t("09:00"), t("17:00")),),
        rooms=tuple(rooms),
        participants=tuple(people),
        sessions=(
            session("S1", 60, groups=("G",), optional=("P1",)).__class__(
                "S1", HOSTILE_TEXT[0], Kind.WORKING_GROUP, 60, groups=("G",), optional=("P1",)
            ),
            session("S2", 60).__class__("S2", HOSTILE_TEXT[1], Kind.OTHER, 60, required=("p1", "😀")),
        ),
        groups=(Group("G", "Group; =SUM(1)", ("../../etc/passwd",)),),
    )
    schedule = Schedule(
        (
            Assignment("S1", date(2025, 10, 21), t("09:00"), "../room"),
            Assignment("S2", date(2025, 10, 21), t("10:00"), ".."),
        )
    )
    return p, schedule


def test_hostile_ids_give_safe_distinct_file_names_and_nothing_escapes(tmp_path) -> None:
    p, schedule = _hostile()
    files = calendar_files(p, schedule, stamp=STAMP)
    names = [n for n in files if n.startswith("people/")]
    assert len(names) == len(HOSTILE_IDS)
    stems = [n.removeprefix("people/").removesuffix(".ics") for n in names]
    assert len({s.casefold() for s in stems}) == len(stems)  # distinct even on a case-insensitive disk
    for s in stems:
        assert all(c.isalnum() or c in "._-" for c in s), s  # letters and digits of any script
        assert not s.startswith(".") and len(s.encode("utf-8")) <= 100
    assert "people/a_b.ics" in files and "people/P1.ics" in files  # an id that is already safe keeps its name
    assert "people/_.ics" in files  # the emoji is no letter
    out = tmp_path / "calendars"
    written = write_calendars(files, out)
    assert all(path.resolve().is_relative_to(out.resolve()) for path in written)
    assert sorted(p.name for p in (out / "people").iterdir()) == sorted(
        n.removeprefix("people/") for n in names
    )
    assert {x.name for x in out.iterdir()} == {"people", "rooms", "event.ics"}


def test_hostile_text_round_trips_as_text_in_both_parsers() -> None:
    p, schedule = _hostile()
    files = calendar_files(p, schedule, stamp=STAMP)
    names = safe_stems(x.id for x in p.participants)
    for reads in both(files[f"people/{names['p1']}.ics"]):
        (r,) = reads
        assert r.summary == HOSTILE_TEXT[1]
        assert r.location == 'Venue, Inc; =cmd, =HYPERLINK("x")'
        assert "Kind: Other" in r.description
    for reads in both(files[f"people/{names['P1']}.ics"]):
        summaries = sorted(r.summary for r in reads)
        assert summaries == sorted([HOSTILE_TEXT[0] + " (optional)"])
        assert reads[0].location == "Venue, Inc; =cmd, Room; with, commas\nand lines"
        assert "Group; =SUM(1)" in reads[0].description


def test_calendar_names_are_escaped_text() -> None:
    """NAME and X-WR-CALNAME are TEXT: a comma, a semicolon or a backslash in the event's or
    a person's name is escaped (unescaped, "Smith, Alice" ends the value at the comma)."""
    p, schedule = _hostile()
    files = calendar_files(p, schedule, stamp=STAMP)
    lines = files["event.ics"].replace(b"\r\n ", b"").decode().split("\r\n")
    expected = 'Meet\\; "the"\\, team 2025 😀'
    assert f"NAME:{expected}" in lines and f"X-WR-CALNAME:{expected}" in lines
    for name, data in files.items():  # every person's and room's calendar too
        (line,) = [x for x in data.replace(b"\r\n ", b"").decode().split("\r\n") if x.startswith("NAME:")]
        bare = line.replace("\\\\", "").replace("\\,", "").replace("\\;", "")
        assert "," not in bare and ";" not in bare and "\\" not in bare, (name, line)


def test_safe_stems() -> None:
    assert safe_stem("../../etc/passwd") == "___.._etc_passwd"
    assert "/" not in safe_stem("../../etc/passwd") and not safe_stem("../../etc/passwd").startswith(".")
    assert safe_stem("a b,c;d") == "a_b_c_d"
    assert safe_stem("..") == "__" and safe_stem(".x") == "_x"
    assert safe_stem("con") == "_con" and safe_stem("nul.txt") == "_nul.txt"
    assert safe_stem("") == "_"
    stems = safe_stems(["a b", "a_b", "a/b", "P1", "p1"])
    assert stems["a_b"] == "a_b" and stems["P1"] == "P1"
    assert (
        stems["a b"].startswith("a_b_") and stems["a/b"].startswith("a_b_") and stems["p1"].startswith("p1_")
    )
    assert len({v.casefold() for v in stems.values()}) == 5
    assert safe_stems(reversed(list(stems))) == stems  # the order ids come in does not matter
    long = safe_stems(["x" * 300, "x" * 301])
    assert len(set(long.values())) == 2 and all(len(v) <= 100 for v in long.values())


def test_letters_of_any_script_stay_in_file_names() -> None:
    """The contract keeps letters and digits: not only ASCII ones. A name stays within 100
    UTF-8 bytes however many bytes its letters take."""
    assert safe_stem("Åsa") == "Åsa" and safe_stem("José María") == "José_María"
    assert safe_stem("Łódź/Kraków") == "Łódź_Kraków" and safe_stem("東京-2") == "東京-2"
    assert safe_stem("a\u00b7b") == "a_b" and safe_stem("x\u200by") == "x_y"  # a dot-like sign, a space
    long = safe_stems(["Å" * 300, "Å" * 301])
    assert len(set(long.values())) == 2 and all(len(v.encode("utf-8")) <= 100 for v in long.values())
    assert safe_stems(["Åsa", "åsa"])["Åsa"] == "Åsa"  # ignoring case, one keeps the plain name
