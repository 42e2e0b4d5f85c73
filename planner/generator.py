"""Synthetic university-alliance meetings of any size, feasible by construction.

``generate("alliance", seed=1)`` invents an alliance meeting (institutions, people
with roles, work-package groups, boards, plenaries, working-group and
cross-package meetings, rooms, breaks) and, before anything else, a hidden
*planted* schedule: every session is put into a free room and time, greedily,
keeping to breaks, capacities, features and plenary exclusivity. Required
attendance (a person who would clash leaves the group instead), unavailability,
dependencies and fixed values are then derived from that schedule, so it keeps
every hard rule of the workbook spec. It is returned as ``planted``.

Everything is drawn from ``random.Random(seed)``; sets are sorted before they are
iterated, so a seed gives the same Problem on every run. Time is handled as bit
masks over the slot grid of all days, which keeps ``xl`` to a few seconds.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from planner.model import (
    Assignment,
    Break,
    Day,
    Dependency,
    Event,
    Group,
    Kind,
    Participant,
    Problem,
    Relation,
    Room,
    Schedule,
    Session,
    Unavailability,
    overlaps,
)

DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class Generated:
    """A generated problem and the schedule it was built around (which keeps every hard rule)."""

    problem: Problem
    planted: Schedule


@dataclass(frozen=True)
class Params:
    """The size and shape of a synthetic alliance meeting."""

    participants: int = 40
    days: int = 2
    rooms: int = 6
    institutions: int = 5
    #: Working groups (work packages); each meets ``meetings`` times (inclusive range).
    groups: int = 4
    meetings: tuple[int, int] = (2, 3)
    #: Cross-package meetings, each between 2 or 3 working groups.
    cross: int = 2
    #: Boards: 0, 1 (leadership) or 2 (leadership and students), each meeting ``board_meetings`` times.
    boards: int = 1
    board_meetings: int = 1
    #: Opening (fixed) and closing plenary: 0, 1 or 2.
    plenaries: int = 2
    #: Sessions of kind ``other`` (pitches, tours, poster sessions).
    others: int = 0
    slot: int = 15
    #: Working groups per theme: people and cross-package meetings mostly stay inside a theme.
    theme_size: int = 6
    #: Include rarer features of the input format (all relations, fixed room, group and
    #: session unavailability, a break on one date, differing day windows, weights, ...).
    edge_cases: bool = False
    start_date: date = date(2025, 10, 21)
    name: str = "Alliance semi-annual meeting"
    timezone: str = "Europe/Stockholm"


PRESETS = ("tiny", "small", "alliance", "large", "xl")


def preset(name: str, seed: int) -> Params:
    """The Params of a named preset; tiny and small vary a little with the seed."""
    rng = random.Random(f"preset-{name}-{seed}")
    if name == "tiny":
        return Params(
            participants=rng.randint(6, 10),
            days=rng.choice([1, 2]),
            rooms=3,
            institutions=3,
            groups=2,
            meetings=(1, 2),
            cross=1,
            boards=rng.choice([0, 1]),
            board_meetings=1,
            plenaries=rng.choice([0, 1]),
            others=rng.choice([0, 1]),
            slot=rng.choice([15, 30]),
            edge_cases=True,
            name="Tiny alliance meeting",
        )
    if name == "small":
        return Params(
            participants=40,
            days=rng.choice([2, 3]),
            rooms=rng.choice([5, 6]),
            institutions=5,
            groups=4,
            meetings=(2, 3),
            cross=2,
            boards=1,
            board_meetings=1,
            plenaries=2,
            others=rng.choice([0, 1]),
            slot=rng.choice([15, 30]),
            edge_cases=True,
            name="Small alliance meeting",
        )
    if name == "alliance":
        return Params(
            participants=120,
            days=3,
            rooms=10,
            institutions=9,
            groups=11,
            cross=9,
            boards=2,
            board_meetings=2,
            others=2,
        )
    if name == "large":
        return Params(
            participants=600,
            days=5,
            rooms=25,
            institutions=20,
            groups=65,
            cross=62,
            boards=2,
            board_meetings=3,
            others=15,
            name="Large alliance meeting",
        )
    if name == "xl":
        return Params(
            participants=3000,
            days=5,
            rooms=100,
            institutions=40,
            groups=330,
            cross=315,
            boards=2,
            board_meetings=3,
            others=50,
            name="XL alliance congress",
        )
    raise ValueError(f"unknown preset {name!r}; known: {', '.join(PRESETS)}")


def generate(preset_or_params: str | Params, seed: int) -> Generated:
    """A synthetic alliance meeting and a planted schedule that keeps every hard rule."""
    params = preset(preset_or_params, seed) if isinstance(preset_or_params, str) else preset_or_params
    rng = random.Random(seed)
    return _synthetic(params, rng).build()


# -- names ------------------------------------------------------------------------------

#: Per country: first names (female, male) and surnames (male form, female form).
NAMES: dict[str, tuple[list[str], list[str], list[tuple[str, str]]]] = {}


def _same(*surnames: str) -> list[tuple[str, str]]:
    return [(s, s) for s in surnames]


NAMES["BE"] = (
    ["Lotte", "Eline", "Lien", "Ines", "Annelies", "Marieke", "Hanne", "Femke", "Sofie", "Katrien"],
    ["Pieter", "Jens", "Wout", "Sander", "Bram", "Jef", "Koen", "Stijn", "Tom", "Dries"],
    _same(
        "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
        "Wouters", "De Smet", "Van den Broeck", "Verhoeven", "Hermans", "Aerts", "Vermeulen", "Dubois",
    ),
)  # fmt: skip
NAMES["NL"] = (
    ["Sanne", "Anouk", "Lisa", "Maaike", "Eva", "Iris", "Floor", "Fleur", "Marloes", "Esther"],
    ["Daan", "Lars", "Joris", "Thijs", "Ruben", "Bas", "Niels", "Sem", "Jeroen", "Maarten"],
    _same(
        "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Visser", "Smit",
        "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Hendriks", "van Leeuwen",
    ),
)  # fmt: skip
NAMES["DK"] = (
    ["Freja", "Ida", "Sofie", "Mette", "Line", "Camilla", "Signe", "Maja", "Astrid", "Louise"],
    ["Mads", "Rasmus", "Mikkel", "Søren", "Anders", "Jonas", "Frederik", "Kasper", "Morten", "Jesper"],
    _same(
        "Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
        "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Poulsen",
    ),
)  # fmt: skip
NAMES["PT"] = (
    ["Ana", "Inês", "Mariana", "Beatriz", "Catarina", "Sofia", "Joana", "Rita", "Marta", "Teresa"],
    ["João", "Tiago", "Rui", "Pedro", "Miguel", "Luís", "Nuno", "Gonçalo", "Ricardo", "André"],
    _same(
        "Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins",
        "Sousa", "Fernandes", "Gonçalves", "Gomes", "Lopes", "Marques", "Alves", "Carvalho",
    ),
)  # fmt: skip
NAMES["DE"] = (
    ["Anna", "Lena", "Katharina", "Julia", "Sabine", "Laura", "Theresa", "Franziska", "Veronika", "Carina"],
    ["Lukas", "Max", "Florian", "Tobias", "Stefan", "Matthias", "Andreas", "Michael", "Jonas", "Markus"],
    _same(
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
        "Hofmann", "Bauer", "Huber", "Wimmer", "Schäfer", "Koch", "Gruber", "Steiner",
    ),
)  # fmt: skip
NAMES["SE"] = (
    ["Karin", "Elin", "Maja", "Linnea", "Sara", "Emma", "Ingrid", "Ebba", "Klara", "Johanna"],
    ["Erik", "Johan", "Oskar", "Gustav", "Henrik", "Fredrik", "Magnus", "Nils", "Per", "Axel"],
    _same(
        "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
        "Svensson", "Gustafsson", "Lindberg", "Lindqvist", "Bergström", "Holm", "Sandberg", "Åberg",
    ),
)  # fmt: skip
NAMES["FI"] = (
    ["Aino", "Laura", "Sanna", "Emilia", "Kaisa", "Heidi", "Riikka", "Noora", "Satu", "Minna"],
    ["Mikko", "Juha", "Ville", "Antti", "Timo", "Jussi", "Petri", "Lauri", "Janne", "Teemu"],
    _same(
        "Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen",
        "Koskinen", "Järvinen", "Lehtonen", "Saarinen", "Salminen", "Heinonen", "Niemi", "Kangas",
    ),
)  # fmt: skip
NAMES["LT"] = (
    ["Gabija", "Austėja", "Rūta", "Eglė", "Ieva", "Greta", "Agnė", "Simona", "Jurgita", "Lina"],
    ["Jonas", "Mantas", "Tomas", "Darius", "Paulius", "Mindaugas", "Vytautas", "Karolis", "Andrius", "Rokas"],
    [
        ("Kazlauskas", "Kazlauskienė"), ("Petrauskas", "Petrauskienė"), ("Jankauskas", "Jankauskienė"),
        ("Stankevičius", "Stankevičienė"), ("Vasiliauskas", "Vasiliauskienė"), ("Žukauskas", "Žukauskienė"),
        ("Butkus", "Butkienė"), ("Paulauskas", "Paulauskienė"), ("Urbonas", "Urbonienė"),
        ("Kavaliauskas", "Kavaliauskienė"), ("Balčiūnas", "Balčiūnienė"), ("Navickas", "Navickienė"),
        ("Rimkus", "Rimkienė"), ("Sakalauskas", "Sakalauskienė"), ("Baranauskas", "Baranauskienė"),
        ("Vaitkus", "Vaitkienė"),
    ],
)  # fmt: skip
NAMES["CZ"] = (
    ["Tereza", "Eliška", "Lucie", "Kateřina", "Veronika", "Petra", "Barbora", "Markéta", "Jana", "Zuzana"],
    ["Jakub", "Tomáš", "Ondřej", "Petr", "Martin", "Jan", "Lukáš", "Vojtěch", "Jiří", "Michal"],
    [
        ("Novák", "Nováková"), ("Svoboda", "Svobodová"), ("Dvořák", "Dvořáková"), ("Černý", "Černá"),
        ("Procházka", "Procházková"), ("Kučera", "Kučerová"), ("Veselý", "Veselá"), ("Horák", "Horáková"),
        ("Němec", "Němcová"), ("Marek", "Marková"), ("Pospíšil", "Pospíšilová"), ("Hájek", "Hájková"),
        ("Jelínek", "Jelínková"), ("Král", "Králová"), ("Růžička", "Růžičková"), ("Beneš", "Benešová"),
    ],
)  # fmt: skip

#: Cities per country, for invented institutions.
CITIES: dict[str, list[str]] = {
    "BE": ["Geel", "Mechelen", "Leuven", "Ghent", "Hasselt"],
    "NL": ["Eindhoven", "Tilburg", "Venlo", "Utrecht", "Zwolle"],
    "DK": ["Aalborg", "Aarhus", "Odense", "Esbjerg", "Viborg"],
    "PT": ["Beja", "Évora", "Coimbra", "Leiria", "Faro"],
    "DE": ["Deggendorf", "Passau", "Regensburg", "Landshut", "Kempten"],
    "SE": ["Halmstad", "Växjö", "Kalmar", "Gävle", "Borås"],
    "FI": ["Seinäjoki", "Tampere", "Oulu", "Vaasa", "Kokkola"],
    "LT": ["Vilnius", "Kaunas", "Klaipėda", "Šiauliai", "Panevėžys"],
    "CZ": ["Brno", "Olomouc", "Ostrava", "Zlín", "Pardubice"],
}
COUNTRIES = list(CITIES)

TOPICS = [
    "Quality assurance",
    "Laboratory sharing",
    "Staff training",
    "Pilot project sandbox",
    "Virtual campus",
    "Mobility",
    "Communication and dissemination",
    "Project management",
    "Green campus",
    "Digital credentials",
    "Joint curricula",
    "Research support",
    "Entrepreneurship",
    "Student engagement",
    "Open science",
    "Industry partnerships",
    "Language learning",
    "Inclusion and diversity",
    "Micro-credentials",
    "Data management",
    "Lifelong learning",
    "Regional innovation",
    "Library services",
    "Career services",
    "Teacher education",
    "Health and wellbeing",
    "Internationalisation at home",
    "AI in teaching",
    "Doctoral training",
    "Alumni network",
]

_ASCII = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "ß": "ss", "ł": "l", "đ": "d"})


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters, digits and dots for an e-mail local part ("Søren Åberg" -> "soren.aberg")."""
    plain = unicodedata.normalize("NFKD", text.translate(_ASCII)).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in plain.lower()).split()
    return ".".join(words)


