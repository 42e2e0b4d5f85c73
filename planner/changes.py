"""What changed between a previous schedule and a new one, session by session."""

from __future__ import annotations

from dataclasses import dataclass

from planner.model import Assignment, Problem, Schedule, hhmm


@dataclass(frozen=True)
class Change:
    """One session that is not where it was: ``kind`` is "another day", "new time",
    "new room", "new time and room", "another day and room", "added" or "dropped"."""

    session_id: str
    kind: str
    was: str
    now: str

    @property
    def points(self) -> int:
        """The change goal's points: new room 1, new time that day 2, another day 3."""
        day = 3 if self.kind.startswith("another day") else 2 if self.kind.startswith("new time") else 0
        return day + (1 if "room" in self.kind else 0) if self.kind not in ("added", "dropped") else 0


def _where(a: Assignment | None) -> str:
    return "" if a is None else f"{a.date.isoformat()} {hhmm(a.start)} {a.room_id}"


def diff(problem: Problem, previous: Schedule, schedule: Schedule) -> list[Change]:
    """Every session whose date, start or room differs, plus sessions added or dropped."""
    out = []
    for sess in problem.sessions:
        was, now = previous.by_session.get(sess.id), schedule.by_session.get(sess.id)
        if was is None or now is None:
            if was is not now:
                out.append(Change(sess.id, "added" if was is None else "dropped", _where(was), _where(now)))
            continue
        if was.date != now.date:
            kind = "another day"
        elif was.start != now.start:
            kind = "new time"
        else:
            kind = ""
        if was.room_id != now.room_id:
            kind = f"{kind} and room" if kind else "new room"
        if kind:
            out.append(Change(sess.id, kind, _where(was), _where(now)))
    known = problem.session_by_id
    out += [
        Change(a.session_id, "dropped", _where(a), "")
        for a in previous.assignments
        if a.session_id not in known
    ]
    return out
