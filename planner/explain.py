"""Why no schedule exists, in the organiser's words.

Two stages. Fast pre-checks first: each is one small function named after the
hard rule it concerns, and each names the culprit directly (a session too big
for every room, a person required for longer than they are present, two
pinned sessions that clash, a fixed value that breaks a window, a break or a
dependency, ...). When they find nothing, the solver's explain model finds a
small set of rule instances that cannot hold together (see
:mod:`planner.solver.explain`), verified and shrunk to a minimal one, and
each instance becomes a sentence.

Every reason carries the rule's name (:class:`~planner.rules.Rule`), the ids
of the sessions, people and rooms involved, and where it is cheap to know,
what would fix it. Nothing here imports OR-Tools: the core search lives in the
solver package and is imported only when needed.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from planner.model import Dependency, Problem, Relation, Room, Session, hhmm, overlaps
from planner.rules import DEPENDENCY_RULES, Rule
from planner.solver.prepare import Prepared, prepare

if TYPE_CHECKING:
    from planner.solver.explain import Instance

PRE_CHECK = "pre-check"
CORE = "core"


@dataclass(frozen=True)
class Reason:
    """One reason why no schedule exists: the rule, a sentence, and what is involved."""

    rule: Rule
    message: str
    sessions: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    rooms: tuple[str, ...] = ()
    #: what would fix it, where that is cheap to know ('' otherwise)
    fix: str = ""
    #: for a reason found by the core search: the rule instance it stands for
    instance: Instance | None = None


@dataclass(frozen=True)
class Explanation:
    """Why an input has no schedule (or that it has one).

    ``method`` is ``"pre-check"`` when a fast check found the reasons, ``"core"`` when
    the explain model did. ``complete`` is False when the time limit stopped the
    explanation: then the reasons (if any) still cannot all hold, but some may not be
    needed, or no reason was found at all."""

    reasons: tuple[Reason, ...]
    complete: bool
    method: str
    schedule_exists: bool = False
    seconds: float = 0.0
    time_limit: float = 0.0


# -- naming things as the organiser does ---------------------------------------------------


def _session(problem: Problem, sid: str) -> str:
    return f'{sid} "{problem.session_by_id[sid].title}"'


def _session_for(problem: Problem, sid: str) -> str:
    """A session with its length: ``S1 "Title" (1 h 30 min)``."""
    return f"{_session(problem, sid)} ({_duration(problem.session_by_id[sid].duration)})"


def _sessions_for(problem: Problem, ids: Sequence[str], most: int = 8) -> str:
    """Sessions with their lengths, the first ``most`` of them named and the rest counted."""
    named = [_session_for(problem, sid) for sid in ids[:most]]
    if len(ids) > most:
        return ", ".join(named) + f" and {len(ids) - most} more"
    return _and(named)


def _person(problem: Problem, pid: str) -> str:
    p = problem.participant_by_id[pid]
    return f"{p.name} ({p.institution})" if p.institution else p.name


def _room(problem: Problem, rid: str) -> str:
    return problem.room_by_id[rid].name


def _and(items: Sequence[str], word: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def _day(d: date) -> str:
    return f"{d.day} {d:%b}"


def _span(start: int, end: int) -> str:
    return f"{hhmm(start)}–{hhmm(end)}"


def _duration(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    if h and m:
        return f"{h} h {m} min"
    return f"{h} h" if h else f"{m} min"


def _features(features: Iterable[str]) -> str:
    return _and(sorted(features))


# -- time arithmetic on one day ---------------------------------------------------------------

Stretch = tuple[int, int]


def _subtract(spans: list[Stretch], cuts: Iterable[Stretch]) -> list[Stretch]:
    """The parts of ``spans`` outside every cut (all half-open)."""
    out = spans
    for a, b in cuts:
        nxt: list[Stretch] = []
        for s, e in out:
            if b <= s or e <= a:
                nxt.append((s, e))
                continue
            if s < a:
                nxt.append((s, a))
            if b < e:
                nxt.append((b, e))
        out = nxt
    return out


def _away_on(problem: Problem, who: str, d: date) -> list[Stretch]:
    return [(s.start, s.end) for s in problem.unavailable.get(who, ()) if s.date == d]


def _breaks_on(problem: Problem, d: date) -> list[Stretch]:
    return [(b.start, b.end) for b in problem.breaks_on(d)]


def _free(problem: Problem, d: date, away: Iterable[str] = (), breaks: bool = True) -> list[Stretch]:
    """The stretches of day ``d``'s window clear of breaks (optionally) and of the
    unavailability of everyone and everything in ``away``."""
    day = problem.day_by_date[d]
    cuts = _breaks_on(problem, d) if breaks else []
    for who in away:
        cuts += _away_on(problem, who, d)
    return _subtract([(day.start, day.end)], cuts)


def _usable(problem: Problem, d: date, stretch: Stretch) -> int:
    """How long a session starting on the slot grid can run inside a stretch."""
    step, day_start = problem.event.slot_minutes, problem.day_by_date[d].start
    first = day_start + -(-(stretch[0] - day_start) // step) * step
    return max(0, stretch[1] - first)


def _longest(problem: Problem, away: Iterable[str] = (), breaks: bool = True) -> tuple[int, str]:
    """The longest stretch a session could use, and where it is (``21 Oct 10:30–12:00``)."""
    best, where = 0, ""
    away = list(away)
    for day in sorted(problem.days, key=lambda d: d.date):
        for s in _free(problem, day.date, away, breaks):
            n = _usable(problem, day.date, s)
            if n > best:
                best, where = n, f"{_day(day.date)} {_span(*s)}"
    return best, where


def _spans_text(by_day: dict[date, list[Stretch]]) -> str:
    parts = []
    for d in sorted(by_day):
        spans = sorted(by_day[d])
        if any(a <= 0 and b >= 24 * 60 for a, b in spans):
            parts.append(f"{_day(d)} (all day)")
        else:
            parts.append(f"{_day(d)} " + ", ".join(_open_span(a, b) for a, b in spans))
    return "; ".join(parts)


def _open_span(start: int, end: int) -> str:
    """A span, with midnight at either end read as 'until' or 'from'."""
    if start <= 0:
        return f"until {hhmm(end)}"
    if end >= 24 * 60:
        return f"from {hhmm(start)}"
    return _span(start, end)


def _away_text(problem: Problem, who: str) -> str:
    """When someone or something is unavailable, e.g. ``21 Oct 09:00–12:00; 22 Oct (all day)``."""
    by_day: dict[date, list[Stretch]] = defaultdict(list)
    for s in problem.unavailable.get(who, ()):
        if s.date in problem.day_by_date:
            by_day[s.date].append((s.start, s.end))
    return _spans_text(by_day)


def _present(problem: Problem, pid: str) -> tuple[str, int]:
    """When a person is present (day windows less their unavailability, breaks included, as
    an organiser reads a programme), and for how many minutes outside breaks."""
    by_day: dict[date, list[Stretch]] = {}
    minutes = 0
    for day in problem.days:
        here = _free(problem, day.date, [pid], breaks=False)
        if here:
            by_day[day.date] = here
        minutes += sum(b - a for a, b in _free(problem, day.date, [pid]))
    return _spans_text(by_day), minutes


def _event_minutes(problem: Problem) -> int:
    return sum(b - a for day in problem.days for a, b in _free(problem, day.date))


def _days_text(problem: Problem) -> str:
    """The event's days and breaks, for context."""
    days = "; ".join(
        f"{_day(d.date)} {_span(d.start, d.end)}" for d in sorted(problem.days, key=lambda d: d.date)
    )
    if not problem.breaks:
        return f"The event runs {days}, with no breaks."
    breaks = "; ".join(
        f"{b.label or 'a break'} {_span(b.start, b.end)} "
        + ("every day" if b.date is None else f"on {_day(b.date)}")
        for b in problem.breaks
    )
    return f"The event runs {days}; breaks: {breaks}."


