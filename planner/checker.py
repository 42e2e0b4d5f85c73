"""The independent checker: does a schedule satisfy the workbook spec's hard rules?

Written from the spec ("What a schedule must satisfy"), not from the solver, so the
two can check each other. One pure function per hard rule, named after its
:class:`~planner.rules.Rule`; each returns the violations it finds, each with one
sentence in the organiser's words. The checker never raises on a bad schedule: a
hand-made schedule may name unknown sessions or rooms, dates outside the event or
the same session twice. A rule that cannot judge a row (unknown session, unknown
room, a date that is not one of the event's days) skips it; the rule for that
defect reports it instead.

Soft figures (optional attendees' clashes, empty seats) use exactly the definitions
the solver's objective uses; see :func:`soft_figures`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from planner.model import NOON, Assignment, Kind, Problem, Relation, Schedule, Span, hhmm, overlaps
from planner.rules import DEPENDENCY_RULES, Rule, SoftGoal


@dataclass(frozen=True)
class Violation:
    """One broken hard rule, with the ids of what is involved."""

    rule: Rule
    message: str
    sessions: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    rooms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Clash:
    """One optional attendee's clash: two of their sessions overlap, or they are away.

    ``start``/``end`` is the clashing time (minutes after midnight): the overlap of the
    two sessions, or the part of the session during which the person is unavailable.
    """

    person: str
    sessions: tuple[str, ...]
    date: date
    start: int
    end: int
    reason: str  # "overlap" or "unavailable"


@dataclass(frozen=True)
class CheckReport:
    """Everything the checker found: broken hard rules and the soft figures."""

    violations: tuple[Violation, ...]
    soft: dict[str, int]
    clashes: tuple[Clash, ...]

    @property
    def ok(self) -> bool:
        """Whether every hard rule holds."""
        return not self.violations

    def objective(self, problem: Problem) -> int:
        """The weighted sum of the soft figures, as the solver minimises it."""
        return sum(problem.event.weight(goal) * value for goal, value in self.soft.items())


# -- naming things as the organiser does -------------------------------------------


def _session(problem: Problem, sid: str) -> str:
    s = problem.session_by_id.get(sid)
    return f'{sid} "{s.title}"' if s is not None else sid


def _person(problem: Problem, pid: str) -> str:
    p = problem.participant_by_id.get(pid)
    if p is None:
        return pid
    return f"{p.name} ({p.institution})" if p.institution else p.name


def _people(problem: Problem, pids: Iterable[str]) -> str:
    names = [_person(problem, p) for p in pids]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _room(problem: Problem, rid: str) -> str:
    r = problem.room_by_id.get(rid)
    return f"room {r.name}" if r is not None else f"room {rid}"


def _span(start: int, end: int) -> str:
    return f"{hhmm(start)}-{hhmm(end)}"


def _end(problem: Problem, a: Assignment) -> int:
    return a.start + problem.session_by_id[a.session_id].duration


def _when(problem: Problem, a: Assignment) -> str:
    return f"on {a.date.isoformat()} {_span(a.start, _end(problem, a))}"


# -- which rows a rule can judge -----------------------------------------------------


def _known(problem: Problem, schedule: Schedule) -> list[Assignment]:
    """Rows of known sessions (every row of a session listed twice)."""
    return [a for a in schedule.assignments if a.session_id in problem.session_by_id]


def _placed(problem: Problem, schedule: Schedule) -> list[Assignment]:
    """Rows of known sessions on one of the event's days: the rows that have a time."""
    return [a for a in _known(problem, schedule) if a.date in problem.day_by_date]


def _in_rooms(problem: Problem, schedule: Schedule) -> list[Assignment]:
    """Rows of known sessions in known rooms."""
    return [a for a in _known(problem, schedule) if a.room_id in problem.room_by_id]


def _overlapping_pairs(problem: Problem, rows: list[Assignment]) -> Iterator[tuple[Assignment, Assignment]]:
    """Each pair of rows of different sessions on the same date whose times overlap, once."""
    by_date: dict[date, list[Assignment]] = defaultdict(list)
    for a in rows:
        by_date[a.date].append(a)
    for day in sorted(by_date):
        ordered = sorted(by_date[day], key=lambda a: (a.start, _end(problem, a), a.session_id))
        for i, a in enumerate(ordered):
            a_end = _end(problem, a)
            for b in ordered[i + 1 :]:
                if b.start >= a_end:
                    break  # sorted by start: no later row can overlap a
                if b.session_id != a.session_id and overlaps(a.start, a_end, b.start, _end(problem, b)):
                    yield a, b


def _away(problem: Problem, who: str, day: date, start: int, end: int) -> list[Span]:
    """The spans in which ``who`` is unavailable that meet [start, end) on ``day``."""
    return [s for s in problem.unavailable.get(who, ()) if s.overlaps(day, start, end)]


