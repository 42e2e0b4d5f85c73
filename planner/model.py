"""The planner's domain: what an organiser's workbook describes, as frozen data.

Ids stay as the organiser wrote them; times are a date plus whole minutes after
local midnight in the event's time zone (``minute``), so every comparison is
exact integer arithmetic. Aware datetimes are made only at the edges
(:meth:`Event.at`), for exporters. Nothing here knows about OR-Tools or files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import date as Date  # for annotations inside classes with a field named date
from enum import Enum
from functools import cached_property
from zoneinfo import ZoneInfo

#: Soft-goal weights used when the Event sheet does not give one.
DEFAULT_WEIGHTS: dict[str, int] = {
    "optional_clash": 50,
    "room_fit": 1,
    "change": 1000,
    "preference": 20,
    "group_room": 10,
    "idle_gap": 0,
    "in_a_row": 0,
    "single_day": 0,
    "late_finish": 0,
    "cross_day": 0,
    "fair_person": 0,
    "fair_institution": 0,
}

#: in_a_row: how many sessions back to back a person may have before each further one costs.
DEFAULT_MAX_IN_A_ROW = 3

#: prefer_time: a morning session starts before noon, an afternoon one at noon or later.
NOON = 12 * 60


class Kind(str, Enum):
    """What sort of session this is; a plenary excludes everything else."""

    PLENARY = "plenary"
    WORKING_GROUP = "working_group"
    CROSS_PACKAGE = "cross_package"
    OTHER = "other"


class Relation(str, Enum):
    """How two sessions of a dependency relate (see the workbook spec)."""

    BEFORE = "before"
    SAME_DAY = "same_day"
    DIFFERENT_DAY = "different_day"
    NOT_PARALLEL = "not_parallel"
    BACK_TO_BACK = "back_to_back"


def hhmm(minute: int) -> str:
    """Minutes after midnight as ``HH:MM``."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """Whether two half-open spans [start, end) share any time."""
    return a_start < b_end and b_start < a_end


@dataclass(frozen=True)
class Event:
    name: str
    timezone: str
    slot_minutes: int = 15
    venue: str = ""
    organiser_email: str = ""
    #: Soft-goal weights given in the Event sheet (``weight_<goal>`` keys, prefix dropped).
    weights: tuple[tuple[str, int], ...] = ()
    #: Sessions back to back a person may have before each further one costs (in_a_row).
    max_in_a_row: int = DEFAULT_MAX_IN_A_ROW

    def weight(self, goal: str) -> int:
        """The weight of a soft goal: the Event sheet's, else the default (0 if unknown)."""
        return dict(self.weights).get(goal, DEFAULT_WEIGHTS.get(goal, 0))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def at(self, day: date, minute: int) -> datetime:
        """The aware datetime of a local wall-clock time on a day."""
        naive = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)
        return naive.replace(tzinfo=self.tz)


@dataclass(frozen=True)
class Day:
    """A date and the window [start, end) in which sessions may run on it."""

    date: date
    start: int
    end: int


@dataclass(frozen=True)
class Break:
    """No session overlaps [start, end); on ``date``, or every day when it is None."""

    date: date | None
    start: int
    end: int
    label: str = ""


@dataclass(frozen=True)
class Room:
    id: str
    name: str
    capacity: int
    features: frozenset[str] = frozenset()  # lower case
    building: str = ""


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    leads: tuple[str, ...] = ()


@dataclass(frozen=True)
class Participant:
    id: str
    name: str
    institution: str = ""
    role: str = ""
    email: str = ""
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Session:
    id: str
    title: str
    kind: Kind
    duration: int  # minutes
    groups: tuple[str, ...] = ()
    required: tuple[str, ...] = ()  # participant or group ids
    optional: tuple[str, ...] = ()  # participant or group ids
    features: frozenset[str] = frozenset()  # lower case
    attendance: int | None = None  # as given; see Problem.attendance
    day: date | None = None  # fixed date
    start: int | None = None  # fixed start, minutes after midnight
    room: str | None = None  # fixed room id
    prefer_day: tuple[date, ...] = ()
    prefer_time: str = ""  # "", "morning" or "afternoon"

    @property
    def is_plenary(self) -> bool:
        return self.kind is Kind.PLENARY


@dataclass(frozen=True)
class Unavailability:
    """``who`` (a participant, group, room or session id) is unavailable on
    ``date`` (None: every day) in [start, end) (None: the whole day)."""

    who: str
    date: date | None = None
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Dependency:
    first: str
    second: str
    relation: Relation
    gap: int = 0  # minutes; used by before and back_to_back only


@dataclass(frozen=True)
class Span:
    """A half-open stretch [start, end) of local time on one date."""

    date: date
    start: int
    end: int

    def overlaps(self, day: Date, start: int, end: int) -> bool:
        return self.date == day and overlaps(self.start, self.end, start, end)