# -- what the pre-checks share ------------------------------------------------------------------

Start = tuple[date, int]  # a date and a start minute


@dataclass(frozen=True)
class _NoStart:
    """Why a session has no start: the first stage of the cascade that leaves none.

    Stages: the day windows, then breaks, then the session's own unavailability,
    then its required people's, then its fixed day and start."""

    rule: Rule
    #: minimal set of required people never all present (person_available)
    people: tuple[str, ...] = ()
    #: whether breaks are part of the reason (session_available, person_available)
    breaks: bool = True
    #: the starts left before the stage that leaves none (room_available)
    left: tuple[Start, ...] = ()


class _Context:
    """The problem, prepare()'s pruning, and per-session diagnoses, computed once."""

    def __init__(self, problem: Problem, data: Prepared):
        self.problem = problem
        self.data = data
        self.index = {s.id: i for i, s in enumerate(problem.sessions)}
        self.no_start: dict[str, _NoStart] = {}
        for i, sess in enumerate(problem.sessions):
            if not data.starts[i]:
                why = self._diagnose(sess)
                if why is not None:  # else prepare()'s own sentence stands
                    self.no_start[sess.id] = why

    # -- the starts of one session, filtered one rule at a time --------------------------

    def frame(self, sess: Session) -> list[Start]:
        """Every start on the grid from which the session ends inside its day."""
        step = self.problem.event.slot_minutes
        out = []
        for day in sorted(self.problem.days, key=lambda d: d.date):
            m = day.start
            while m + sess.duration <= day.end:
                out.append((day.date, m))
                m += step
        return out

    def clear_of_breaks(self, sess: Session, starts: list[Start]) -> list[Start]:
        return [
            (d, m)
            for d, m in starts
            if not any(overlaps(a, b, m, m + sess.duration) for a, b in _breaks_on(self.problem, d))
        ]

    def free_of(self, who: Iterable[str], sess: Session, starts: list[Start]) -> list[Start]:
        who = list(who)
        return [
            (d, m)
            for d, m in starts
            if not any(self.problem.is_unavailable(w, d, m, m + sess.duration) for w in who)
        ]

    def fixed(self, sess: Session, starts: list[Start]) -> list[Start]:
        return [
            (d, m)
            for d, m in starts
            if (sess.day is None or sess.day == d) and (sess.start is None or sess.start == m)
        ]

    def _diagnose(self, sess: Session) -> _NoStart | None:
        base = self.frame(sess)
        if not base:
            return _NoStart(Rule.WITHIN_DAY)
        clear = self.clear_of_breaks(sess, base)
        if not clear:
            return _NoStart(Rule.CLEAR_OF_BREAKS)
        own = self.free_of([sess.id], sess, clear)
        if not own:
            return _NoStart(Rule.SESSION_AVAILABLE, breaks=bool(self.free_of([sess.id], sess, base)))
        away = [p for p in sorted(self.problem.required_people[sess.id]) if p in self.problem.unavailable]
        if not self.free_of(away, sess, own):
            people = list(away)
            for p in list(people):  # deletion filter: keep only people needed to leave no time
                rest = [q for q in people if q != p]
                if not self.free_of(rest, sess, own):
                    people = rest
            # breaks are part of the reason if, without them, the people would have had a time
            breaks = bool(self.free_of(people, sess, self.free_of([sess.id], sess, base)))
            return _NoStart(Rule.PERSON_AVAILABLE, tuple(people), breaks)
        possible = self.free_of(away, sess, own)
        roomy = self.rooms_open(sess, possible)
        if not roomy:
            return _NoStart(Rule.ROOM_AVAILABLE, left=tuple(possible))
        if sess.day is not None and not any(d == sess.day for d, _ in roomy):
            return _NoStart(Rule.FIXED_DAY)
        if sess.start is not None:
            return _NoStart(Rule.FIXED_START)
        return None

    def rooms_open(self, sess: Session, starts: list[Start]) -> list[Start]:
        """The starts at which some room the session fits in is open throughout."""
        fits = [self.problem.rooms[k].id for k in self.data.rooms[self.index[sess.id]]]
        if not fits:
            return starts  # no room fits at all: room_capacity or room_features says so
        return [
            (d, m)
            for d, m in starts
            if any(not self.problem.is_unavailable(r, d, m, m + sess.duration) for r in fits)
        ]

    # -- where a session can run ------------------------------------------------------------

    def possible(self, sid: str) -> list[Start]:
        slots = self.data.slots
        return [(slots[g].date, slots[g].start) for g in self.data.starts[self.index[sid]]]

    def when(self, sid: str) -> str:
        """Where a session can run, e.g. ``is fixed at 21 Oct 10:00–11:00``."""
        sess = self.problem.session_by_id[sid]
        starts = self.possible(sid)
        if len(starts) == 1:
            (d, m) = starts[0]
            verb = "is fixed at" if sess.start is not None else "can only run at"
            return f"{verb} {_day(d)} {_span(m, m + sess.duration)}"
        first, last = min(starts), max(starts)
        return (
            f"can only run between {_day(first[0])} {hhmm(first[1])} "
            f"and {_day(last[0])} {hhmm(last[1] + sess.duration)}"
        )