def _spans(spans: list[Span]) -> str:
    """When someone or something is away on a day, e.g. ``09:00-10:00 that day`` or ``all day``."""
    if any(s.start <= 0 and s.end >= 24 * 60 for s in spans):
        return "all day"
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    return ", ".join(_span(s.start, s.end) for s in ordered) + " that day"


# -- 1. one room, one day, on the grid, inside the day, clear of breaks ---------------


def scheduled_once(problem: Problem, schedule: Schedule) -> list[Violation]:
    """Every session is scheduled exactly once, and the schedule names no unknown session."""
    rows: dict[str, list[Assignment]] = defaultdict(list)
    for a in schedule.assignments:
        rows[a.session_id].append(a)
    out = []
    for s in problem.sessions:
        found = rows.get(s.id, [])
        if not found:
            out.append(
                Violation(Rule.SCHEDULED_ONCE, f"{_session(problem, s.id)} is not scheduled.", (s.id,))
            )
        elif len(found) > 1:
            places = "; ".join(
                f"{a.date.isoformat()} {hhmm(a.start)} in {_room(problem, a.room_id)}" for a in found
            )
            out.append(
                Violation(
                    Rule.SCHEDULED_ONCE,
                    f"{_session(problem, s.id)} is scheduled {len(found)} times ({places}).",
                    (s.id,),
                )
            )
    for sid, found in rows.items():
        if sid not in problem.session_by_id:
            times = "a row" if len(found) == 1 else f"{len(found)} rows"
            out.append(
                Violation(
                    Rule.SCHEDULED_ONCE,
                    f"The schedule has {times} for session {sid}, which is not in the Sessions sheet.",
                    (sid,),
                )
            )
    return out


def on_a_day(problem: Problem, schedule: Schedule) -> list[Violation]:
    """A session runs on one of the event's days."""
    days = ", ".join(d.date.isoformat() for d in problem.days)
    return [
        Violation(
            Rule.ON_A_DAY,
            f"{_session(problem, a.session_id)} is scheduled on {a.date.isoformat()}, "
            f"which is not one of the event's days ({days}).",
            (a.session_id,),
        )
        for a in _known(problem, schedule)
        if a.date not in problem.day_by_date
    ]


def on_slot_grid(problem: Problem, schedule: Schedule) -> list[Violation]:
    """A session starts on the slot grid, counted from its day's start."""
    slot = problem.event.slot_minutes
    out = []
    for a in _placed(problem, schedule):
        day = problem.day_by_date[a.date]
        if (a.start - day.start) % slot:
            out.append(
                Violation(
                    Rule.ON_SLOT_GRID,
                    f"{_session(problem, a.session_id)} starts at {hhmm(a.start)} on {a.date.isoformat()}, "
                    f"off the {slot}-minute grid that starts at {hhmm(day.start)}.",
                    (a.session_id,),
                )
            )
    return out


def within_day(problem: Problem, schedule: Schedule) -> list[Violation]:
    """A session runs inside its day's window."""
    out = []
    for a in _placed(problem, schedule):
        day = problem.day_by_date[a.date]
        if a.start < day.start or _end(problem, a) > day.end:
            out.append(
                Violation(
                    Rule.WITHIN_DAY,
                    f"{_session(problem, a.session_id)} runs {_when(problem, a)}, outside that day's "
                    f"window {_span(day.start, day.end)}.",
                    (a.session_id,),
                )
            )
    return out


def clear_of_breaks(problem: Problem, schedule: Schedule) -> list[Violation]:
    """No session overlaps a break."""
    out = []
    for a in _placed(problem, schedule):
        end = _end(problem, a)
        for b in problem.breaks_on(a.date):
            if overlaps(a.start, end, b.start, b.end):
                label = f'the break "{b.label}"' if b.label else "a break"
                out.append(
                    Violation(
                        Rule.CLEAR_OF_BREAKS,
                        f"{_session(problem, a.session_id)} runs {_when(problem, a)}, "
                        f"overlapping {label} at {_span(b.start, b.end)}.",
                        (a.session_id,),
                    )
                )
    return out


# -- 2. rooms ------------------------------------------------------------------------


def known_room(problem: Problem, schedule: Schedule) -> list[Violation]:
    """A session is held in a room of the Rooms sheet."""
    return [
        Violation(
            Rule.KNOWN_ROOM,
            f"{_session(problem, a.session_id)} is given room {a.room_id}, which is not in the Rooms sheet.",
            (a.session_id,),
            rooms=(a.room_id,),
        )
        for a in _known(problem, schedule)
        if a.room_id not in problem.room_by_id
    ]


