"""Tiny hand-made ITC2007 track 2 instances, written as .tim text (one value a line)."""

from __future__ import annotations

from collections.abc import Iterable

SLOTS = 45


def tim_text(
    rooms: list[int],
    attendance: list[set[int]],
    students: int,
    features: int = 0,
    room_features: list[set[int]] | None = None,
    event_features: list[set[int]] | None = None,
    forbidden: dict[int, Iterable[int]] | None = None,
    before: Iterable[tuple[int, int]] = (),
) -> str:
    """A .tim file: ``attendance[e]`` is event e's students; ``forbidden[e]`` its
    forbidden timeslots; ``before`` pairs (i, j): i strictly before j."""
    events = len(attendance)
    room_features = room_features or [set() for _ in rooms]
    event_features = event_features or [set() for _ in attendance]
    forbidden = forbidden or {}
    prec = [[0] * events for _ in range(events)]
    for i, j in before:
        prec[i][j], prec[j][i] = 1, -1
    values: list[int] = list(rooms)
    values += [int(s in attendance[e]) for s in range(students) for e in range(events)]
    values += [int(f in room_features[r]) for r in range(len(rooms)) for f in range(features)]
    values += [int(f in event_features[e]) for e in range(events) for f in range(features)]
    values += [int(t not in set(forbidden.get(e, ()))) for e in range(events) for t in range(SLOTS)]
    values += [prec[i][j] for i in range(events) for j in range(events)]
    return f"{events} {len(rooms)} {features} {students}\n" + "".join(f"{v}\n" for v in values)


#: Six events, two rooms (sizes 2 and 3; room 1 has feature 0), four students; event 5
#: needs feature 0; event 0 before event 1; events 2 and 3 barred from day 0.
SMALL = dict(
    rooms=[2, 3],
    attendance=[{0, 1}, {0, 1}, {1, 2}, {2, 3}, {0, 3}, {1, 2, 3}],
    students=4,
    features=1,
    room_features=[set(), {0}],
    event_features=[set(), set(), set(), set(), set(), {0}],
    forbidden={2: range(9), 3: range(9)},
    before=[(0, 1)],
)