# -- pre-checks: one function per rule ----------------------------------------------------------


def within_day(ctx: _Context) -> list[Reason]:
    """A session longer than every day's window."""
    problem, out = ctx.problem, []
    for sid, why in ctx.no_start.items():
        if why.rule is not Rule.WITHIN_DAY:
            continue
        sess = problem.session_by_id[sid]
        longest = max(problem.days, key=lambda d: d.end - d.start)
        length = longest.end - longest.start
        out.append(
            Reason(
                Rule.WITHIN_DAY,
                f"{_session(problem, sid)} lasts {_duration(sess.duration)}, longer than any day: the "
                f"longest is {_duration(length)} ({_day(longest.date)} {_span(longest.start, longest.end)}).",
                (sid,),
                fix=f"shorten {sid} to {_duration(length)} or less, or split it",
            )
        )
    return out


def clear_of_breaks(ctx: _Context) -> list[Reason]:
    """A session longer than every stretch between breaks."""
    problem, out = ctx.problem, []
    for sid, why in ctx.no_start.items():
        if why.rule is not Rule.CLEAR_OF_BREAKS:
            continue
        sess = problem.session_by_id[sid]
        best, where = _longest(problem)
        longest = f"the longest is {_duration(best)} ({where})" if best else "breaks fill every day"
        out.append(
            Reason(
                Rule.CLEAR_OF_BREAKS,
                f"{_session(problem, sid)} lasts {_duration(sess.duration)}, longer than any stretch between "
                f"breaks: {longest}.",
                (sid,),
                fix=(f"shorten {sid} to {_duration(best)}, or " if best else "") + "shorten or move a break",
            )
        )
    return out


def session_available(ctx: _Context) -> list[Reason]:
    """A session whose own unavailability leaves no window long enough."""
    problem, out = ctx.problem, []
    for sid, why in ctx.no_start.items():
        if why.rule is not Rule.SESSION_AVAILABLE:
            continue
        sess = problem.session_by_id[sid]
        best, where = _longest(problem, [sid], why.breaks)
        left = f"{_duration(best)} ({where})" if best else "nothing"
        outside = " outside breaks" if why.breaks else ""
        out.append(
            Reason(
                Rule.SESSION_AVAILABLE,
                f"{_session(problem, sid)} lasts {_duration(sess.duration)}, but may not run "
                f"{_away_text(problem, sid)}: the longest time left for it{outside} is {left}.",
                (sid,),
                fix=f"let {sid} run at more times"
                + (f", or shorten it to {_duration(best)}" if best else ""),
            )
        )
    return out


def person_available(ctx: _Context) -> list[Reason]:
    """A session whose required people (or group) are never all present at once for its length."""
    problem, out = ctx.problem, []
    for sid, why in ctx.no_start.items():
        if why.rule is not Rule.PERSON_AVAILABLE:
            continue
        sess = problem.session_by_id[sid]
        people = why.people
        outside = " outside breaks" if why.breaks else ""
        long = _duration(sess.duration)
        best, where = _longest(problem, people, why.breaks)
        most = f" (at most {_duration(best)}, {where})" if best else ""
        if len(people) == 1:
            p = people[0]
            seen, minutes = _present(problem, p)
            if not seen:
                message = (
                    f"{_person(problem, p)} is required in {_session(problem, sid)}, "
                    "but is unavailable throughout the event."
                )
            else:
                message = (
                    f"{_person(problem, p)} is required in {_session(problem, sid)} ({long}), but is never "
                    f"present for {long} at once{outside}{most}: present only on {seen}."
                )
        else:
            whens = "; ".join(f"{_person(problem, p)} is away {_away_text(problem, p)}" for p in people)
            message = (
                f"{_and([_person(problem, p) for p in people])} are required in {_session(problem, sid)} "
                f"({long}), but are never all present for {long} at once{outside}{most}: {whens}."
            )
        # making one of them optional gives the session a time only if nobody else blocks it
        own = ctx.free_of([sid], sess, ctx.clear_of_breaks(sess, ctx.frame(sess)))
        blockers = [p for p in problem.required_people[sid] if p in problem.unavailable]
        enough = [
            p for p in people if ctx.fixed(sess, ctx.free_of([q for q in blockers if q != p], sess, own))
        ]
        fix = (
            f"make {_and([_person(problem, p) for p in enough], 'or')} optional in {sid}"
            if enough
            else f"ask {_and([_person(problem, p) for p in people])} to be present for {long} at once"
        )
        out.append(Reason(Rule.PERSON_AVAILABLE, message, (sid,), people, fix=fix))
    return out