# -- construction -------------------------------------------------------------------------


@dataclass
class _Person:
    id: str
    name: str
    institution: str
    role: str
    email: str
    groups: list[str] = field(default_factory=list)


@dataclass
class _Group:
    id: str
    name: str
    board: bool = False
    theme: int = 0
    lab: bool = False
    leads: list[str] = field(default_factory=list)


@dataclass
class SessionSpec:
    """A session while the instance is being built; placed by the planted schedule."""

    key: str
    title: str
    kind: Kind
    duration: int
    groups: list[str] = field(default_factory=list)
    required: list[str] = field(default_factory=list)
    optional: list[str] = field(default_factory=list)
    features: frozenset[str] = frozenset()
    attendance: int | None = None
    #: Numbered meeting of this group: renamed "<group>-<n>" by planted order.
    series: str = ""
    #: Groups whose first meeting this session comes after (cross-package meetings).
    after: tuple[str, ...] = ()
    #: Placement wishes: at (day index, minute, room); right after another session (with a
    #: gap, becoming a back_to_back dependency); early; as late as possible.
    at: tuple[int, int, str] | None = None
    follows: tuple[SessionSpec, int] | None = None
    early: bool = False
    late: bool = False
    #: Placement order, to override the default (plenaries 0, boards 2, first meetings 4, ...).
    priority: int | None = None
    # planted
    day: int = -1
    start: int = -1
    room: str = ""
    mask: int = 0
    # fixed in the problem
    fix_day: bool = False
    fix_start: bool = False
    fix_room: bool = False
    prefer_day: tuple[date, ...] = ()
    prefer_time: str = ""


