"""``schedule.frab.json``: the schedule in the frab JSON format that pretalx exports
and conference apps (Giggity, EventFahrplan, ...) read.

Layout (the C3VOC schedule schema, ``https://c3voc.de/schedule/schema.json``):
``schedule`` → ``conference`` (acronym, title, start, end, daysCount,
timeslot_duration, time_zone_name, rooms, tracks) → ``days`` (index, date,
day_start, day_end) → ``rooms`` (room name → events). Each event has id, guid,
date (ISO with offset), start (``HH:MM``), duration (``HH:MM``), room, slug, url,
title, subtitle, track, type, language, abstract, description, persons, links,
attachments. The format has no optional attendees; ``persons`` (its speakers)
are the leads of the session's groups and the people it requires by name.
A session's guid is its calendar UID, so apps and calendars agree.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

from planner.export.common import KIND_COLOUR, KIND_LABEL, description_lines, time_order
from planner.export.sync import UID_NAMESPACE, session_uid
from planner.model import Assignment, Kind, Problem, Schedule, hhmm

SCHEMA = "https://c3voc.de/schedule/schema.json"
GENERATOR = {"name": "planner", "version": "0.1.0"}


def _ascii_words(text: str) -> list[str]:
    """Lower-case ASCII words of a text (accents dropped, anything else splits words)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return [w for w in re.split(r"[^a-z0-9]+", plain) if w]


def acronym(name: str) -> str:
    """The conference acronym the schema asks for: lower case, digits and ``_``, 4 or more characters."""
    text = ""
    for word in _ascii_words(name):  # whole words, up to 40 characters
        if text and len(text) + 1 + len(word) > 40:
            break
        text = f"{text}_{word}" if text else word[:40]
    text = text or "event"
    return text if len(text) >= 4 else f"{text}_event"


def _duration(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _person_guid(problem: Problem, pid: str) -> str:
    """As the schema suggests: from the e-mail address when known, else from event and id."""
    p = problem.participant_by_id[pid]
    if p.email:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"acct:{p.email.strip().lower()}"))
    return str(uuid.uuid5(UID_NAMESPACE, f"{problem.event.name}\x1fperson\x1f{pid}"))


def _room_names(problem: Problem) -> dict[str, str]:
    """A room's key in the format (rooms are keyed by name): its name, with its id where names repeat."""
    counts: dict[str, int] = defaultdict(int)
    for r in problem.rooms:
        counts[r.name] += 1
    return {r.id: r.name if counts[r.name] == 1 else f"{r.name} ({r.id})" for r in problem.rooms}


def _event_ids(guids: dict[str, str]) -> dict[str, int]:
    """A positive integer id per session, derived from its guid (so stable across re-plans), unique."""
    out: dict[str, int] = {}
    used: set[int] = set()
    for sid in sorted(guids):
        n = int(uuid.UUID(guids[sid]).hex[:7], 16) + 1
        while n in used:
            n += 1
        used.add(n)
        out[sid] = n
    return out


def frab_schedule(problem: Problem, schedule: Schedule) -> dict[str, Any]:
    """The schedule as a frab/pretalx ``schedule.json`` document (a dict ready for json.dumps)."""
    ev = problem.event
    conf_acronym = acronym(ev.name)
    rooms = _room_names(problem)
    placed = [a for a in time_order(schedule) if a.session_id in problem.session_by_id and a.room_id in rooms]
    guids = {a.session_id: session_uid(ev, a.session_id) for a in placed}
    ids = _event_ids(guids)
    dates = sorted({d.date for d in problem.days} | {a.date for a in placed})
    windows = {d.date: (d.start, d.end) for d in problem.days}

    def event(a: Assignment) -> dict[str, Any]:
        s = problem.session_by_id[a.session_id]
        named = problem.expand([g for g in s.required if g not in problem.members])
        leads = {pid for g in s.groups if g in problem.group_by_id for pid in problem.group_by_id[g].leads}
        persons = sorted(named | leads, key=lambda pid: (problem.participant_by_id[pid].name, pid))
        words = "-".join(_ascii_words(s.title))[:50].strip("-")
        slug = f"{conf_acronym}-{ids[s.id]}" + (f"-{words}" if words else "")
        groups = [problem.group_by_id[g].name if g in problem.group_by_id else g for g in s.groups]
        return {
            "id": ids[s.id],
            "guid": guids[s.id],
            "date": ev.at(a.date, a.start).isoformat(),
            "start": hhmm(a.start),
            "duration": _duration(s.duration),
            "room": rooms[a.room_id],
            "slug": slug,
            "url": f"urn:uuid:{guids[s.id]}",
            "title": s.title,
            "subtitle": "; ".join(groups),
            "track": KIND_LABEL[s.kind],
            "type": s.kind.value,
            "language": "en",
            "abstract": f"{KIND_LABEL[s.kind]}, {problem.attendance(s.id)} people expected",
            "description": "\n".join(description_lines(problem, a)),
            "persons": [
                {
                    "guid": _person_guid(problem, pid),
                    "code": uuid.UUID(_person_guid(problem, pid)).hex[:8].upper(),
                    "name": problem.participant_by_id[pid].name,
                    "public_name": problem.participant_by_id[pid].name,
                }
                for pid in persons
            ],
            "links": [],
            "attachments": [],
        }

    by_day: dict[Any, dict[str, list[dict[str, Any]]]] = {
        d: {rooms[r.id]: [] for r in problem.rooms} for d in dates
    }
    for a in placed:
        by_day[a.date][rooms[a.room_id]].append(event(a))
    days = []
    for index, d in enumerate(dates, start=1):
        on_day = [a for a in placed if a.date == d]
        start, end = windows.get(d, (None, None))
        if start is None or end is None:
            start = min(a.start for a in on_day)
            end = max(a.start + problem.session_by_id[a.session_id].duration for a in on_day)
        days.append(
            {
                "index": index,
                "date": d.isoformat(),
                "day_start": ev.at(d, start).isoformat(),
                "day_end": ev.at(d, end).isoformat(),
                "rooms": by_day[d],
            }
        )
    conference = {
        "acronym": conf_acronym,
        "title": ev.name,
        "start": dates[0].isoformat() if dates else "",
        "end": dates[-1].isoformat() if dates else "",
        "daysCount": len(dates),
        "timeslot_duration": _duration(ev.slot_minutes),
        "time_zone_name": ev.timezone,
        "rooms": [
            {
                "name": rooms[r.id],
                "guid": str(uuid.uuid5(UID_NAMESPACE, f"{ev.name}\x1froom\x1f{r.id}")),
                "description": r.building or None,
                "capacity": r.capacity,
            }
            for r in problem.rooms
        ],
        "tracks": [{"name": KIND_LABEL[k], "color": f"#{KIND_COLOUR[k]}"} for k in Kind],
        "days": days,
    }
    # The version changes whenever the schedule does, so apps know to refresh.
    content = json.dumps(conference, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return {
        "$schema": SCHEMA,
        "generator": dict(GENERATOR),
        "schedule": {"version": hashlib.sha256(content).hexdigest()[:12], "conference": conference},
    }


def frab_json_bytes(problem: Problem, schedule: Schedule) -> bytes:
    """``schedule.frab.json`` as UTF-8 bytes."""
    return (json.dumps(frab_schedule(problem, schedule), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_frab_json(data: bytes, path: str | Path) -> Path:
    path = Path(path)
    path.write_bytes(data)
    return path