def _fixed_clash(ctx: _Context, sess: Session, starts: list[Start]) -> str:
    """Why none of a fixed session's possible starts works: each cause once."""
    problem = ctx.problem
    if not starts:
        if sess.day is None:
            return "no day has room for it then"
        day = problem.day_by_date[sess.day]
        return f"that day runs only {_span(day.start, day.end)}"
    causes: list[str] = []
    for d, m in starts:
        cause = _cause_at(problem, sess, d, m)
        if cause not in causes:
            causes.append(cause)
    if len(starts) == 1:
        d, m = starts[0]
        return f"at {_day(d)} {_span(m, m + sess.duration)} " + "; ".join(causes)
    return "on that day " + "; ".join(causes)


def _cause_at(problem: Problem, sess: Session, d: date, m: int) -> str:
    """What stops a session starting at ``m`` on ``d`` (a break, its own or a person's unavailability)."""
    end = m + sess.duration
    for b in problem.breaks_on(d):
        if overlaps(b.start, b.end, m, end):
            return f"it would overlap {b.label or 'a break'} ({_span(b.start, b.end)})"
    if problem.is_unavailable(sess.id, d, m, end):
        return f"it may not run {_away_text(problem, sess.id)}"
    for p in sorted(problem.required_people[sess.id]):
        if problem.is_unavailable(p, d, m, end):
            return f"{_person(problem, p)}, who is required, is away ({_away_text(problem, p)})"
    fits = _fitting(problem, sess)
    if fits and all(problem.is_unavailable(r.id, d, m, end) for r in fits):
        names = _and([r.name for r in fits], "and")
        return f"{names}, where it fits, {'is' if len(fits) == 1 else 'are'} closed then"
    return "it cannot run"


def _fitting(problem: Problem, sess: Session) -> list[Room]:
    """The rooms a session fits in: seats, features and its fixed room."""
    need = problem.attendance(sess.id)
    return [
        r
        for r in problem.rooms
        if r.capacity >= need and sess.features <= r.features and (sess.room is None or sess.room == r.id)
    ]


def fixed_day(ctx: _Context) -> list[Reason]:
    """A fixed day on which the session cannot run (window, breaks, unavailability)."""
    problem, out = ctx.problem, []
    for sid, why in ctx.no_start.items():
        if why.rule is not Rule.FIXED_DAY:
            continue
        sess = problem.session_by_id[sid]
        assert sess.day is not None
        # with its start fixed too, only that start is in question (not a lunch it never meets)
        on_day = [
            s for s in ctx.frame(sess) if s[0] == sess.day and (sess.start is None or s[1] == sess.start)
        ]
        at = f" at {hhmm(sess.start)}" if sess.start is not None else ""
        out.append(
            Reason(
                Rule.FIXED_DAY,
                f"{_session(problem, sid)} ({_duration(sess.duration)}) is fixed on {_day(sess.day)}{at}, "
                f"but {_fixed_clash(ctx, sess, on_day)}.",
                (sid,),
                fix=f"fix {sid} on another day, or unfix its day",
            )
        )
    return out


def fixed_start(ctx: _Context) -> list[Reason]:
    """A fixed start at which the session cannot run (a break, unavailability, its fixed day)."""
    problem, out = ctx.problem, []
    for sid, why in ctx.no_start.items():
        if why.rule is not Rule.FIXED_START:
            continue
        sess = problem.session_by_id[sid]
        assert sess.start is not None
        at = [s for s in ctx.frame(sess) if s[1] == sess.start and (sess.day is None or s[0] == sess.day)]
        on = f" on {_day(sess.day)}" if sess.day is not None else ""
        out.append(
            Reason(
                Rule.FIXED_START,
                f"{_session(problem, sid)} is fixed to start at {hhmm(sess.start)}{on}, "
                f"but {_fixed_clash(ctx, sess, at)}.",
                (sid,),
                fix=f"fix {sid} at another time, or unfix its start",
            )
        )
    return out


def _equipped(problem: Problem, sess: Session) -> list[Room]:
    return [r for r in problem.rooms if sess.features <= r.features]


def room_features(ctx: _Context) -> list[Reason]:
    """A session that needs features no room has (all together)."""
    problem, out = ctx.problem, []
    for i, sess in enumerate(problem.sessions):
        if ctx.data.rooms[i] or _equipped(problem, sess):
            continue
        have = set().union(*(r.features for r in problem.rooms))
        missing = sess.features - have
        need = problem.attendance(sess.id)
        big = [r for r in problem.rooms if r.capacity >= need] or list(problem.rooms)
        nearest = min(big, key=lambda r: (len(sess.features - r.features), -r.capacity))
        if missing:
            message = f"{_session(problem, sess.id)} needs {_features(missing)}, which no room has."
        else:
            held = "; ".join(
                f"{r.name} has {_features(r.features & sess.features)}"
                for r in problem.rooms
                if r.features & sess.features
            )
            message = (
                f"{_session(problem, sess.id)} needs {_features(sess.features)}, and no room has all of them "
                f"({held})."
            )
        out.append(
            Reason(
                Rule.ROOM_FEATURES,
                message,
                (sess.id,),
                rooms=(nearest.id,),
                fix=f"give {nearest.name} {_features(sess.features - nearest.features)}, "
                f"or drop {_features(sess.features - nearest.features)} from {sess.id}",
            )
        )
    return out


def room_capacity(ctx: _Context) -> list[Reason]:
    """A session whose attendance exceeds every (suitably equipped) room."""
    problem, out = ctx.problem, []
    for i, sess in enumerate(problem.sessions):
        equipped = _equipped(problem, sess)
        need = problem.attendance(sess.id)
        if ctx.data.rooms[i] or not equipped or any(r.capacity >= need for r in equipped):
            continue
        biggest = max(equipped, key=lambda r: r.capacity)
        kind = f"room with {_features(sess.features)}" if sess.features else "room"
        out.append(
            Reason(
                Rule.ROOM_CAPACITY,
                f"{_session(problem, sess.id)} expects {need} people, but the largest {kind} seats "
                f"{biggest.capacity} ({biggest.name}).",
                (sess.id,),
                rooms=(biggest.id,),
                fix=f"a {kind} seating at least {need}, or an attendance of at most {biggest.capacity}",
            )
        )
    return out


