"""Read an ITC2007 track 2 instance (``.tim``) into a frozen :class:`Instance`.

The file is whitespace-separated integers (in practice one per line): a header
``E R F S``, then R room sizes, S·E attendance bits (student-major), R·F room
features, E·F event features, E·45 availability bits and an E·E precedence
matrix (1: row before column, -1: row after column). Any other shape is an
:class:`~planner.errors.InputError` naming the line, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from planner.errors import InputError, InputIssue

DAYS = 5
SLOTS_PER_DAY = 9
SLOTS = DAYS * SLOTS_PER_DAY


@dataclass(frozen=True)
class Instance:
    """One ITC2007 track 2 instance; every index is 0-based."""

    name: str
    room_sizes: tuple[int, ...]
    #: per event: the students attending it
    attendees: tuple[frozenset[int], ...]
    #: per room: the features it has
    room_features: tuple[frozenset[int], ...]
    #: per event: the features it needs
    event_features: tuple[frozenset[int], ...]
    #: per event: the timeslots (0..44) it may be placed in
    allowed: tuple[frozenset[int], ...]
    #: (i, j): event i must be in a strictly earlier timeslot than event j
    precedence: tuple[tuple[int, int], ...]
    n_features: int
    n_students: int

    @property
    def n_events(self) -> int:
        return len(self.attendees)

    @property
    def n_rooms(self) -> int:
        return len(self.room_sizes)


def expected_lines(events: int, rooms: int, features: int, students: int) -> int:
    """Lines of a well-formed file with one value per line after the header."""
    return 1 + rooms + students * events + rooms * features + events * features + SLOTS * events + events**2


def read_tim(path: str | Path) -> Instance:
    """Read a ``.tim`` file; InputError (with line numbers) when it is not one."""
    p = Path(path)
    try:
        text = p.read_text(encoding="ascii", errors="replace")
    except OSError as err:
        raise InputError(
            [InputIssue(str(p), None, None, "", f"cannot read the file: {err.strerror}")]
        ) from None
    return parse_tim(text, name=p.stem, source=str(p))


def parse_tim(text: str, name: str = "instance", source: str = "instance.tim") -> Instance:
    """Parse the text of a ``.tim`` file (see the module's doc for the layout)."""

    def issue(line: int | None, value: str, message: str) -> InputError:
        return InputError([InputIssue(source, line, None, value, message)])

    lines = text.splitlines()
    if not lines or not lines[0].split():
        raise issue(1, "", "the first line must be the header 'events rooms features students'")
    head = lines[0].split()
    if len(head) != 4:
        raise issue(1, lines[0].strip(), "the header must be four integers: events rooms features students")
    try:
        events, rooms, features, students = (int(x) for x in head)
    except ValueError:
        raise issue(
            1, lines[0].strip(), "the header must be four integers: events rooms features students"
        ) from None
    if min(events, rooms, features, students) < 0 or events == 0 or rooms == 0:
        raise issue(
            1, lines[0].strip(), "the header's counts must be non-negative, with events and rooms above 0"
        )

    # Every later value with its line number (1-based, as an editor shows it).
    tokens: list[tuple[int, str]] = [
        (n, tok) for n, line in enumerate(lines[1:], start=2) for tok in line.split()
    ]
    want = expected_lines(events, rooms, features, students) - 1
    if len(tokens) != want:
        raise issue(
            None,
            f"{len(tokens) + 1} values",
            f"expected {want + 1} values (header, {rooms} room sizes, {students}x{events} attendance, "
            f"{rooms}x{features} room features, {events}x{features} event features, {events}x{SLOTS} "
            f"availability, {events}x{events} precedence), one per line",
        )
    values: list[int] = []
    for n, tok in tokens:
        try:
            values.append(int(tok))
        except ValueError:
            raise issue(n, tok, "not an integer") from None

    pos = 0

    def block(count: int, allowed: tuple[int, ...] | None, what: str) -> list[int]:
        nonlocal pos
        out = values[pos : pos + count]
        if allowed is not None:
            for k, v in enumerate(out):
                if v not in allowed:
                    raise issue(
                        tokens[pos + k][0], str(v), f"{what}: expected one of {', '.join(map(str, allowed))}"
                    )
        pos += count
        return out

    sizes = block(rooms, None, "room size")
    for k, v in enumerate(sizes):
        if v < 0:
            raise issue(tokens[k][0], str(v), "a room size must not be negative")
    attend = block(students * events, (0, 1), "attendance")
    room_feat = block(rooms * features, (0, 1), "room feature")
    event_feat = block(events * features, (0, 1), "event feature")
    avail = block(events * SLOTS, (0, 1), "availability")
    prec_start = pos
    prec = block(events * events, (-1, 0, 1), "precedence")

    pairs: set[tuple[int, int]] = set()
    for i in range(events):
        for j in range(events):
            v = prec[i * events + j]
            if v == 0:
                continue
            if i == j:
                raise issue(tokens[prec_start + i * events + j][0], str(v), "an event cannot precede itself")
            pairs.add((i, j) if v == 1 else (j, i))

    return Instance(
        name=name,
        room_sizes=tuple(sizes),
        attendees=tuple(
            frozenset(s for s in range(students) if attend[s * events + e]) for e in range(events)
        ),
        room_features=tuple(
            frozenset(f for f in range(features) if room_feat[r * features + f]) for r in range(rooms)
        ),
        event_features=tuple(
            frozenset(f for f in range(features) if event_feat[e * features + f]) for e in range(events)
        ),
        allowed=tuple(frozenset(t for t in range(SLOTS) if avail[e * SLOTS + t]) for e in range(events)),
        precedence=tuple(sorted(pairs)),
        n_features=features,
        n_students=students,
    )