def room_no_overlap(problem: Problem, schedule: Schedule) -> list[Violation]:
    """A room holds at most one session at a time."""
    rows = [a for a in _placed(problem, schedule) if a.room_id in problem.room_by_id]
    out = []
    for a, b in _overlapping_pairs(problem, rows):
        if a.room_id == b.room_id:
            out.append(
                Violation(
                    Rule.ROOM_NO_OVERLAP,
                    f"{_room(problem, a.room_id)} holds both {_session(problem, a.session_id)} "
                    f"({_when(problem, a)}) and {_session(problem, b.session_id)} ({_when(problem, b)}).",
                    (a.session_id, b.session_id),
                    rooms=(a.room_id,),
                )
            )
    return out


def room_capacity(problem: Problem, schedule: Schedule) -> list[Violation]:
    """A room seats the session's attendance."""
    out = []
    for a in _in_rooms(problem, schedule):
        room = problem.room_by_id[a.room_id]
        need = problem.attendance(a.session_id)
        if room.capacity < need:
            out.append(
                Violation(
                    Rule.ROOM_CAPACITY,
                    f"{_session(problem, a.session_id)} expects {need} people but "
                    f"{_room(problem, a.room_id)} seats {room.capacity}.",
                    (a.session_id,),
                    rooms=(a.room_id,),
                )
            )
    return out


def room_features(problem: Problem, schedule: Schedule) -> list[Violation]:
    """A room has every feature the session needs."""
    out = []
    for a in _in_rooms(problem, schedule):
        missing = problem.session_by_id[a.session_id].features - problem.room_by_id[a.room_id].features
        if missing:
            out.append(
                Violation(
                    Rule.ROOM_FEATURES,
                    f"{_session(problem, a.session_id)} needs {', '.join(sorted(missing))}, "
                    f"which {_room(problem, a.room_id)} does not have.",
                    (a.session_id,),
                    rooms=(a.room_id,),
                )
            )
    return out


def room_available(problem: Problem, schedule: Schedule) -> list[Violation]:
    """A room is not used while it is unavailable."""
    out = []
    for a in _placed(problem, schedule):
        if a.room_id not in problem.room_by_id:
            continue
        away = _away(problem, a.room_id, a.date, a.start, _end(problem, a))
        if away:
            out.append(
                Violation(
                    Rule.ROOM_AVAILABLE,
                    f"{_session(problem, a.session_id)} is in {_room(problem, a.room_id)} "
                    f"{_when(problem, a)}, but the room is unavailable {_spans(away)}.",
                    (a.session_id,),
                    rooms=(a.room_id,),
                )
            )
    return out


def session_available(problem: Problem, schedule: Schedule) -> list[Violation]:
    """A session does not run while it is unavailable."""
    out = []
    for a in _placed(problem, schedule):
        away = _away(problem, a.session_id, a.date, a.start, _end(problem, a))
        if away:
            out.append(
                Violation(
                    Rule.SESSION_AVAILABLE,
                    f"{_session(problem, a.session_id)} runs {_when(problem, a)}, "
                    f"but it may not run {_spans(away)}.",
                    (a.session_id,),
                )
            )
    return out


# -- 3. people -----------------------------------------------------------------------


def person_no_overlap(problem: Problem, schedule: Schedule) -> list[Violation]:
    """Nobody is required in two sessions at once."""
    out = []
    for a, b in _overlapping_pairs(problem, _placed(problem, schedule)):
        both = sorted(problem.required_people[a.session_id] & problem.required_people[b.session_id])
        if both:
            verb = "is" if len(both) == 1 else "are"
            out.append(
                Violation(
                    Rule.PERSON_NO_OVERLAP,
                    f"{_people(problem, both)} {verb} required in both {_session(problem, a.session_id)} "
                    f"({_when(problem, a)}) and {_session(problem, b.session_id)} ({_when(problem, b)}).",
                    (a.session_id, b.session_id),
                    tuple(both),
                )
            )
    return out


def person_available(problem: Problem, schedule: Schedule) -> list[Violation]:
    """Nobody is required in a session while unavailable."""
    out = []
    for a in _placed(problem, schedule):
        end = _end(problem, a)
        for pid in sorted(problem.required_people[a.session_id]):
            away = _away(problem, pid, a.date, a.start, end)
            if away:
                out.append(
                    Violation(
                        Rule.PERSON_AVAILABLE,
                        f"{_person(problem, pid)} is required in {_session(problem, a.session_id)} "
                        f"{_when(problem, a)}, but is unavailable {_spans(away)}.",
                        (a.session_id,),
                        (pid,),
                    )
                )
    return out


# -- 4. plenaries --------------------------------------------------------------------


def plenary_exclusive(problem: Problem, schedule: Schedule) -> list[Violation]:
    """Nothing runs at the same time as a plenary."""
    out = []
    for a, b in _overlapping_pairs(problem, _placed(problem, schedule)):
        a_plenary = problem.session_by_id[a.session_id].is_plenary
        b_plenary = problem.session_by_id[b.session_id].is_plenary
        if not (a_plenary or b_plenary):
            continue
        plenary, other = (a, b) if a_plenary else (b, a)
        what = "the plenary" if problem.session_by_id[other.session_id].is_plenary else ""
        other_name = f"{what} {_session(problem, other.session_id)}".strip()
        out.append(
            Violation(
                Rule.PLENARY_EXCLUSIVE,
                f"{other_name} ({_when(problem, other)}) overlaps the plenary "
                f"{_session(problem, plenary.session_id)} ({_when(problem, plenary)}).",
                (plenary.session_id, other.session_id),
            )
        )
    return out