def fixed_room(ctx: _Context) -> list[Reason]:
    """A session fixed in a room that is too small for it or lacks a feature it needs."""
    problem, out = ctx.problem, []
    for i, sess in enumerate(problem.sessions):
        if ctx.data.rooms[i] or sess.room is None:
            continue
        need = problem.attendance(sess.id)
        fits = [r for r in _equipped(problem, sess) if r.capacity >= need]
        if not fits:
            continue  # room_capacity or room_features says why no room at all would do
        room = problem.room_by_id[sess.room]
        lacks = []
        if room.capacity < need:
            lacks.append(f"seats {room.capacity} (it expects {need})")
        if not sess.features <= room.features:
            lacks.append(f"lacks {_features(sess.features - room.features)}")
        best = min(fits, key=lambda r: r.capacity)
        out.append(
            Reason(
                Rule.FIXED_ROOM,
                f"{_session(problem, sess.id)} is fixed in {room.name}, which {' and '.join(lacks)}.",
                (sess.id,),
                rooms=(room.id,),
                fix=f"fix it in {best.name} ({best.capacity} seats) instead, or unfix its room",
            )
        )
    return out


def room_available(ctx: _Context) -> list[Reason]:
    """A session whose only suitable rooms are closed whenever it could otherwise run."""
    problem, data, out = ctx.problem, ctx.data, []
    for i, sess in enumerate(problem.sessions):
        why = ctx.no_start.get(sess.id)
        if why is not None and why.rule is Rule.ROOM_AVAILABLE:
            starts = list(why.left)
        elif data.starts[i] and not ctx.rooms_open(sess, ctx.possible(sess.id)):
            starts = ctx.possible(sess.id)  # a prepare() that leaves room closures to the search
        else:
            continue
        rooms = [problem.rooms[k] for k in data.rooms[i]]
        closed = "; ".join(f"{r.name} is closed {_away_text(problem, r.id)}" for r in rooms)
        which = _and([r.name for r in rooms], "or")
        is_are = "is" if len(rooms) == 1 else "are"
        out.append(
            Reason(
                Rule.ROOM_AVAILABLE,
                f"{_session(problem, sess.id)} can only be held in {which}, which {is_are} closed whenever "
                f"it could otherwise run ({_between(sess, starts)}): {closed}.",
                (sess.id,),
                rooms=tuple(r.id for r in rooms),
                fix=f"open {which} at another time, or "
                + _another_room(problem.attendance(sess.id), sess.features),
            )
        )
    return out


def _between(sess: Session, starts: list[Start]) -> str:
    """When a session could run, given its possible starts."""
    if len(starts) == 1:
        d, m = starts[0]
        return f"{_day(d)} {_span(m, m + sess.duration)}"
    (d0, m0), (d1, m1) = min(starts), max(starts)
    return f"between {_day(d0)} {hhmm(m0)} and {_day(d1)} {hhmm(m1 + sess.duration)}"


def person_no_overlap(ctx: _Context, named: set[str]) -> list[Reason]:
    """A person required for more minutes than they are present; two pinned sessions that
    share a required person."""
    problem, out = ctx.problem, []
    for p in problem.participants:
        if p.id in named:
            continue
        mine = [s for s in problem.sessions if p.id in problem.required_people[s.id]]
        total = sum(s.duration for s in mine)
        seen, minutes = _present(problem, p.id)
        if total <= minutes or not mine:
            continue
        excess = total - minutes
        if p.id in problem.unavailable:
            where = (
                f"is present only on {seen} ({_duration(minutes)} outside breaks)"
                if seen
                else "is never present"
            )
        else:
            where = f"the event has only {_duration(minutes)} outside breaks"
        listed = _sessions_for(problem, [s.id for s in mine])
        # the smallest relief: one session long enough, else the longest ones until enough
        one = sorted((s for s in mine if s.duration >= excess), key=lambda s: s.duration)
        drop = one[:1]
        if not drop:
            for s in sorted(mine, key=lambda s: -s.duration):
                drop.append(s)
                if sum(x.duration for x in drop) >= excess:
                    break
        out.append(
            Reason(
                Rule.PERSON_NO_OVERLAP,
                f"{_person(problem, p.id)} is required in {len(mine)} sessions totalling {_duration(total)} "
                f"({listed}), but {where}.",
                tuple(s.id for s in mine),
                (p.id,),
                fix=f"make {_person(problem, p.id)} optional in {_and([s.id for s in drop])} "
                f"({_duration(excess)} too much)",
            )
        )
    for a, b in _pinned_pairs(ctx):
        shared = sorted(problem.required_people[a] & problem.required_people[b])
        if not shared:
            continue
        names = _and([_person(problem, p) for p in shared])
        out.append(
            Reason(
                Rule.PERSON_NO_OVERLAP,
                f"{_session(problem, a)} {ctx.when(a)} and {_session(problem, b)} {ctx.when(b)}, "
                f"but {names} {'is' if len(shared) == 1 else 'are'} required in both.",
                (a, b),
                tuple(shared),
                fix=f"move one of them, or make {names} optional in one",
            )
        )
    return out


def _pinned_pairs(ctx: _Context) -> list[tuple[str, str]]:
    """Pairs of sessions that can each run at one time only, and those times overlap."""
    data, problem = ctx.data, ctx.problem
    pinned = []
    for i, sess in enumerate(problem.sessions):
        if len(data.starts[i]) == 1:
            slot = data.slots[data.starts[i][0]]
            pinned.append((sess.id, slot.date, slot.start, slot.start + sess.duration))
    pairs = []
    for n, (a, da, sa, ea) in enumerate(pinned):
        for b, db, sb, eb in pinned[n + 1 :]:
            if da == db and overlaps(sa, ea, sb, eb):
                pairs.append((a, b))
    return pairs