@dataclass(frozen=True)
class _Option:
    mask: int
    day: int
    start: int
    abs: int  # minutes since the first day's midnight


class Builder:
    """Builds an instance around a planted schedule; used by :func:`generate` and the examples.

    Fill in days, breaks, rooms, people, groups and sessions, then call :meth:`build`.
    """

    def __init__(self, rng: random.Random, slot: int = 15) -> None:
        self.rng = rng
        self.slot = slot
        self.event = Event(name="", timezone="Europe/Stockholm", slot_minutes=slot)
        self.days: list[Day] = []
        self.breaks: list[Break] = []
        self.rooms: list[Room] = []
        self.people: dict[str, _Person] = {}
        self.groups: dict[str, _Group] = {}
        self.members: dict[str, set[str]] = {}
        self.specs: list[SessionSpec] = []
        self.unavailability: list[Unavailability] = []
        self.dependencies: list[Dependency] = []
        #: Sessions that found no room and time at all (left out of the problem).
        self.dropped: list[str] = []
        #: Memberships given up because the person would have clashed.
        self.repairs = 0
        #: Share of each derived feature; the examples turn some of these up or down.
        self.late_share = 0.06
        #: Memberships a placement wish (after first meetings, right after a session) may cost.
        self.wish_cost = 2
        self.early_share = 0.06
        self.edge_cases = False
        #: Per person: how many working groups they want, and which, best first (refilled after planting).
        self.wanted: dict[str, int] = {}
        self.interests: dict[str, list[str]] = {}
        self._pairs: set[tuple[str, str]] = set()

    # -- filling in --------------------------------------------------------------------

    def person(self, pid: str, name: str, institution: str, role: str, email: str) -> _Person:
        p = _Person(pid, name, institution, role, email)
        self.people[pid] = p
        return p

    def group(self, gid: str, name: str, *, board: bool = False, theme: int = 0, lab: bool = False) -> _Group:
        g = _Group(gid, name, board=board, theme=theme, lab=lab)
        self.groups[gid] = g
        self.members[gid] = set()
        return g

    def join(self, pid: str, gid: str) -> None:
        if pid not in self.members[gid]:
            self.members[gid].add(pid)
            self.people[pid].groups.append(gid)

    def session(self, spec: SessionSpec) -> SessionSpec:
        self.specs.append(spec)
        return spec

    # -- the slot grid ------------------------------------------------------------------

    def _grid(self) -> None:
        self.days.sort(key=lambda d: d.date)
        self.offset: list[int] = []
        self.nslots: list[int] = []
        total = 0
        for d in self.days:
            n = (d.end - d.start) // self.slot
            self.offset.append(total)
            self.nslots.append(n)
            total += n
        self._starts: dict[int, list[_Option]] = {}

    def _abs(self, day: int, minute: int) -> int:
        return (self.days[day].date - self.days[0].date).days * DAY_MINUTES + minute

    def starts(self, duration: int) -> list[_Option]:
        """Every grid start of a session of this length that ends in the window and meets no break."""
        if duration not in self._starts:
            n = duration // self.slot
            out = []
            for di, d in enumerate(self.days):
                breaks = [b for b in self.breaks if b.date is None or b.date == d.date]
                for k in range(self.nslots[di] - n + 1):
                    s = d.start + k * self.slot
                    if any(overlaps(s, s + duration, b.start, b.end) for b in breaks):
                        continue
                    mask = ((1 << n) - 1) << (self.offset[di] + k)
                    out.append(_Option(mask, di, s, self._abs(di, s)))
            self._starts[duration] = out
        return self._starts[duration]

    def span_mask(self, day: int, start: int, end: int) -> int:
        """The grid slots of a day that share time with [start, end)."""
        d = self.days[day]
        lo = max(0, (start - d.start) // self.slot)
        hi = min(self.nslots[day], -((d.start - end) // self.slot))
        if hi <= lo:
            return 0
        return ((1 << (hi - lo)) - 1) << (self.offset[day] + lo)

    # -- who must attend -----------------------------------------------------------------

    def expand(self, ids: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for i in ids:
            out |= self.members[i] if i in self.members else {i}
        return out

    def required_of(self, s: SessionSpec) -> set[str]:
        return self.expand(s.groups) | self.expand(s.required)

    def head_count(self, s: SessionSpec) -> int:
        """The attendance the problem will state or imply for this session."""
        if s.attendance is not None:
            return s.attendance
        if s.kind is Kind.PLENARY:
            return len(self.people)
        return len(self.required_of(s) | self.expand(s.optional))

    # -- planting --------------------------------------------------------------------------

    def block_room(self, room: str, day: date | None, start: int | None, end: int | None) -> None:
        """Close a room for a while; the planted schedule keeps clear of it."""
        self.unavailability.append(Unavailability(room, day, start, end))

    def _plant(self) -> None:
        self.room_mask = {r.id: 0 for r in self.rooms}
        for u in self.unavailability:
            if u.who in self.room_mask:
                for di, d in enumerate(self.days):
                    if u.date is None or u.date == d.date:
                        end = DAY_MINUTES if u.end is None else u.end
                        self.room_mask[u.who] |= self.span_mask(di, u.start or 0, end)
        self.busy: dict[str, int] = {p: 0 for p in self.people}
        self.plenary_mask = 0
        self.used_mask = 0
        self.req: dict[str, set[str]] = {}
        self.placed: list[SessionSpec] = []
        self.placed_by_group: dict[str, list[SessionSpec]] = {g: [] for g in self.groups}
        self.first_end: dict[str, int] = {}  # group -> end (abs minute) of its earliest meeting

        def order(s: SessionSpec) -> tuple[float, float]:
            if s.follows is not None:  # straight after the session it follows
                first, second = order(s.follows[0])
                return (first, second + 0.5)
            if s.priority is not None:
                return (s.priority, -len(self.required_of(s)))
            if s.kind is Kind.PLENARY:
                return (0, 0)
            if s.at is not None:
                return (1, 0)
            if s.series and s.series in self.groups and self.groups[s.series].board:
                return (2, 0)
            if s.features & {"lab"}:
                return (3, 0)
            # First meetings, then cross-package meetings (which must follow them and need
            # many people free at once), then the remaining meetings.
            if s.series:
                r = self._round[s.key]
                return (4 if r == 1 else 5 + r, -len(self.required_of(s)))
            if s.after:
                return (5, -len(self.required_of(s)))
            return (20, -len(self.required_of(s)))

        self._round: dict[str, int] = {}
        seen: dict[str, int] = {}
        for s in self.specs:
            if s.series:
                seen[s.series] = seen.get(s.series, 0) + 1
                self._round[s.key] = min(seen[s.series], 5)
        for s in sorted(self.specs, key=order):
            # A session with no room and time at all is shortened, and left out as a last resort.
            while not self._place(s):
                shorter = [d for d in (90, 60, 30) if d < s.duration and d % self.slot == 0]
                if s.at is not None or not shorter:
                    self.dropped.append(s.key)
                    break
                s.duration = shorter[0]
        self.specs = [s for s in self.specs if s.day >= 0]

    def _fitting_rooms(self, s: SessionSpec, need: int) -> list[Room]:
        rooms = [r for r in self.rooms if r.capacity >= need and s.features <= r.features]
        return sorted(rooms, key=lambda r: (r.capacity, r.id))

    def _ordered(self, options: list[_Option], s: SessionSpec) -> list[_Option]:
        """Candidate starts in the order they are tried: shuffled, or biased early or late."""
        horizon = self._abs(len(self.days) - 1, DAY_MINUTES)
        if s.late:
            return sorted(options, key=lambda o: -o.abs)
        spread = horizon / 2 if s.early else horizon * 50
        keyed = [(o.abs + self.rng.random() * spread, i) for i, o in enumerate(options)]
        return [options[i] for _, i in sorted(keyed)]

    def _place(self, s: SessionSpec) -> bool:
        need = self.head_count(s)
        rooms = self._fitting_rooms(s, need)
        if not rooms:
            return False
        if s.at is not None:
            di, minute, room = s.at
            opt = next((o for o in self.starts(s.duration) if o.day == di and o.start == minute), None)
            if opt is None or self.room_mask[room] & opt.mask or self.used_mask & opt.mask:
                raise ValueError(f"session {s.key} cannot be placed at {s.at}")
            self._commit(s, opt, room, self.required_of(s))
            return True
        plenary = s.kind is Kind.PLENARY
        req = self.required_of(s)
        people = sorted(req)
        busy = block = self.used_mask if plenary else self.plenary_mask
        for p in people:
            busy |= self.busy[p]
        # Wishes: right after the session this one follows; leaving room straight after for
        # the sessions that follow this one; after the groups' first meetings. All together,
        # then one at a time, then anywhere. A wish is given up rather than many memberships.
        conditions: list[Callable[[_Option], bool]] = []
        if s.follows is not None and s.follows[0].day >= 0:
            before, gap = s.follows
            at = self._abs(before.day, before.start + before.duration + gap)
            conditions.append(lambda o: o.abs == at)
        followers = [
            (f.duration, gap) for f in self.specs if f.follows and f.follows[0] is s for gap in [f.follows[1]]
        ]
        if followers:
            fits = {d: {o.abs for o in self.starts(d)} for d, _ in followers}
            conditions.append(lambda o: all(o.abs + s.duration + gap in fits[d] for d, gap in followers))
        earliest = self._earliest(s)
        if earliest:
            conditions.append(lambda o: o.abs >= earliest)
        wishes = ([lambda o: all(c(o) for c in conditions)] if len(conditions) > 1 else []) + conditions
        wishes.append(lambda o: True)
        best: tuple[int, _Option, str] | None = None
        for wish in wishes:
            options = [o for o in self.starts(s.duration) if wish(o) and not o.mask & block]
            for o in self._ordered([o for o in options if not o.mask & busy], s):
                free = next((r.id for r in rooms if not self.room_mask[r.id] & o.mask), None)
                if free is not None:
                    self._commit(s, o, free, req)
                    return True
            # No clash-free time: the time that costs fewest memberships (which are then dropped).
            for o in self._ordered(options, s):
                free = next((r.id for r in rooms if not self.room_mask[r.id] & o.mask), None)
                if free is not None:
                    cost = sum(1 for p in people if self.busy[p] & o.mask)
                    if best is None or cost < best[0]:
                        best = (cost, o, free)
            if best is not None and best[0] <= self.wish_cost:
                break  # worth keeping this wish
        if best is None:
            return False
        _, o, room = best
        for p in people:
            if self.busy[p] & o.mask:
                self._resolve(p, s, o)
        self._commit(s, o, room, self.required_of(s))
        return True

    def _via_board(self, p: str, s: SessionSpec) -> bool:
        """Whether ``p`` is required in ``s`` as a member of a board."""
        ids = set(s.groups) | {r for r in s.required if r in self.groups}
        return any(self.groups[g].board and p in self.members[g] for g in ids)

    def _resolve(self, p: str, s: SessionSpec, o: _Option) -> None:
        """``p`` would clash if ``s`` ran at ``o``: release them from one side of the clash.

        Board seats are kept: a board member gives up the clashing working-group
        meetings instead, where that frees them; everyone else gives up ``s``."""
        if self._via_board(p, s):
            clashing = [t for t in self.placed if t.mask & o.mask and p in self.req[t.key]]
            if not any(self._via_board(p, t) for t in clashing):
                for t in clashing:
                    self._release(p, t)
                return
        self._release(p, s)

    def _earliest(self, s: SessionSpec) -> int:
        """When the first meetings end that this session should follow (0: none).

        A cross-package meeting follows its groups' first meetings; a group's later
        meetings follow its first, so the first stays first once placed."""
        groups = s.after or ((s.series,) if s.series and self._round.get(s.key, 1) > 1 else ())
        return max((self.first_end.get(g, 0) for g in groups), default=0)

    def _commit(self, s: SessionSpec, o: _Option, room: str, req: set[str]) -> None:
        s.day, s.start, s.room, s.mask = o.day, o.start, room, o.mask
        self.room_mask[room] |= o.mask
        self.used_mask |= o.mask
        if s.kind is Kind.PLENARY:
            self.plenary_mask |= o.mask
        for p in req:
            assert not self.busy[p] & o.mask, (s.key, p)
            self.busy[p] |= o.mask
        self.req[s.key] = set(req)
        self.placed.append(s)
        for g in sorted(set(s.groups) | {r for r in s.required if r in self.groups}):
            self.placed_by_group[g].append(s)
        if s.series:
            end = o.abs + s.duration
            self.first_end[s.series] = min(self.first_end.get(s.series, end), end)

    def _release(self, p: str, s: SessionSpec) -> None:
        """Make ``p`` no longer required in ``s``: leave the groups that bring them there."""
        self.repairs += 1
        for g in sorted(set(s.groups) | {r for r in s.required if r in self.groups}):
            if p in self.members[g]:
                self._leave(p, g)
        while p in s.required:
            s.required.remove(p)
        if s.day >= 0 and p in self.req[s.key] and not self._requires(s, p):
            self.req[s.key].discard(p)
            self.busy[p] &= ~s.mask

    def _requires(self, s: SessionSpec, p: str) -> bool:
        return p in self.required_of(s)

    def _leave(self, p: str, g: str) -> None:
        self.members[g].discard(p)
        self.people[p].groups.remove(g)
        for s in self.placed_by_group[g]:
            if p in self.req[s.key] and not self._requires(s, p):
                self.req[s.key].discard(p)
                self.busy[p] &= ~s.mask

    def _refill(self) -> None:
        """Give people the memberships they wanted wherever the planted schedule leaves them free.

        Planting drops memberships that would clash; afterwards many still fit, and
        each one added makes the instance tighter without breaking the planted schedule.
        """
        caps = {r.id: r.capacity for r in self.rooms}
        ids = sorted(self.wanted)
        self.rng.shuffle(ids)
        for pid in ids:
            mine = self.people[pid].groups
            for g in self.interests.get(pid, []):
                if sum(1 for h in mine if not self.groups[h].board) >= self.wanted[pid]:
                    break
                if g in mine:
                    continue
                new = [s for s in self.placed_by_group[g] if pid not in self.req[s.key]]
                mask = 0
                fits = True
                for s in new:
                    if (mask | self.busy[pid]) & s.mask or (
                        s.attendance is None
                        and s.kind is not Kind.PLENARY
                        and self.head_count(s) + 1 > caps[s.room]
                    ):
                        fits = False
                        break
                    mask |= s.mask
                if fits:
                    self.join(pid, g)
                    for s in new:
                        self.req[s.key].add(pid)
                    self.busy[pid] |= mask

    # -- deriving from the planted schedule ----------------------------------------------

    def _number_series(self) -> None:
        """Name each group's meetings 1, 2, ... in planted order, and keep that order."""
        series: dict[str, list[SessionSpec]] = {}
        for s in self.specs:
            if s.series:
                series.setdefault(s.series, []).append(s)
        for gid, specs in series.items():
            specs.sort(key=lambda s: (self._abs(s.day, s.start), s.key))
            for n, s in enumerate(specs, start=1):
                s.key = f"{gid}-{n}"
                s.title = s.title.replace("{n}", str(n))
            self.first_meeting[gid] = specs[0]
            self.series_specs[gid] = specs

    def _refresh(self) -> None:
        """Recompute who is required where, and when everyone is busy, from scratch."""
        self.req = {s.key: self.required_of(s) for s in self.specs}
        self.busy = {p: 0 for p in self.people}
        for s in self.specs:
            for p in self.req[s.key]:
                assert not self.busy[p] & s.mask, f"{p} clashes in {s.key}"
                self.busy[p] |= s.mask
        self.by_key = {s.key: s for s in self.specs}

    def _end(self, s: SessionSpec) -> int:
        return s.start + s.duration

    def _span(self, s: SessionSpec) -> tuple[int, int]:
        a = self._abs(s.day, s.start)
        return a, a + s.duration

    def holds(self, d: Dependency) -> bool:
        """Whether the planted schedule keeps a dependency."""
        a, b = self.by_key[d.first], self.by_key[d.second]
        (a0, a1), (b0, b1) = self._span(a), self._span(b)
        match d.relation:
            case Relation.BEFORE:
                return a1 + d.gap <= b0
            case Relation.SAME_DAY:
                return a.day == b.day
            case Relation.DIFFERENT_DAY:
                return a.day != b.day
            case Relation.NOT_PARALLEL:
                return not overlaps(a0, a1, b0, b1)
            case Relation.BACK_TO_BACK:
                return a.day == b.day and a1 + d.gap == b0
        return False

    def depend(self, first: str, second: str, relation: Relation, gap: int = 0) -> bool:
        """Add a dependency if the planted schedule keeps it and the pair has none yet."""
        pair = (min(first, second), max(first, second))
        dep = Dependency(first, second, relation, gap)
        if first == second or pair in self._pairs or not self.holds(dep):
            return False
        self._pairs.add(pair)
        self.dependencies.append(dep)
        return True

    def _people_free(self, who: Iterable[str], day: int, start: int, end: int) -> bool:
        mask = self.span_mask(day, start, end)
        return all(not self.busy[p] & mask for p in who)

    def _grid_times(self, day: int, lo: int, hi: int) -> list[int]:
        """Grid times of a day in [lo, hi], preferring whole half hours."""
        d = self.days[day]
        times = [t for t in range(d.start, d.end + 1, self.slot) if lo <= t <= hi]
        halves = [t for t in times if t % 30 == 0]
        return halves or times

    def _arrivals_and_departures(self) -> None:
        """Some people arrive late on the first day or leave early on the last, around their sessions."""
        rng = self.rng
        ids = sorted(self.people)
        n = len(ids)
        first, last = 0, len(self.days) - 1
        starts: dict[str, list[tuple[int, int, int]]] = {p: [] for p in ids}
        for s in self.specs:
            for p in self.req[s.key]:
                starts[p].append((s.day, s.start, self._end(s)))
        for p in rng.sample(ids, max(1, round(n * self.late_share)) if n >= 5 else 0):
            d = self.days[first]
            mine = [st for day, st, _ in starts[p] if day == first]
            limit = min(mine, default=d.end)
            if not mine and last > first and rng.random() < 0.3:
                self.unavailability.append(Unavailability(p, d.date))  # arrives the next day
                continue
            times = self._grid_times(first, d.start + 60, min(limit, d.start + 5 * 60))
            if times:
                self.unavailability.append(Unavailability(p, d.date, 0, rng.choice(times)))
        for p in rng.sample(ids, max(1, round(n * self.early_share)) if n >= 5 else 0):
            d = self.days[last]
            mine = [en for day, _, en in starts[p] if day == last]
            limit = max(mine, default=d.start)
            times = self._grid_times(last, max(limit, d.end - 5 * 60), d.end - 60)
            if times:
                end = DAY_MINUTES if self.edge_cases and rng.random() < 0.5 else d.end
                self.unavailability.append(Unavailability(p, d.date, rng.choice(times), end))

    def _optional_guests(self, share: float) -> None:
        """Leadership as optional guests at some meetings, and a few interested individuals."""
        rng = self.rng
        ids = sorted(self.people)
        board = next((g for g in sorted(self.groups) if self.groups[g].board), None)
        caps = {r.id: r.capacity for r in self.rooms}
        for s in self.specs:
            if s.kind is Kind.PLENARY or s.attendance is not None or rng.random() >= share:
                continue
            if board and s.kind is Kind.WORKING_GROUP and rng.random() < 0.5:
                extra = [board]
            else:
                extra = [p for p in rng.sample(ids, min(3, len(ids))) if p not in self.req[s.key]]
            if extra and len(self.req[s.key] | self.expand(s.optional + extra)) <= caps[s.room]:
                s.optional.extend(x for x in extra if x not in s.optional)

    def _edge_unavailability(self) -> None:
        """A session that cannot run at some time, and a group that is away for a while."""
        rng = self.rng
        movable = [s for s in self.specs if s.at is None and s.kind is not Kind.PLENARY]
        if movable and rng.random() < 0.6:
            s = rng.choice(movable)
            other = [i for i in range(len(self.days)) if i != s.day]
            d = self.days[s.day]
            if other and rng.random() < 0.5:
                self.unavailability.append(Unavailability(s.key, self.days[rng.choice(other)].date))
            elif s.start > d.start:
                self.unavailability.append(Unavailability(s.key, d.date, d.start, s.start))
            elif self._end(s) < d.end:
                self.unavailability.append(Unavailability(s.key, d.date, self._end(s), d.end))
        if rng.random() < 0.6:
            groups = sorted(self.groups, key=lambda g: (len(self.members[g]), g))
            for g in groups:
                if not self.members[g]:
                    continue
                spans = []
                for di, d in enumerate(self.days):
                    spans += [(di, d.start, d.start + 60), (di, d.end - 60, d.end)]
                rng.shuffle(spans)
                found = next((x for x in spans if self._people_free(self.members[g], *x)), None)
                if found:
                    di, start, end = found
                    self.unavailability.append(Unavailability(g, self.days[di].date, start, end))
                    break

    def _derive_dependencies(self) -> None:
        """Dependencies that the planted schedule keeps, of every relation."""
        rng = self.rng
        specs = sorted(self.specs, key=lambda s: s.key)
        n = len(specs)
        few = max(1, round(n / 40))
        for s in specs:
            if s.follows is not None:
                self.depend(s.follows[0].key, s.key, Relation.BACK_TO_BACK, s.follows[1])
        # A cross-package meeting comes after each of its groups' first meetings.
        for s in specs:
            for g in s.after:
                if g in self.first_meeting:
                    first = self.first_meeting[g]
                    gap = rng.choice([0, 0, 15, 30]) if rng.random() < 0.3 else 0
                    if not self.depend(first.key, s.key, Relation.BEFORE, gap):
                        self.depend(first.key, s.key, Relation.BEFORE, 0)
        # A group's meetings keep their numbering; some are on different days.
        different = 0
        for gid in sorted(self.series_specs):
            chain = self.series_specs[gid]
            for a, b in zip(chain, chain[1:], strict=False):
                if a.day != b.day and different < few and rng.random() < 0.5:
                    different += self.depend(a.key, b.key, Relation.DIFFERENT_DAY)
                else:
                    self.depend(a.key, b.key, Relation.BEFORE)
        if n < 2:
            return
        # Sessions that share people: some on the same day, some kept apart.
        tries = 0
        want = {Relation.SAME_DAY: few, Relation.NOT_PARALLEL: few, Relation.DIFFERENT_DAY: few - different}
        while any(v > 0 for v in want.values()) and tries < 50 * n:
            tries += 1
            a, b = rng.sample(specs, 2)
            if a.kind is Kind.PLENARY or b.kind is Kind.PLENARY:
                continue
            if a.day == b.day and want[Relation.SAME_DAY] > 0:
                rel = Relation.SAME_DAY
            elif a.day != b.day and want[Relation.DIFFERENT_DAY] > 0:
                rel = Relation.DIFFERENT_DAY
            elif want[Relation.NOT_PARALLEL] > 0 and not (self.req[a.key] & self.req[b.key]):
                rel = Relation.NOT_PARALLEL  # shares nobody, so only the dependency keeps them apart
            else:
                continue
            want[rel] -= self.depend(a.key, b.key, rel)
        # Back to back: one session starts right after (or a short gap after) another.
        by_start: dict[tuple[int, int], list[SessionSpec]] = {}
        for s in specs:
            by_start.setdefault((s.day, s.start), []).append(s)
        pairs = []
        for a in specs:
            for gap in (0, 15, 30):
                for b in by_start.get((a.day, self._end(a) + gap), []):
                    if a.kind is not Kind.PLENARY and b.kind is not Kind.PLENARY:
                        shared = bool(self.req[a.key] & self.req[b.key])
                        pairs.append((not shared, gap, a.key, b.key))
        pairs.sort()
        wanted = max(1, n // 80)
        for _, gap, a_key, b_key in pairs:
            if wanted and (rng.random() < 0.5 or len(pairs) < 4):
                wanted -= self.depend(a_key, b_key, Relation.BACK_TO_BACK, gap)

    def _preferences(self, share: float) -> None:
        rng = self.rng
        for s in self.specs:
            if s.at is None and rng.random() < share:
                s.prefer_time = rng.choice(["morning", "afternoon"])
            if s.at is None and rng.random() < share / 2:
                s.prefer_day = tuple(sorted(rng.sample([d.date for d in self.days], 1)))

    def _leads(self) -> None:
        """One or two leads per group, from its members; now and then a lead whose row omits the group."""
        rng = self.rng
        for gid in sorted(self.groups):
            members = sorted(self.members[gid])
            if not members:
                continue
            leads = [rng.choice(members)]
            if len(members) >= 12 and rng.random() < 0.5:  # a co-lead, from another institution if any
                home = self.people[leads[0]].institution
                others = [p for p in members if self.people[p].institution != home] or members
                leads.append(rng.choice([p for p in others if p != leads[0]]))
            self.groups[gid].leads = sorted(leads)
            if self.edge_cases and rng.random() < 0.3:
                lead = self.groups[gid].leads[0]
                self.people[lead].groups.remove(gid)  # still a member, as a lead

    # -- the result ------------------------------------------------------------------------

    def build(self, *, optional_share: float = 0.25, preference_share: float = 0.1) -> Generated:
        """Plant the schedule, derive the rest, and return the Problem with its planted schedule."""
        self._grid()
        self._plant()
        self._refill()
        self.first_meeting: dict[str, SessionSpec] = {}
        self.series_specs: dict[str, list[SessionSpec]] = {}
        self._number_series()
        self._refresh()
        self._optional_guests(optional_share)
        self._arrivals_and_departures()
        if self.edge_cases:
            self._edge_unavailability()
        self._derive_dependencies()
        self._preferences(preference_share)
        self._leads()
        return self._result()

    def _result(self) -> Generated:
        sessions = []
        for s in self.specs:
            d = self.days[s.day]
            sessions.append(
                Session(
                    id=s.key,
                    title=s.title,
                    kind=s.kind,
                    duration=s.duration,
                    groups=tuple(s.groups),
                    required=tuple(s.required),
                    optional=tuple(s.optional),
                    features=s.features,
                    attendance=s.attendance,
                    day=d.date if s.fix_day else None,
                    start=s.start if s.fix_start else None,
                    room=s.room if s.fix_room else None,
                    prefer_day=s.prefer_day,
                    prefer_time=s.prefer_time,
                )
            )
        problem = Problem(
            event=self.event,
            days=tuple(self.days),
            rooms=tuple(self.rooms),
            participants=tuple(
                Participant(p.id, p.name, p.institution, p.role, p.email, tuple(p.groups))
                for p in self.people.values()
            ),
            sessions=tuple(sessions),
            groups=tuple(Group(g.id, g.name, tuple(g.leads)) for g in self.groups.values()),
            breaks=tuple(self.breaks),
            unavailability=tuple(self.unavailability),
            dependencies=tuple(self.dependencies),
        )
        planted = Schedule(
            tuple(Assignment(s.key, self.days[s.day].date, s.start, s.room) for s in self.specs)
        )
        return Generated(problem, planted)


# -- the synthetic alliance ------------------------------------------------------------------


def _synthetic(params: Params, rng: random.Random) -> Builder:
    """Fill a Builder with an invented alliance meeting of the given size."""
    b = Builder(rng, params.slot)
    b.edge_cases = params.edge_cases
    edge = params.edge_cases
    slot = params.slot
    _days_and_breaks(b, params)
    b.event = Event(
        name=f"{params.name} {params.start_date.year}",
        timezone=params.timezone,
        slot_minutes=slot,
        venue="Host University",
        organiser_email="organiser@example.org",
        weights=(
            (("optional_clash", rng.choice([20, 50, 100])), ("room_fit", 1), ("idle_gap", 2))
            if edge and rng.random() < 0.4
            else ()
        ),
    )

    # Institutions and people.
    countries = [COUNTRIES[i % len(COUNTRIES)] for i in range(params.institutions)]
    institutions = []
    for i, country in enumerate(countries):
        city = CITIES[country][(i // len(COUNTRIES)) % len(CITIES[country])]
        kind = ["University of Applied Sciences", "University", "Institute of Technology"][i % 3]
        institutions.append((f"{city} {kind}", country))
    width = len(str(params.participants))
    emails: set[str] = set()
    leaders: list[str] = []
    students: list[str] = []
    for i in range(params.participants):
        inst, country = (
            institutions[i % len(institutions)] if i < len(institutions) * 2 else rng.choice(institutions)
        )
        pid = f"P{i + 1:0{width}d}"
        name = person_name(rng, country)
        if i < len(institutions):
            role = rng.choice(["rector", "vice-rector"])
            leaders.append(pid)
        elif i < 2 * len(institutions) or rng.random() < 0.12:
            role = "student"
            if i < 2 * len(institutions):
                students.append(pid)
        else:
            role = rng.choices(["academic", "administrative"], [0.7, 0.3])[0]
        b.person(pid, name, inst, role, unique_email(name, emails))

    # Working groups in themes, and boards.
    gw = len(str(params.groups))
    n_themes = max(1, round(params.groups / params.theme_size))
    wgs = []
    for i in range(params.groups):
        topic = TOPICS[i % len(TOPICS)]
        if i >= len(TOPICS):
            topic += f" (team {i // len(TOPICS) + 1})"
        g = b.group(f"WP{i + 1:0{gw}d}", topic, theme=i % n_themes, lab=topic.startswith("Laboratory"))
        wgs.append(g.id)
    boards = []
    if params.boards >= 1 and leaders:
        b.group("LB", "Leadership board", board=True)
        for p in leaders:
            b.join(p, "LB")
        boards.append("LB")
    if params.boards >= 2 and students:
        b.group("SB", "Student board", board=True)
        for p in students:
            b.join(p, "SB")
        boards.append("SB")
    _memberships(b, params, wgs, n_themes, set(leaders))

    # Sessions.
    durations = [60, 90, 90, 120] if slot == 30 else [60, 75, 90, 90, 120]
    if params.plenaries >= 1:
        b.session(
            SessionSpec(
                "OPEN",
                "Opening plenary",
                Kind.PLENARY,
                60 if slot == 30 else rng.choice([45, 60]),
                required=["LB"] if "LB" in b.groups else [],
                features=frozenset({"projector", "hybrid"}),
                fix_day=True,
                fix_start=True,
                fix_room=True,
                at=(0, b.days[0].start, "HALL"),
            )
        )
    if params.plenaries >= 2:
        b.session(
            SessionSpec(
                "CLOSE", "Closing plenary", Kind.PLENARY, 60, features=frozenset({"projector"}), late=True
            )
        )
    for gid in boards:
        for _ in range(params.board_meetings):
            b.session(
                SessionSpec(
                    f"{gid}-tmp{_}",
                    f"{b.groups[gid].name} meeting {{n}}",
                    Kind.OTHER,
                    rng.choice([60, 90]),
                    groups=[gid],
                    features=frozenset({"hybrid"}) if gid == "LB" else frozenset(),
                    series=gid,
                )
            )
    for gid in wgs:
        for m in range(rng.randint(*params.meetings)):
            g = b.groups[gid]
            features = {"projector"} if rng.random() < 0.7 else set()
            if g.lab and m == 0:
                features.add("lab")
            if rng.random() < 0.25:
                features.add("hybrid")
            b.session(
                SessionSpec(
                    f"{gid}-tmp{m}",
                    f"{g.name}: working meeting {{n}}",
                    Kind.WORKING_GROUP,
                    rng.choice(durations),
                    groups=[gid],
                    features=frozenset(features),
                    series=gid,
                    early=m == 0,
                )
            )
    _cross_packages(b, params, wgs, n_themes)
    for i in range(params.others):
        _other_session(b, i, rng)

    _room_list(b, params)
    # A room is closed for a morning (the planted schedule is built around it).
    small = [r.id for r in b.rooms if r.id != "HALL"]
    if small and len(b.days) and (not edge or rng.random() < 0.7):
        day = rng.randrange(len(b.days))
        d = b.days[day]
        b.block_room(rng.choice(small), d.date, d.start, 12 * 60)
    if edge and small and rng.random() < 0.25:
        b.block_room(rng.choice(small), None, 16 * 60 + 30, DAY_MINUTES)
    # A session straight after another (a tour after a meeting): a back_to_back dependency.
    meetings = [s for s in b.specs if s.kind in (Kind.WORKING_GROUP, Kind.CROSS_PACKAGE)]
    extras = [s for s in b.specs if s.kind is Kind.OTHER and not s.series]
    if edge and extras and meetings and rng.random() < 0.6:
        extras[0].follows = (rng.choice(meetings), rng.choice([0, slot]))
    # Some sessions are fixed: a lab meeting in its lab, a board meeting on a day, a tour at a time.
    if edge:
        for s in b.specs:
            if s.features & {"lab"} and rng.random() < 0.6:
                s.fix_room = True
            elif s.series == "LB" and rng.random() < 0.5:
                s.fix_day = True
            elif s.kind is Kind.OTHER and not s.series and rng.random() < 0.5:
                s.fix_start = True
    else:
        for s in b.specs:
            if s.at is None and rng.random() < 0.02:
                s.fix_day = s.fix_start = s.fix_room = True
    return b


def _days_and_breaks(b: Builder, params: Params) -> None:
    rng = b.rng
    n = params.days
    for i in range(n):
        start, end = 9 * 60, 17 * 60 + 30
        if n > 1 and i == 0:
            start = 10 * 60
        if n > 1 and i == n - 1:
            end = 15 * 60
        if params.edge_cases and rng.random() < 0.4:
            start = rng.choice([8 * 60 + 30, 9 * 60, 10 * 60])
            end = rng.choice([16 * 60, 17 * 60, 18 * 60])
        b.days.append(Day(params.start_date + timedelta(days=i), start, end))
    # Morning coffee only where the day starts early enough to need one.
    early = [d.date for d in b.days if d.start < 10 * 60]
    if len(early) == len(b.days):
        b.breaks.append(Break(None, 10 * 60 + 30, 11 * 60, "Coffee"))
    else:
        b.breaks += [Break(day, 10 * 60 + 30, 11 * 60, "Coffee") for day in early]
    b.breaks += [
        Break(None, 12 * 60 + 30, 13 * 60 + 30, "Lunch"),
        Break(None, 15 * 60, 15 * 60 + 30, "Coffee"),
    ]
    if params.edge_cases and rng.random() < 0.5:
        day = rng.choice(b.days)
        b.breaks.append(Break(day.date, 13 * 60 + 30, 13 * 60 + 45, "Group photo"))


def person_name(rng: random.Random, country: str) -> str:
    """A plausible name for someone from ``country`` (a key of NAMES), in its gendered form."""
    women, men, surnames = NAMES[country]
    male, female = rng.choice(surnames)
    if rng.random() < 0.5:
        return f"{rng.choice(women)} {female}"
    return f"{rng.choice(men)} {male}"


def unique_email(name: str, taken: set[str]) -> str:
    """``first.last@example.org``, numbered if already in ``taken`` (which it joins)."""
    base = ascii_slug(name)
    email, n = f"{base}@example.org", 1
    while email in taken:
        n += 1
        email = f"{base}{n}@example.org"
    taken.add(email)
    return email


def _memberships(b: Builder, params: Params, wgs: list[str], n_themes: int, leaders: set[str]) -> None:
    """Each person joins 1-3 working groups, mostly within one theme (leaders: 0-1)."""
    rng = b.rng
    if not wgs:
        return
    by_theme: dict[int, list[str]] = {}
    for g in wgs:
        by_theme.setdefault(b.groups[g].theme, []).append(g)
    for pid in sorted(b.people):
        if pid in leaders:
            k = rng.choice([0, 1])
        else:
            k = rng.choices([1, 2, 3], [0.35, 0.45, 0.2])[0]
        home = by_theme[rng.randrange(n_themes)]
        chosen: list[str] = []
        while len(chosen) < min(k, len(wgs)):
            pool = home if rng.random() < 0.85 and len(set(home) - set(chosen)) else wgs
            g = rng.choice(pool)
            if g not in chosen:
                chosen.append(g)
        for g in chosen:
            b.join(pid, g)
        b.wanted[pid] = k
        b.interests[pid] = chosen + rng.sample(home, len(home))
    others = sorted(p for p in b.people if p not in leaders)
    for g in wgs:
        while len(b.members[g]) < 2 and len(b.members[g]) < len(others):
            b.join(rng.choice(others), g)


def _cross_packages(b: Builder, params: Params, wgs: list[str], n_themes: int) -> None:
    """Meetings between 2-3 related working groups, after each group's first meeting."""
    rng = b.rng
    if len(wgs) < 2:
        return
    by_theme: dict[int, list[str]] = {}
    for g in wgs:
        by_theme.setdefault(b.groups[g].theme, []).append(g)
    seen: set[tuple[str, ...]] = set()
    width = len(str(params.cross))
    people = sorted(b.people)
    for i in range(params.cross):
        for _ in range(20):
            pool = by_theme[rng.randrange(n_themes)]
            if len(pool) < 2:
                pool = wgs
            k = 3 if len(pool) >= 3 and rng.random() < 0.3 else 2
            chosen = tuple(sorted(rng.sample(pool, k)))
            if chosen not in seen:
                break
        seen.add(chosen)
        inside = b.expand(chosen)
        outsiders = [p for p in people if p not in inside]
        required = sorted(rng.sample(outsiders, min(len(outsiders), rng.choice([0, 1, 1, 2]))))
        features = {"projector"} | ({"hybrid"} if rng.random() < 0.5 else set())
        b.session(
            SessionSpec(
                f"X{i + 1:0{width}d}",
                "Cross-package: " + " × ".join(b.groups[g].name for g in chosen),
                Kind.CROSS_PACKAGE,
                rng.choice([60, 90]),
                groups=list(chosen),
                required=required,
                features=frozenset(features),
                after=chosen,
            )
        )


_OTHER_TITLES = [
    "Sandbox pitch session",
    "Campus tour",
    "Poster session",
    "Alumni talk",
    "Industry panel",
    "Teaching lab showcase",
    "Mobility fair",
    "Library visit",
]


def _other_session(b: Builder, i: int, rng: random.Random) -> None:
    title = _OTHER_TITLES[i % len(_OTHER_TITLES)]
    if i >= len(_OTHER_TITLES):
        title += f" {i // len(_OTHER_TITLES) + 1}"
    people = sorted(b.people)
    required = sorted(rng.sample(people, min(len(people), rng.randint(1, 3))))
    optional = sorted(set(rng.sample(people, min(len(people), rng.randint(2, 8)))) - set(required))
    attendance = None
    if rng.random() < 0.4:  # external guests come too: the organiser states a head count
        attendance = len(required) + len(optional) + rng.choice([5, 10, 20])
    b.session(
        SessionSpec(
            f"OTH{i + 1:02d}",
            title,
            Kind.OTHER,
            rng.choice([30, 60]) if b.slot == 15 else 60,
            required=required,
            optional=optional,
            attendance=attendance,
        )
    )


def _room_list(b: Builder, params: Params) -> None:
    """A hall for everyone, then rooms sized to the sessions' head counts, with varied features."""
    rng = b.rng
    n_people = len(b.people)
    b.rooms.append(
        Room("HALL", "Aula", -(-int(n_people * 1.15) // 10) * 10, frozenset({"projector", "hybrid"}), "Main")
    )
    demand = sorted(b.head_count(s) for s in b.specs if s.kind is not Kind.PLENARY) or [10]
    lab_demand = [b.head_count(s) for s in b.specs if "lab" in s.features]
    lab_features = {"lab", "projector"}.union(*(s.features for s in b.specs if "lab" in s.features))
    n = params.rooms - 1
    n_lab = min(n, max(1 if lab_demand else 0, round(n * 0.06)))
    buildings = ["A", "B", "C", "D", "E"][: max(1, min(5, n // 4 + 1))]
    rooms = []
    for i in range(n):
        if i < n_lab:
            cap = max(lab_demand or [20]) + rng.choice([0, 2, 4])
            features = set(lab_features)
        else:
            q = demand[min(len(demand) - 1, int((i - n_lab + 0.5) / max(1, n - n_lab) * len(demand)))]
            cap = max(8, int(q * rng.uniform(1.0, 1.4)) + 1)
            features = set()
            if rng.random() < 0.8:
                features.add("projector")
            if rng.random() < 0.35:
                features.add("hybrid")
        rooms.append((cap, features))
    # The biggest ordinary room seats the biggest meeting; big rooms have a projector and
    # hybrid equipment, as on a real campus (and big hybrid meetings need somewhere to go).
    if n > n_lab:
        cap, features = rooms[-1]
        rooms[-1] = (max(cap, int(max(demand) * 1.1) + 1), features)
    big = demand[int(len(demand) * 0.7)]
    rooms = [(cap, f | {"projector", "hybrid"} if cap >= big and "lab" not in f else f) for cap, f in rooms]
    width = len(str(n))
    for i, (cap, features) in enumerate(rooms):
        building = buildings[i % len(buildings)]
        rid = f"{building}{i + 1:0{width}d}"
        name = "Lab " + rid if "lab" in features else f"Room {rid}"
        b.rooms.append(Room(rid, name, cap, frozenset(features), f"Building {building}"))
