"""What every export says the same way: kind labels and colours, locations,
descriptions, who attends what (required or optional), in time order."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from planner.model import Assignment, Kind, Problem, Schedule

#: How each kind of session is named to people.
KIND_LABEL: dict[Kind, str] = {
    Kind.PLENARY: "Plenary",
    Kind.WORKING_GROUP: "Working group",
    Kind.CROSS_PACKAGE: "Cross-package",
    Kind.OTHER: "Other",
}

#: Background colour (RGB hex) of each kind in the workbook and the frab tracks.
KIND_COLOUR: dict[Kind, str] = {
    Kind.PLENARY: "F4B183",
    Kind.WORKING_GROUP: "9DC3E6",
    Kind.CROSS_PACKAGE: "A9D18E",
    Kind.OTHER: "D5C4E8",
}


def time_order(schedule: Schedule) -> list[Assignment]:
    """The assignments sorted by date, start, room and session (the order of schedule.csv)."""
    return sorted(schedule.assignments, key=lambda a: (a.date, a.start, a.room_id, a.session_id))


def room_label(problem: Problem, room_id: str) -> str:
    """A room as people look for it: its name, and its building when given."""
    room = problem.room_by_id.get(room_id)
    if room is None:
        return room_id
    return f"{room.name} ({room.building})" if room.building else room.name


def location(problem: Problem, room_id: str) -> str:
    """The venue (the Event sheet's location prefix) and the room."""
    venue = problem.event.venue.strip()
    room = room_label(problem, room_id)
    return f"{venue}, {room}" if venue else room


def person_label(problem: Problem, pid: str) -> str:
    p = problem.participant_by_id.get(pid)
    if p is None:
        return pid
    return f"{p.name} ({p.institution})" if p.institution else p.name


def group_label(problem: Problem, gid: str) -> str:
    g = problem.group_by_id.get(gid)
    return g.name if g is not None and g.name else gid


def description_lines(problem: Problem, a: Assignment) -> list[str]:
    """Kind, groups, required people and room of a scheduled session, one fact per line."""
    s = problem.session_by_id[a.session_id]
    lines = [f"Kind: {KIND_LABEL[s.kind]}"]
    if s.groups:
        lines.append("Groups: " + "; ".join(group_label(problem, g) for g in s.groups))
    required = sorted(problem.required_people[s.id], key=lambda p: (person_label(problem, p), p))
    if required:
        names = "; ".join(person_label(problem, p) for p in required)
        lines.append(f"Required ({len(required)}): {names}")
    room = problem.room_by_id.get(a.room_id)
    seats = f", {room.capacity} seats" if room is not None else ""
    lines.append(f"Room: {room_label(problem, a.room_id)}{seats}")
    lines.append(f"Expected attendance: {problem.attendance(s.id)}")
    return lines


@dataclass(frozen=True)
class Attendance:
    """One session in one person's agenda."""

    assignment: Assignment
    required: bool


def agendas(problem: Problem, schedule: Schedule) -> dict[str, list[Attendance]]:
    """Per participant (every one, in the Participants order): the scheduled sessions they
    attend, required or optional, in time order. Sessions the problem does not know are left out."""
    out: dict[str, list[Attendance]] = defaultdict(list)
    for a in time_order(schedule):
        if a.session_id not in problem.session_by_id:
            continue
        for pid in problem.required_people[a.session_id]:
            out[pid].append(Attendance(a, True))
        for pid in problem.optional_people[a.session_id]:
            out[pid].append(Attendance(a, False))
    return {p.id: out.get(p.id, []) for p in problem.participants}