def room_no_overlap(ctx: _Context, covered: set[str]) -> list[Reason]:
    """Two pinned sessions in the same only room; sessions that can only use a few rooms
    and need more time than those rooms are open."""
    problem, data, out = ctx.problem, ctx.data, []
    for a, b in _pinned_pairs(ctx):
        ra, rb = data.rooms[ctx.index[a]], data.rooms[ctx.index[b]]
        if len(ra) == 1 and ra == rb:
            room = problem.rooms[ra[0]]
            sa, sb = problem.session_by_id[a], problem.session_by_id[b]
            out.append(
                Reason(
                    Rule.ROOM_NO_OVERLAP,
                    f"{_session(problem, a)} {ctx.when(a)} and {_session(problem, b)} {ctx.when(b)}, "
                    f"and both can only be held in {room.name} "
                    f"({'; '.join(dict.fromkeys([_room_limit(problem, sa), _room_limit(problem, sb)]))}).",
                    (a, b),
                    rooms=(room.id,),
                    fix="move one of them, or let one use another room",
                )
            )
    covered = covered | {s for r in out for s in r.sessions}
    families = sorted({frozenset(r) for r in data.rooms if r}, key=len)
    reported: list[frozenset[int]] = []
    everywhere = frozenset(range(len(problem.rooms)))
    for fam in families:
        if any(f <= fam for f in reported):
            continue
        members = [
            i
            for i, r in enumerate(data.rooms)
            if r and set(r) <= fam and problem.sessions[i].id not in covered
        ]
        total = sum(problem.sessions[i].duration for i in members)
        rooms = [problem.rooms[k] for k in sorted(fam)]
        open_minutes = sum(
            b - a for r in rooms for day in problem.days for a, b in _free(problem, day.date, [r.id])
        )
        if len(members) < 2 or total <= open_minutes:
            continue
        reported.append(fam)
        sessions = [problem.sessions[i] for i in members]
        listed = _sessions_for(problem, [s.id for s in sessions])
        is_are = "it is" if len(rooms) == 1 else "they are"
        if fam == everywhere:
            message = (
                f"{listed}, {_duration(total)} in all, need more room time than there is: "
                f"{_and([r.name for r in rooms])} {'is' if len(rooms) == 1 else 'are'} open only "
                f"{_duration(open_minutes)} in all outside breaks."
            )
        else:
            why = "; ".join(_room_limit(problem, s) for s in sessions)
            message = (
                f"{listed}, {_duration(total)} in all, can only be held in "
                f"{_and([r.name for r in rooms], 'or')} ({why}), but {is_are} open only "
                f"{_duration(open_minutes)} outside breaks."
            )
        need = max(problem.attendance(s.id) for s in sessions)
        feats = set().union(*(s.features for s in sessions))
        out.append(
            Reason(
                Rule.ROOM_NO_OVERLAP,
                message,
                tuple(s.id for s in sessions),
                rooms=tuple(r.id for r in rooms),
                fix=_another_room(need, feats),
            )
        )
    return out


def _another_room(need: int, features: Iterable[str]) -> str:
    seats = f" seating {need}" if need > 0 else ""
    feats = sorted(features)
    return f"another room{seats}" + (f" with {_features(feats)}" if feats else "")


def _room_limit(problem: Problem, sess: Session) -> str:
    """Why a session can use only some rooms: fixed, features or size."""
    if sess.room is not None:
        return f"{sess.id} is fixed in {_room(problem, sess.room)}"
    if any(not sess.features <= r.features for r in problem.rooms):
        return f"{sess.id} needs {_features(sess.features)}"
    if len(problem.rooms) == 1:
        return "the only room"
    return f"{sess.id} expects {problem.attendance(sess.id)} people"


def plenary_exclusive(ctx: _Context) -> list[Reason]:
    """A pinned session at the time of a pinned plenary."""
    problem, out = ctx.problem, []
    for a, b in _pinned_pairs(ctx):
        sa, sb = problem.session_by_id[a], problem.session_by_id[b]
        if not (sa.is_plenary or sb.is_plenary):
            continue
        plenary, other = (a, b) if sa.is_plenary else (b, a)
        out.append(
            Reason(
                Rule.PLENARY_EXCLUSIVE,
                f"{_session(problem, other)} {ctx.when(other)}, and the plenary {_session(problem, plenary)} "
                f"{ctx.when(plenary)}; nothing may run beside a plenary.",
                (plenary, other),
                fix=f"move {other} or the plenary",
            )
        )
    return out


def dependencies(ctx: _Context) -> list[Reason]:
    """A dependency that the possible times of its two sessions (fixed values, windows,
    breaks, unavailability) cannot satisfy."""
    problem, out = ctx.problem, []
    first = min(d.date for d in problem.days)
    for dep in problem.dependencies:
        a, b = ctx.possible(dep.first), ctx.possible(dep.second)
        if not a or not b:
            continue
        da = problem.session_by_id[dep.first].duration
        db = problem.session_by_id[dep.second].duration

        def line(s: Start) -> int:
            return (s[0] - first).days * 24 * 60 + s[1]

        if dep.relation is Relation.BEFORE:
            ok = min(line(s) for s in a) + da + dep.gap <= max(line(s) for s in b)
        elif dep.relation is Relation.BACK_TO_BACK:
            ends = {(d, m + da + dep.gap) for d, m in a}
            ok = any(s in ends for s in b)
        elif dep.relation is Relation.SAME_DAY:
            ok = bool({d for d, _ in a} & {d for d, _ in b})
        elif dep.relation is Relation.DIFFERENT_DAY:
            days = {d for d, _ in a} | {d for d, _ in b}
            ok = len(days) > 1
        else:  # not_parallel
            ok = min(line(s) for s in a) + da <= max(line(s) for s in b) or min(
                line(s) for s in b
            ) + db <= max(line(s) for s in a)
        if ok:
            continue
        out.append(
            Reason(
                DEPENDENCY_RULES[dep.relation.value],
                f"{_dependency_text(problem, dep)}, but {_session(problem, dep.first)} {ctx.when(dep.first)} "
                f"and {_session(problem, dep.second)} {ctx.when(dep.second)}.",
                (dep.first, dep.second),
                fix=f"drop this dependency, or let {dep.first} or {dep.second} run at other times",
            )
        )
    return out


