"""Calendars (iCalendar, RFC 5545): one per participant, one per room, one for the event.

- ``people/<participant_id>.ics``: exactly the sessions that person attends; an
  optional one says "(optional)" in its SUMMARY and is TRANSP:TRANSPARENT, so it
  does not mark the person busy;
- ``rooms/<room_id>.ics``: the sessions held in the room;
- ``event.ics``: every session.

Times are local wall-clock times with the event's TZID, and each file carries the
VTIMEZONE for it, so they stay right across a daylight-saving change and in any
client's zone. UIDs, SEQUENCE and cancellations follow :mod:`planner.export.sync`.
A cancelled session is a VEVENT with STATUS:CANCELLED in the same files (METHOD
PUBLISH): clients apply that on import and on a subscription refresh, whereas a
METHOD:CANCEL message is an iTIP e-mail reply that needs ORGANIZER and ATTENDEE
lines and is rejected or ignored on import by several clients (Google Calendar).
DTSTAMP is a parameter, so the same input gives the same bytes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

from icalendar import Calendar, Event, vCalAddress, vText
from icalendar.enums import STATUS, TRANSP

from planner.export.common import KIND_LABEL, agendas, description_lines, location
from planner.export.names import safe_stems
from planner.export.sync import Entry, Previous, calendar_plan, session_uid
from planner.model import Problem, Schedule

PRODID = "-//planner//conference planner//EN"


def _vevent(problem: Problem, entry: Entry, stamp: datetime, *, optional: bool = False) -> Event:
    """One session (or its cancellation) as a VEVENT; ``optional`` for an optional attendee's copy."""
    ev = problem.event
    a = entry.assignment
    start = ev.at(a.date, a.start)
    end = ev.at(a.date, entry.end) if entry.end is not None else None
    session = problem.session_by_id.get(entry.session_id)
    if entry.cancelled or session is None:
        summary = f"Cancelled: {entry.title}"
        description = "This session was dropped from the schedule."
        categories: list[str] = []
    else:
        summary = f"{entry.title} (optional)" if optional else entry.title
        lines = description_lines(problem, a)
        if optional:
            lines.insert(0, "You are invited as an optional attendee.")
        description = "\n".join(lines)
        categories = [KIND_LABEL[session.kind]]
    vevent = Event.new(
        uid=entry.uid,
        stamp=stamp,
        start=start,
        end=end,
        summary=summary,
        description=description,
        location=location(problem, a.room_id) if a.room_id in problem.room_by_id else None,
        sequence=entry.sequence,
        status=STATUS.CANCELLED if entry.cancelled else STATUS.CONFIRMED,
        transparency=TRANSP.TRANSPARENT if optional or entry.cancelled else TRANSP.OPAQUE,
        categories=categories,
    )
    if ev.organiser_email:
        organiser = vCalAddress(f"mailto:{ev.organiser_email}")
        organiser.params["CN"] = ev.name
        vevent.add("organizer", organiser)
    return vevent


def _calendar(problem: Problem, name: str, uid_key: str, events: Iterable[tuple[Entry, Event]]) -> bytes:
    """A PUBLISH calendar with its VTIMEZONE; its own UID is derived too (never random)."""
    cal = Calendar.new(
        prodid=PRODID,
        method="PUBLISH",
        calscale="GREGORIAN",
        uid=session_uid(problem.event, f"calendar\x1f{uid_key}"),
    )
    # NAME (RFC 7986) and X-WR-CALNAME are TEXT, but icalendar 7 writes them as given (an
    # unknown type): "Smith, Alice" would end the value at the comma. As vText they are
    # escaped like SUMMARY. A calendar's name is one line in every client.
    for key in ("NAME", "X-WR-CALNAME"):
        cal.add(key, vText(" ".join(name.split())))
    days: list[date] = []
    for entry, vevent in events:
        cal.add_component(vevent)
        days.append(entry.assignment.date)
    if days:
        # The zone's rules around the event only: enough for every client, and short.
        cal.add_missing_timezones(
            first_date=date(min(days).year - 1, 1, 1), last_date=date(max(days).year + 2, 1, 1)
        )
    return cal.to_ical()


def calendar_files(
    problem: Problem,
    schedule: Schedule,
    *,
    stamp: datetime,
    previous: Previous | None = None,
    plan: list[Entry] | None = None,
) -> dict[str, bytes]:
    """Every calendar as bytes, by path relative to the calendars folder
    (``event.ics``, ``people/<name>.ics``, ``rooms/<name>.ics``).

    ``stamp`` is the DTSTAMP of every event (an aware datetime; the CLI gives the
    current UTC time). ``plan`` (from :func:`~planner.export.sync.calendar_plan`) is
    computed from ``previous`` when not given."""
    if stamp.tzinfo is None:
        raise ValueError("stamp must be an aware datetime (DTSTAMP is in UTC)")
    stamp = stamp.astimezone(UTC)
    entries = plan if plan is not None else calendar_plan(problem, schedule, previous)
    confirmed = {e.session_id: e for e in entries if not e.cancelled}
    cancelled = [e for e in entries if e.cancelled]
    ev = problem.event
    files: dict[str, bytes] = {}
    made: dict[tuple[str, bool], Event] = {}

    def vevent(entry: Entry, optional: bool = False) -> Event:
        # Built once per session and kind (an attendee's, an optional attendee's), shared by
        # every calendar that lists it: 3,000 people's calendars list 54,000 events.
        key = (entry.uid, optional)
        if key not in made:
            made[key] = _vevent(problem, entry, stamp, optional=optional)
        return made[key]

    files["event.ics"] = _calendar(problem, ev.name, "event", [(e, vevent(e)) for e in entries])

    room_names = safe_stems(r.id for r in problem.rooms)
    by_room: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        by_room[e.assignment.room_id].append(e)
    for r in problem.rooms:
        events = [(e, vevent(e)) for e in by_room.get(r.id, [])]
        files[f"rooms/{room_names[r.id]}.ics"] = _calendar(
            problem, f"{ev.name}: {r.name}", f"room\x1f{r.id}", events
        )

    people_names = safe_stems(p.id for p in problem.participants)
    agenda = agendas(problem, schedule)
    attended_before = previous.attendees if previous is not None else None
    for p in problem.participants:
        events = []
        for item in agenda[p.id]:
            entry = confirmed.get(item.assignment.session_id)
            if entry is not None:
                events.append((entry, vevent(entry, optional=not item.required)))
        for e in cancelled:
            if not e.new_cancellation:
                continue
            # Who had it is known when the previous file held its input; else tell everyone.
            if attended_before is None or p.id in attended_before.get(e.session_id, frozenset()):
                events.append((e, vevent(e)))
        files[f"people/{people_names[p.id]}.ics"] = _calendar(
            problem, f"{ev.name}: {p.name}", f"person\x1f{p.id}", events
        )
    return files


def write_calendars(files: dict[str, bytes], folder: str | Path) -> list[Path]:
    """Write the calendars under ``folder``; ``.ics`` files of ``people/`` and ``rooms/``
    that are not among them (a participant or room no longer in the input) are removed."""
    folder = Path(folder)
    written = []
    for sub in ("people", "rooms"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
        keep = {Path(name).name for name in files if name.startswith(f"{sub}/")}
        for old in (folder / sub).glob("*.ics"):
            if old.name not in keep:
                old.unlink()
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written