@dataclass(frozen=True)
class Problem:
    """One valid input: everything the solver and the checker need.

    Built by the reader only after validation, so references are known to resolve.
    """

    event: Event
    days: tuple[Day, ...]
    rooms: tuple[Room, ...]
    participants: tuple[Participant, ...]
    sessions: tuple[Session, ...]
    groups: tuple[Group, ...] = ()
    breaks: tuple[Break, ...] = ()
    unavailability: tuple[Unavailability, ...] = ()
    dependencies: tuple[Dependency, ...] = ()

    # -- look-ups -----------------------------------------------------------------

    @cached_property
    def session_by_id(self) -> dict[str, Session]:
        return {s.id: s for s in self.sessions}

    @cached_property
    def room_by_id(self) -> dict[str, Room]:
        return {r.id: r for r in self.rooms}

    @cached_property
    def participant_by_id(self) -> dict[str, Participant]:
        return {p.id: p for p in self.participants}

    @cached_property
    def group_by_id(self) -> dict[str, Group]:
        return {g.id: g for g in self.groups}

    @cached_property
    def day_by_date(self) -> dict[date, Day]:
        return {d.date: d for d in self.days}

    # -- who attends --------------------------------------------------------------

    @cached_property
    def members(self) -> dict[str, frozenset[str]]:
        """Participant ids of each group: those who list it, and its leads."""
        found: dict[str, set[str]] = {g.id: set(g.leads) for g in self.groups}
        for p in self.participants:
            for g in p.groups:
                found.setdefault(g, set()).add(p.id)
        return {g: frozenset(ids) for g, ids in found.items()}

    def expand(self, ids: tuple[str, ...] | list[str]) -> frozenset[str]:
        """Participant ids named by a list of participant and group ids."""
        out: set[str] = set()
        for i in ids:
            if i in self.members:
                out |= self.members[i]
            else:
                out.add(i)
        return frozenset(out)

    @cached_property
    def required_people(self) -> dict[str, frozenset[str]]:
        """Per session: everyone who must attend (its groups' members and its required list)."""
        return {s.id: self.expand(s.groups) | self.expand(s.required) for s in self.sessions}

    @cached_property
    def optional_people(self) -> dict[str, frozenset[str]]:
        """Per session: who would like to attend, less those who are required anyway.

        A plenary's optional audience is every participant who is not required."""
        out: dict[str, frozenset[str]] = {}
        everyone = frozenset(self.participant_by_id)
        for s in self.sessions:
            wanted = everyone if s.is_plenary else self.expand(s.optional)
            out[s.id] = wanted - self.required_people[s.id]
        return out

    def attendance(self, session_id: str) -> int:
        """Expected head count: as given, else the distinct people named (a plenary: everyone)."""
        s = self.session_by_id[session_id]
        if s.attendance is not None:
            return s.attendance
        if s.is_plenary:
            return len(self.participants)
        return len(self.required_people[s.id] | self.optional_people[s.id])

    # -- when things are unavailable ---------------------------------------------

    def _spans(self, u: Unavailability) -> list[Span]:
        dates = [u.date] if u.date is not None else [d.date for d in self.days]
        spans = []
        for d in dates:
            start = 0 if u.start is None else u.start
            end = 24 * 60 if u.end is None else u.end
            spans.append(Span(d, start, end))
        return spans

    @cached_property
    def unavailable(self) -> dict[str, tuple[Span, ...]]:
        """Unavailable spans per participant, room and session id (groups expanded)."""
        found: dict[str, list[Span]] = {}
        for u in self.unavailability:
            whom = self.members[u.who] if u.who in self.members else frozenset([u.who])
            for who in whom:
                found.setdefault(who, []).extend(self._spans(u))
        return {who: tuple(spans) for who, spans in found.items()}

    def is_unavailable(self, who: str, day: date, start: int, end: int) -> bool:
        """Whether ``who`` is unavailable at any time in [start, end) on ``day``."""
        return any(s.overlaps(day, start, end) for s in self.unavailable.get(who, ()))

    @cached_property
    def group_meetings(self) -> dict[str, tuple[str, ...]]:
        """Per group: its own working-group meetings (kind working_group, listing it in
        ``groups``), the sessions the group_room goal keeps in one room. Groups with one
        meeting or none are left out."""
        found: dict[str, list[str]] = {}
        for s in self.sessions:
            if s.kind is Kind.WORKING_GROUP:
                for g in s.groups:
                    found.setdefault(g, []).append(s.id)
        return {g: tuple(ids) for g, ids in found.items() if len(ids) > 1}

    def breaks_on(self, day: date) -> list[Break]:
        return [b for b in self.breaks if b.date is None or b.date == day]


@dataclass(frozen=True)
class Assignment:
    """Where and when one session runs."""

    session_id: str
    date: date
    start: int
    room_id: str


@dataclass(frozen=True)
class Schedule:
    """A room and a start for sessions; holds no solver objects."""

    assignments: tuple[Assignment, ...] = field(default=())

    @cached_property
    def by_session(self) -> dict[str, Assignment]:
        return {a.session_id: a for a in self.assignments}