def _dependency_text(problem: Problem, dep: Dependency) -> str:
    a, b = _session(problem, dep.first), _session(problem, dep.second)
    gap = _duration(dep.gap) if dep.gap else ""
    if dep.relation is Relation.BEFORE:
        return f"{b} must start {('at least ' + gap + ' ') if gap else ''}after {a} ends"
    if dep.relation is Relation.BACK_TO_BACK:
        return (
            f"{b} must start {'exactly ' + gap + ' after' if gap else 'right when'} {a} ends, on the same day"
        )
    if dep.relation is Relation.SAME_DAY:
        return f"{a} and {b} must be on the same day"
    if dep.relation is Relation.DIFFERENT_DAY:
        return f"{a} and {b} must be on different days"
    return f"{a} and {b} must not overlap"


#: The pre-checks in the order they run: one session's time, one session's room, then
#: rules between sessions.
SESSION_CHECKS: tuple[Callable[[_Context], list[Reason]], ...] = (
    within_day,
    clear_of_breaks,
    session_available,
    person_available,
    fixed_day,
    fixed_start,
    room_features,
    room_capacity,
    fixed_room,
    room_available,
)


def pre_check(problem: Problem, data: Prepared | None = None) -> list[Reason]:
    """Every reason the fast checks find (empty when they find none)."""
    ctx = _Context(problem, data if data is not None else prepare(problem))
    reasons = [r for check in SESSION_CHECKS for r in check(ctx)]
    named = {p for r in reasons for p in r.people}
    reasons += person_no_overlap(ctx, named)
    reasons += room_no_overlap(ctx, {s for r in reasons for s in r.sessions})
    reasons += plenary_exclusive(ctx)
    reasons += dependencies(ctx)
    # prepare() blocked a session that no check explained: keep its own sentence
    covered = {s for r in reasons for s in r.sessions}
    for b in ctx.data.blocked:
        if b.session_id not in covered:
            reasons.append(Reason(b.rule, b.message, (b.session_id,)))
    return reasons


# -- reasons from the core search ---------------------------------------------------------------


def _core_reason(problem: Problem, inst: Instance, alone: bool) -> Reason:
    """One rule instance of a verified core, as a sentence and a fix."""
    rule, ids = inst.rule, inst.sessions
    s = ids[0]
    sess = problem.session_by_id[s]
    name = _session(problem, s)
    people, rooms = inst.people, inst.rooms
    listed = _sessions_for(problem, ids)
    if rule is Rule.CLEAR_OF_BREAKS:
        assert inst.item is not None
        b = problem.breaks[inst.item]
        when = "every day" if b.date is None else f"on {_day(b.date)}"
        label = b.label or "the break"
        message = f"{listed} may not overlap {label} ({_span(b.start, b.end)} {when})."
        fix = f"shorten or move {label}"
    elif rule is Rule.SESSION_AVAILABLE:
        message = f"{listed} may not run {_away_text(problem, s)}."
        fix = f"let {s} run at more times"
    elif rule is Rule.PERSON_AVAILABLE:
        names = _and([_person(problem, p) for p in people])
        verb = "is" if len(people) == 1 else "are"
        away = _away_text(problem, people[0])
        message = f"{names} {verb} required in {listed}, but {verb} away {away}."
        fix = f"make {names} optional in {_and(list(ids), 'or')}, or ask them to be present for longer"
    elif rule is Rule.ROOM_AVAILABLE:
        room = problem.room_by_id[rooms[0]]
        message = (
            f"{listed} cannot be held in {room.name} while it is closed ({_away_text(problem, room.id)})."
        )
        fix = f"open {room.name} for longer"
    elif rule is Rule.ROOM_CAPACITY:
        need = problem.attendance(s)
        fits = [r.name for r in problem.rooms if r.capacity >= need]
        seat = "seats" if len(fits) == 1 else "seat"
        message = f"{name} expects {need} people, and only {_and(fits) or 'no room'} {seat} that many."
        fix = _another_room(need, sess.features)
        rooms = tuple(r.id for r in problem.rooms if r.capacity >= need)
    elif rule is Rule.ROOM_FEATURES:
        have = [r.name for r in _equipped(problem, sess)]
        has = "has" if len(have) == 1 else "have"
        message = f"{name} needs {_features(sess.features)}, which only {_and(have) or 'no room'} {has}."
        fix = f"give another room {_features(sess.features)}"
        rooms = tuple(r.id for r in _equipped(problem, sess))
    elif rule is Rule.FIXED_DAY:
        assert sess.day is not None
        message = f"{name} is fixed on {_day(sess.day)}."
        fix = f"unfix the day of {s}"
    elif rule is Rule.FIXED_START:
        assert sess.start is not None
        message = f"{name} is fixed to start at {hhmm(sess.start)}."
        fix = f"unfix the start of {s}"
    elif rule is Rule.FIXED_ROOM:
        assert sess.room is not None
        message = f"{name} is fixed in {_room(problem, sess.room)}."
        fix = f"unfix the room of {s}"
        rooms = (sess.room,)
    elif rule is Rule.ROOM_NO_OVERLAP:
        room = problem.room_by_id[rooms[0]]
        total = sum(problem.session_by_id[x].duration for x in ids)
        message = (
            f"{room.name} can hold only one of {_sessions_for(problem, ids)} "
            f"at a time ({_duration(total)} in all)."
        )
        need = max(problem.attendance(x) for x in ids)
        feats = set().union(*(problem.session_by_id[x].features for x in ids))
        fix = _another_room(need, feats)
    elif rule is Rule.PERSON_NO_OVERLAP:
        names = _and([_person(problem, p) for p in people])
        verb = "is" if len(people) == 1 else "are"
        total = sum(problem.session_by_id[x].duration for x in ids)
        if len(ids) == 2:
            message = f"{names} {verb} required in both {listed}, which therefore may not overlap."
        else:
            message = f"{names} {verb} required in {listed} ({_duration(total)} in all), one at a time."
        fix = f"make {names} optional in one of {_and(list(ids), 'or')}"
    elif rule is Rule.PLENARY_EXCLUSIVE:
        others = _sessions_for(problem, ids[1:])
        message = f"{others} may not run beside the plenary {_session_for(problem, s)}."
        fix = f"shorten the plenary {s}"
    else:  # dependencies
        assert inst.item is not None
        dep = problem.dependencies[inst.item]
        message = _dependency_text(problem, dep) + "."
        fix = "drop this dependency"
    if alone:
        fix += " (that alone would allow a schedule)"
    return Reason(rule, message, ids, people, rooms, fix, inst)