# -- 5. dependencies and fixed values ------------------------------------------------


def _dependency_pairs(
    problem: Problem, schedule: Schedule, rule: Rule
) -> Iterator[tuple[int, Assignment, Assignment]]:
    """(gap, first's row, second's row) for each dependency of ``rule`` whose sessions both have a time."""
    rows: dict[str, list[Assignment]] = defaultdict(list)
    for a in _placed(problem, schedule):
        rows[a.session_id].append(a)
    for d in problem.dependencies:
        if DEPENDENCY_RULES.get(Relation(d.relation).value) is not rule:
            continue
        for first in rows.get(d.first, []):
            for second in rows.get(d.second, []):
                yield d.gap, first, second


def _pair(problem: Problem, first: Assignment, second: Assignment) -> str:
    return (
        f"{_session(problem, first.session_id)} ({_when(problem, first)}) and "
        f"{_session(problem, second.session_id)} ({_when(problem, second)})"
    )


def dependency_before(problem: Problem, schedule: Schedule) -> list[Violation]:
    """The first session ends at least the gap before the second starts (across days too)."""
    out = []
    for gap, first, second in _dependency_pairs(problem, schedule, Rule.DEPENDENCY_BEFORE):
        elapsed = (second.date - first.date).days * 24 * 60 + second.start - _end(problem, first)
        if elapsed < gap:
            need = f"at least {gap} minutes after" if gap else "after"
            out.append(
                Violation(
                    Rule.DEPENDENCY_BEFORE,
                    f"{_session(problem, second.session_id)} ({_when(problem, second)}) must start {need} "
                    f"{_session(problem, first.session_id)} ({_when(problem, first)}) ends.",
                    (first.session_id, second.session_id),
                )
            )
    return out


def dependency_same_day(problem: Problem, schedule: Schedule) -> list[Violation]:
    """Both sessions of a same_day dependency are on the same day."""
    return [
        Violation(
            Rule.DEPENDENCY_SAME_DAY,
            f"{_pair(problem, first, second)} must be on the same day.",
            (first.session_id, second.session_id),
        )
        for _, first, second in _dependency_pairs(problem, schedule, Rule.DEPENDENCY_SAME_DAY)
        if first.date != second.date
    ]


def dependency_different_day(problem: Problem, schedule: Schedule) -> list[Violation]:
    """The two sessions of a different_day dependency are on different days."""
    return [
        Violation(
            Rule.DEPENDENCY_DIFFERENT_DAY,
            f"{_pair(problem, first, second)} must be on different days.",
            (first.session_id, second.session_id),
        )
        for _, first, second in _dependency_pairs(problem, schedule, Rule.DEPENDENCY_DIFFERENT_DAY)
        if first.date == second.date
    ]


def dependency_not_parallel(problem: Problem, schedule: Schedule) -> list[Violation]:
    """The two sessions of a not_parallel dependency do not overlap in time."""
    return [
        Violation(
            Rule.DEPENDENCY_NOT_PARALLEL,
            f"{_pair(problem, first, second)} must not overlap.",
            (first.session_id, second.session_id),
        )
        for _, first, second in _dependency_pairs(problem, schedule, Rule.DEPENDENCY_NOT_PARALLEL)
        if first.date == second.date
        and overlaps(first.start, _end(problem, first), second.start, _end(problem, second))
    ]


def dependency_back_to_back(problem: Problem, schedule: Schedule) -> list[Violation]:
    """The second session starts exactly the gap after the first ends, on the same day."""
    out = []
    for gap, first, second in _dependency_pairs(problem, schedule, Rule.DEPENDENCY_BACK_TO_BACK):
        if first.date != second.date or second.start != _end(problem, first) + gap:
            need = f"exactly {gap} minutes after" if gap else "right when"
            out.append(
                Violation(
                    Rule.DEPENDENCY_BACK_TO_BACK,
                    f"{_session(problem, second.session_id)} ({_when(problem, second)}) must start {need} "
                    f"{_session(problem, first.session_id)} ({_when(problem, first)}) ends, on the same day.",
                    (first.session_id, second.session_id),
                )
            )
    return out


def fixed_day(problem: Problem, schedule: Schedule) -> list[Violation]:
    """A session with a fixed day runs on that day."""
    out = []
    for a in _known(problem, schedule):
        fixed = problem.session_by_id[a.session_id].day
        if fixed is not None and a.date != fixed:
            out.append(
                Violation(
                    Rule.FIXED_DAY,
                    f"{_session(problem, a.session_id)} is fixed to {fixed.isoformat()} "
                    f"but is scheduled on {a.date.isoformat()}.",
                    (a.session_id,),
                )
            )
    return out


