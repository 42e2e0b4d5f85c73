"""Reading calendars back with two independent iCalendar parsers, ``icalendar`` and ``ics``,
into the same plain records, so a test can ask both the same questions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import icalendar
import ics


@dataclass(frozen=True)
class Read:
    """One VEVENT as a parser understood it."""

    uid: str
    local_start: datetime  # naive wall-clock time in the event's zone
    local_end: datetime | None
    utc_offset: timedelta  # of the start
    summary: str
    location: str
    description: str
    transparent: bool
    status: str
    sequence: int


def with_icalendar(data: bytes) -> tuple[list[Read], icalendar.Calendar]:
    cal = icalendar.Calendar.from_ical(data)
    out = []
    for ev in cal.walk("VEVENT"):
        start = ev.decoded("DTSTART")
        end = ev.decoded("DTEND") if "DTEND" in ev else None
        out.append(
            Read(
                uid=str(ev["UID"]),
                local_start=start.replace(tzinfo=None),
                local_end=end.replace(tzinfo=None) if end is not None else None,
                utc_offset=start.utcoffset(),
                summary=str(ev.get("SUMMARY", "")),
                location=str(ev.get("LOCATION", "")),
                description=str(ev.get("DESCRIPTION", "")),
                transparent=str(ev.get("TRANSP", "OPAQUE")) == "TRANSPARENT",
                status=str(ev.get("STATUS", "")),
                sequence=int(ev.get("SEQUENCE", 0)),
            )
        )
    return out, cal


def with_ics(data: bytes) -> tuple[list[Read], ics.Calendar]:
    cal = ics.Calendar(data.decode("utf-8"))
    out = []
    for ev in cal.events:
        begin = ev.begin.datetime
        has_end = ev.has_end()
        sequence = [int(line.value) for line in ev.extra if line.name == "SEQUENCE"]
        out.append(
            Read(
                uid=ev.uid,
                local_start=begin.replace(tzinfo=None),
                local_end=ev.end.datetime.replace(tzinfo=None) if has_end else None,
                utc_offset=begin.utcoffset(),
                summary=ev.name or "",
                location=ev.location or "",
                description=ev.description or "",
                transparent=bool(ev.transparent),
                status=ev.status or "",
                sequence=sequence[0] if sequence else 0,
            )
        )
    return out, cal


def both(data: bytes) -> tuple[list[Read], list[Read]]:
    """The VEVENTs as each parser reads them, sorted by UID."""
    a, _ = with_icalendar(data)
    b, _ = with_ics(data)
    return sorted(a, key=lambda r: r.uid), sorted(b, key=lambda r: r.uid)