#: How a core's reasons are listed: the rules between sessions first (the heart of a
#: conflict), then the organiser's fixed values, then the rules of one session at a time.
_CORE_ORDER = (
    Rule.PERSON_NO_OVERLAP,
    Rule.ROOM_NO_OVERLAP,
    Rule.PLENARY_EXCLUSIVE,
    *DEPENDENCY_RULES.values(),
    Rule.FIXED_DAY,
    Rule.FIXED_START,
    Rule.FIXED_ROOM,
    Rule.ROOM_CAPACITY,
    Rule.ROOM_FEATURES,
    Rule.PERSON_AVAILABLE,
    Rule.SESSION_AVAILABLE,
    Rule.ROOM_AVAILABLE,
    Rule.CLEAR_OF_BREAKS,
)


# -- the whole explanation ----------------------------------------------------------------------


def explain(
    problem: Problem,
    time_limit: float = 20.0,
    *,
    workers: int = 1,
    seed: int = 0,
    known_infeasible: bool = False,
) -> Explanation:
    """Why no schedule exists for a valid problem: fast pre-checks, else a verified minimal
    set of rule instances that cannot hold together. Within ``time_limit`` seconds overall.

    Unless the caller knows that no schedule exists (``known_infeasible``: the search
    proved it), an input that turns out to have one is said to have one."""
    started = time.perf_counter()
    data = prepare(problem)
    reasons = pre_check(problem, data)
    if reasons:
        return Explanation(
            tuple(reasons), True, PRE_CHECK, seconds=time.perf_counter() - started, time_limit=time_limit
        )

    from planner.solver.explain import Verdict, find_core

    def elapsed() -> float:
        return time.perf_counter() - started

    left = time_limit - elapsed()
    # The explain model is no match for the planner's own search at finding a schedule in
    # a big meeting: if it cannot tell in 60% of the time, the search gets the rest.
    decide = None if known_infeasible else 0.6 * left
    core = find_core(problem, data, time_limit=left, workers=workers, seed=seed, decide_within=decide)
    if core.verdict is Verdict.UNKNOWN and not known_infeasible and time_limit - elapsed() > 0.1:
        from planner.solver import Options, solve

        probe = solve(
            problem,
            Options(time_limit=time_limit - elapsed(), seed=seed, workers=max(1, workers)),
            should_stop=lambda: True,  # one schedule is enough to know
        )
        if probe.status.has_schedule:
            return Explanation((), True, CORE, schedule_exists=True, seconds=elapsed(), time_limit=time_limit)
    if core.verdict is Verdict.FEASIBLE:
        return Explanation((), True, CORE, schedule_exists=True, seconds=elapsed(), time_limit=time_limit)
    if core.verdict is Verdict.UNKNOWN:
        return Explanation((), False, CORE, seconds=elapsed(), time_limit=time_limit)
    ordered = sorted(core.instances, key=lambda inst: _CORE_ORDER.index(inst.rule))
    found = tuple(_core_reason(problem, inst, inst in core.sufficient) for inst in ordered)
    return Explanation(found, core.minimal, CORE, seconds=elapsed(), time_limit=time_limit)


def format_explanation(problem: Problem, explanation: Explanation) -> str:
    """The explanation as text: a headline, then one entry per reason with its rule and fix."""
    e = explanation
    if e.schedule_exists:
        return "A schedule exists for this input: no rule stands in the way. Run `planner solve` to make it."
    if not e.reasons:
        return (
            f"No explanation was found within the time limit ({e.time_limit:g} s), and it is not known "
            "yet whether a schedule exists: try a longer --time-limit."
        )
    n = len(e.reasons)
    if e.method == PRE_CHECK:
        head = f"No schedule exists: {n} reason{'s' if n != 1 else ''} found before any search."
    elif e.complete:
        head = (
            f"No schedule exists: these {n} rule{'s' if n != 1 else ''} cannot all hold at once "
            "(the solver checked: without any one of them, the rest could)."
        )
    else:
        head = (
            f"No schedule exists: these {n} rules cannot all hold at once. The explanation is not complete: "
            f"the time limit ({e.time_limit:g} s) stopped it before it could show that each one is needed."
        )
    lines = [head]
    for r in e.reasons:
        lines.append(f"  - {r.message}")
        lines.append(f"    rule: {r.rule.value} ({r.rule.text})")
        if r.fix:
            lines.append(f"    fix: {r.fix}")
    if e.method == CORE:
        lines.append(_days_text(problem))
    return "\n".join(lines)