def fixed_start(problem: Problem, schedule: Schedule) -> list[Violation]:
    """A session with a fixed start time starts then."""
    out = []
    for a in _known(problem, schedule):
        fixed = problem.session_by_id[a.session_id].start
        if fixed is not None and a.start != fixed:
            out.append(
                Violation(
                    Rule.FIXED_START,
                    f"{_session(problem, a.session_id)} is fixed to start at {hhmm(fixed)} "
                    f"but starts at {hhmm(a.start)} on {a.date.isoformat()}.",
                    (a.session_id,),
                )
            )
    return out


def fixed_room(problem: Problem, schedule: Schedule) -> list[Violation]:
    """A session with a fixed room is held there."""
    out = []
    for a in _known(problem, schedule):
        fixed = problem.session_by_id[a.session_id].room
        if fixed is not None and a.room_id != fixed:
            out.append(
                Violation(
                    Rule.FIXED_ROOM,
                    f"{_session(problem, a.session_id)} is fixed to {_room(problem, fixed)} "
                    f"but is given {_room(problem, a.room_id)}.",
                    (a.session_id,),
                    rooms=(fixed, a.room_id),
                )
            )
    return out


#: The check of each hard rule, in the order of the spec.
RULE_CHECKS: dict[Rule, Callable[[Problem, Schedule], list[Violation]]] = {
    Rule.SCHEDULED_ONCE: scheduled_once,
    Rule.ON_A_DAY: on_a_day,
    Rule.ON_SLOT_GRID: on_slot_grid,
    Rule.WITHIN_DAY: within_day,
    Rule.CLEAR_OF_BREAKS: clear_of_breaks,
    Rule.KNOWN_ROOM: known_room,
    Rule.ROOM_NO_OVERLAP: room_no_overlap,
    Rule.ROOM_CAPACITY: room_capacity,
    Rule.ROOM_FEATURES: room_features,
    Rule.ROOM_AVAILABLE: room_available,
    Rule.SESSION_AVAILABLE: session_available,
    Rule.PERSON_NO_OVERLAP: person_no_overlap,
    Rule.PERSON_AVAILABLE: person_available,
    Rule.PLENARY_EXCLUSIVE: plenary_exclusive,
    Rule.DEPENDENCY_BEFORE: dependency_before,
    Rule.DEPENDENCY_SAME_DAY: dependency_same_day,
    Rule.DEPENDENCY_DIFFERENT_DAY: dependency_different_day,
    Rule.DEPENDENCY_NOT_PARALLEL: dependency_not_parallel,
    Rule.DEPENDENCY_BACK_TO_BACK: dependency_back_to_back,
    Rule.FIXED_DAY: fixed_day,
    Rule.FIXED_START: fixed_start,
    Rule.FIXED_ROOM: fixed_room,
}


# -- soft figures ----------------------------------------------------------------------


def optional_clashes(problem: Problem, schedule: Schedule) -> tuple[Clash, ...]:
    """Every optional attendee's clash (the ``optional_clash`` soft goal).

    For each participant p, with A_p the sessions p is required or optional in:
    (a) each pair of sessions of A_p on the same date whose times overlap, where p is
    optional in at least one (required in both breaks ``person_no_overlap`` instead);
    (b) each session p is optional in while unavailable at some time during it.
    """
    req, opt = problem.required_people, problem.optional_people
    found: list[Clash] = []
    placed = _placed(problem, schedule)
    for a, b in _overlapping_pairs(problem, placed):
        wanted = (req[a.session_id] | opt[a.session_id]) & (req[b.session_id] | opt[b.session_id])
        start, end = max(a.start, b.start), min(_end(problem, a), _end(problem, b))
        for pid in wanted - (req[a.session_id] & req[b.session_id]):
            found.append(Clash(pid, (a.session_id, b.session_id), a.date, start, end, "overlap"))
    for a in placed:
        end = _end(problem, a)
        for pid in opt[a.session_id]:
            away = _away(problem, pid, a.date, a.start, end)
            if away:
                # The clashing time runs from the first to the last moment p is away during a.
                first = max(a.start, min(s.start for s in away))
                last = min(end, max(s.end for s in away))
                found.append(Clash(pid, (a.session_id,), a.date, first, last, "unavailable"))
    return tuple(sorted(found, key=lambda c: (c.person, c.date, c.start, c.end, c.sessions, c.reason)))


def room_fit(problem: Problem, schedule: Schedule) -> int:
    """Seats left empty: the sum over rows in known rooms of max(0, capacity - attendance)."""
    return sum(
        max(0, problem.room_by_id[a.room_id].capacity - problem.attendance(a.session_id))
        for a in _in_rooms(problem, schedule)
    )


def preference_misses(problem: Problem, schedule: Schedule) -> list[tuple[str, str]]:
    """Each preference not met, as (session id, what was wished): a session not on any of
    its prefer_day dates, or not in its prefer_time half of the day (morning: before noon)."""
    missed = []
    for a in _known(problem, schedule):
        sess = problem.session_by_id[a.session_id]
        if sess.prefer_day and a.date not in sess.prefer_day:
            missed.append((sess.id, "prefer_day " + ", ".join(d.isoformat() for d in sess.prefer_day)))
        if sess.prefer_time and (a.start < NOON) != (sess.prefer_time == "morning"):
            missed.append((sess.id, f"prefer_time {sess.prefer_time}"))
    return missed


def preference(problem: Problem, schedule: Schedule) -> int:
    """Preferences not met (see preference_misses)."""
    return len(preference_misses(problem, schedule))


def group_room_spread(problem: Problem, schedule: Schedule) -> list[tuple[str, tuple[str, ...]]]:
    """Per working group meeting in more than one room: (group id, the rooms it uses)."""
    out = []
    where = {a.session_id: a.room_id for a in _known(problem, schedule)}
    for group, sessions in sorted(problem.group_meetings.items()):
        rooms = tuple(sorted({where[s] for s in sessions if s in where}))
        if len(rooms) > 1:
            out.append((group, rooms))
    return out


def group_room(problem: Problem, schedule: Schedule) -> int:
    """Extra rooms: for each working group, the rooms its own meetings use, less one."""
    return sum(len(rooms) - 1 for _, rooms in group_room_spread(problem, schedule))


# -- people's days ---------------------------------------------------------------------
# A person's sessions are those they are required in (whether an optional attendee comes
# is theirs to choose; optional_clash scores that). Counted per person and date.


def _people_days(problem: Problem, schedule: Schedule) -> dict[tuple[str, date], list[Assignment]]:
    """Per (person, date): the rows of the sessions they are required in that day, by start."""
    req = problem.required_people
    out: dict[tuple[str, date], list[Assignment]] = defaultdict(list)
    for a in _placed(problem, schedule):
        for pid in req[a.session_id]:
            out[(pid, a.date)].append(a)
    for rows in out.values():
        rows.sort(key=lambda a: (a.start, a.session_id))
    return dict(sorted(out.items()))


def _grid_slots(problem: Problem, day: date) -> list[tuple[int, int]]:
    """The day's slots [start, end): every slot_minutes from the window's start, inside it."""
    window, step = problem.day_by_date[day], problem.event.slot_minutes
    return [(m, m + step) for m in range(window.start, window.end - step + 1, step)]


@dataclass(frozen=True)
class Finding:
    """One person's (or session's) share of a soft figure: who, which day, which sessions,
    when (minutes after midnight) and how much it adds to the figure."""

    who: str
    date: date
    sessions: tuple[str, ...]
    start: int
    end: int
    amount: int


def idle_gaps(problem: Problem, schedule: Schedule) -> list[Finding]:
    """Each wait between two consecutive sessions of a person on a day, in minutes: the
    day's grid slots between the first's end and the second's start that touch no break
    and no time the person is away."""
    out = []
    for (pid, day), rows in _people_days(problem, schedule).items():
        breaks = problem.breaks_on(day)
        grid = _grid_slots(problem, day)
        for a, b in zip(rows, rows[1:], strict=False):
            start, end = _end(problem, a), b.start
            if end <= start:
                continue
            idle = [
                (s, e)
                for s, e in grid
                if start <= s
                and e <= end
                and not any(overlaps(k.start, k.end, s, e) for k in breaks)
                and not _away(problem, pid, day, s, e)
            ]
            if idle:
                out.append(
                    Finding(
                        pid,
                        day,
                        (a.session_id, b.session_id),
                        start,
                        end,
                        len(idle) * problem.event.slot_minutes,
                    )
                )
    return out


def idle_gap(problem: Problem, schedule: Schedule) -> int:
    """Minutes people wait between their sessions (see idle_gaps)."""
    return sum(f.amount for f in idle_gaps(problem, schedule))


def runs_in_a_row(problem: Problem, schedule: Schedule) -> list[Finding]:
    """Each run of more than max_in_a_row sessions a person has back to back (each starting
    when the previous ends, same day); amount: the sessions beyond the limit."""
    limit = problem.event.max_in_a_row
    out = []
    for (pid, day), rows in _people_days(problem, schedule).items():
        runs: list[list[Assignment]] = []
        for a in rows:
            if runs and _end(problem, runs[-1][-1]) == a.start:
                runs[-1].append(a)
            else:
                runs.append([a])
        for run in runs:
            if len(run) > limit:
                out.append(
                    Finding(
                        pid,
                        day,
                        tuple(a.session_id for a in run),
                        run[0].start,
                        _end(problem, run[-1]),
                        len(run) - limit,
                    )
                )
    return out


def in_a_row(problem: Problem, schedule: Schedule) -> int:
    """Sessions people have back to back beyond max_in_a_row (see runs_in_a_row)."""
    return sum(f.amount for f in runs_in_a_row(problem, schedule))


def single_days(problem: Problem, schedule: Schedule) -> list[Finding]:
    """Each (person, day) with exactly one session."""
    return [
        Finding(pid, day, (rows[0].session_id,), rows[0].start, _end(problem, rows[0]), 1)
        for (pid, day), rows in _people_days(problem, schedule).items()
        if len(rows) == 1
    ]


def single_day(problem: Problem, schedule: Schedule) -> int:
    """Days on which a person has a single session (see single_days)."""
    return len(single_days(problem, schedule))


def late_finishes(problem: Problem, schedule: Schedule) -> list[Finding]:
    """Each (person, day) with a session running in the day's last grid slot."""
    out = []
    for (pid, day), rows in _people_days(problem, schedule).items():
        grid = _grid_slots(problem, day)
        if not grid:
            continue
        last_start = grid[-1][0]
        late = [a for a in rows if _end(problem, a) > last_start]
        if late:
            out.append(
                Finding(
                    pid, day, tuple(a.session_id for a in late), late[0].start, _end(problem, late[-1]), 1
                )
            )
    return out


def late_finish(problem: Problem, schedule: Schedule) -> int:
    """Days on which a person has a session in the day's last slot (see late_finishes)."""
    return len(late_finishes(problem, schedule))


def cross_day_misses(problem: Problem, schedule: Schedule) -> list[Finding]:
    """Each (cross-package meeting, group) where the group has working-group meetings of its
    own and the meeting is on none of their days; ``who`` is the group."""
    rows = {a.session_id: a for a in _placed(problem, schedule)}
    own_days: dict[str, set[date]] = defaultdict(set)
    has_own: set[str] = set()
    for sess in problem.sessions:
        if sess.kind is Kind.WORKING_GROUP:
            for g in sess.groups:
                has_own.add(g)
                if sess.id in rows:
                    own_days[g].add(rows[sess.id].date)
    out = []
    for sess in problem.sessions:
        a = rows.get(sess.id)
        if sess.kind is not Kind.CROSS_PACKAGE or a is None:
            continue
        for g in sorted(set(sess.groups)):
            if g in has_own and a.date not in own_days[g]:
                out.append(Finding(g, a.date, (sess.id,), a.start, _end(problem, a), 1))
    return out


def cross_day(problem: Problem, schedule: Schedule) -> int:
    """Cross-package meetings off their groups' own days (see cross_day_misses)."""
    return len(cross_day_misses(problem, schedule))


# -- fairness ----------------------------------------------------------------------------


def clash_loads(problem: Problem, clashes: Iterable[Clash]) -> tuple[dict[str, int], dict[str, int]]:
    """Optional attendees' clashes per person, and per institution (its people's together;
    people with no institution count for none)."""
    person: dict[str, int] = defaultdict(int)
    for c in clashes:
        person[c.person] += 1
    institution: dict[str, int] = defaultdict(int)
    for pid, n in person.items():
        inst = problem.participant_by_id[pid].institution if pid in problem.participant_by_id else ""
        if inst:
            institution[inst] += n
    return dict(person), dict(institution)


def fair_person(problem: Problem, clashes: Iterable[Clash]) -> int:
    """The most clashes any one person has."""
    return max(clash_loads(problem, clashes)[0].values(), default=0)


def fair_institution(problem: Problem, clashes: Iterable[Clash]) -> int:
    """The most clashes the people of one institution have together."""
    return max(clash_loads(problem, clashes)[1].values(), default=0)


def soft_details(problem: Problem, schedule: Schedule) -> dict[str, list[dict[str, object]]]:
    """Who and what is behind each soft figure, as plain data (for summary.json and the app)."""
    clashes: list[dict[str, object]] = [
        {
            "person": c.person,
            "sessions": list(c.sessions),
            "date": c.date.isoformat(),
            "start": hhmm(c.start),
            "end": hhmm(c.end),
            "reason": c.reason,
        }
        for c in optional_clashes(problem, schedule)
    ]
    seats: list[dict[str, object]] = [
        {
            "session": a.session_id,
            "room": a.room_id,
            "capacity": problem.room_by_id[a.room_id].capacity,
            "attendance": problem.attendance(a.session_id),
            "empty": problem.room_by_id[a.room_id].capacity - problem.attendance(a.session_id),
        }
        for a in _in_rooms(problem, schedule)
        if problem.room_by_id[a.room_id].capacity > problem.attendance(a.session_id)
    ]
    wishes: list[dict[str, object]] = [
        {"session": sid, "wish": wish} for sid, wish in preference_misses(problem, schedule)
    ]
    persons, institutions = clash_loads(problem, optional_clashes(problem, schedule))
    return {
        SoftGoal.OPTIONAL_CLASH.value: clashes,
        SoftGoal.ROOM_FIT.value: seats,
        SoftGoal.PREFERENCE.value: wishes,
        SoftGoal.GROUP_ROOM.value: [
            {"group": g, "rooms": list(rooms)} for g, rooms in group_room_spread(problem, schedule)
        ],
        SoftGoal.IDLE_GAP.value: [_person_day(f, "minutes") for f in idle_gaps(problem, schedule)],
        SoftGoal.IN_A_ROW.value: [_person_day(f, "beyond") for f in runs_in_a_row(problem, schedule)],
        SoftGoal.SINGLE_DAY.value: [_person_day(f) for f in single_days(problem, schedule)],
        SoftGoal.LATE_FINISH.value: [_person_day(f) for f in late_finishes(problem, schedule)],
        SoftGoal.CROSS_DAY.value: [
            {"session": f.sessions[0], "group": f.who, "date": f.date.isoformat()}
            for f in cross_day_misses(problem, schedule)
        ],
        SoftGoal.FAIR_PERSON.value: [
            {"person": p, "clashes": n} for p, n in sorted(persons.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        SoftGoal.FAIR_INSTITUTION.value: [
            {"institution": i, "clashes": n}
            for i, n in sorted(institutions.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    }


def _person_day(f: Finding, amount: str = "") -> dict[str, object]:
    out: dict[str, object] = {
        "person": f.who,
        "date": f.date.isoformat(),
        "sessions": list(f.sessions),
        "start": hhmm(f.start),
        "end": hhmm(f.end),
    }
    if amount:
        out[amount] = f.amount
    return out


def soft_figures(problem: Problem, schedule: Schedule) -> tuple[dict[str, int], tuple[Clash, ...]]:
    """The soft figures ({goal: value}) and the optional attendees' clashes behind the first."""
    clashes = optional_clashes(problem, schedule)
    return {
        SoftGoal.OPTIONAL_CLASH.value: len(clashes),
        SoftGoal.ROOM_FIT.value: room_fit(problem, schedule),
        SoftGoal.PREFERENCE.value: preference(problem, schedule),
        SoftGoal.GROUP_ROOM.value: group_room(problem, schedule),
        SoftGoal.IDLE_GAP.value: idle_gap(problem, schedule),
        SoftGoal.IN_A_ROW.value: in_a_row(problem, schedule),
        SoftGoal.SINGLE_DAY.value: single_day(problem, schedule),
        SoftGoal.LATE_FINISH.value: late_finish(problem, schedule),
        SoftGoal.CROSS_DAY.value: cross_day(problem, schedule),
        SoftGoal.FAIR_PERSON.value: fair_person(problem, clashes),
        SoftGoal.FAIR_INSTITUTION.value: fair_institution(problem, clashes),
    }, clashes


def check(problem: Problem, schedule: Schedule) -> CheckReport:
    """Check every hard rule and compute the soft figures; never raises on a bad schedule."""
    violations = [v for rule in Rule for v in RULE_CHECKS[rule](problem, schedule)]
    soft, clashes = soft_figures(problem, schedule)
    return CheckReport(tuple(violations), soft, clashes)


# -- as text -----------------------------------------------------------------------------


def describe_clash(problem: Problem, clash: Clash) -> str:
    """One optional attendee's clash as a sentence."""
    who = _person(problem, clash.person)
    when = f"{clash.date.isoformat()} {_span(clash.start, clash.end)}"
    if clash.reason == "overlap":
        a, b = clash.sessions
        return (
            f"{who} would like to attend both {_session(problem, a)} and {_session(problem, b)}, "
            f"which overlap on {when}."
        )
    return f"{who} would like to attend {_session(problem, clash.sessions[0])} but is unavailable on {when}."


def format_report(problem: Problem, report: CheckReport) -> str:
    """The report as text: one line per broken rule (its violations indented below), then the soft figures."""
    lines: list[str] = []
    by_rule: dict[Rule, list[Violation]] = defaultdict(list)
    for v in report.violations:
        by_rule[v.rule].append(v)
    if not by_rule:
        lines.append(f"All {len(Rule)} hard rules hold.")
    for rule in Rule:
        found = by_rule.get(rule)
        if not found:
            continue
        times = "once" if len(found) == 1 else f"{len(found)} times"
        lines.append(f"BROKEN {rule.value}: {rule.text} (broken {times})")
        lines.extend(f"    - {v.message}" for v in found)
    lines.append("Soft figures:")
    for goal in SoftGoal:
        value = report.soft.get(goal.value, 0)
        lines.append(f"  {goal.value}: {value} (weight {problem.event.weight(goal.value)}) - {goal.text}")
        if goal is SoftGoal.OPTIONAL_CLASH:
            lines.extend(f"    - {describe_clash(problem, c)}" for c in report.clashes)
    lines.append(f"  weighted total: {report.objective(problem)}")
    return "\n".join(lines)
