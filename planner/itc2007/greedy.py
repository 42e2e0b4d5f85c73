"""A partial timetable that breaks no hard rule, for when the search finds none in time.

Events go hardest first (fewest timeslot-room pairs, then most students), each
to the first timeslot and smallest suitable free room that keeps every hard
constraint with the events already placed; an event with no such place is left
unplaced (it counts towards the distance to feasibility, and breaks nothing).
"""

from __future__ import annotations

from planner.itc2007.tim import SLOTS, Instance

Solution = list[tuple[int, int] | None]


def greedy(inst: Instance) -> Solution:
    n = inst.n_events
    suitable = [
        sorted(
            (
                r
                for r in range(inst.n_rooms)
                if inst.room_sizes[r] >= len(inst.attendees[e])
                and inst.event_features[e] <= inst.room_features[r]
            ),
            key=lambda r: (inst.room_sizes[r], r),
        )
        for e in range(n)
    ]
    before: list[list[int]] = [[] for _ in range(n)]  # events that must come before e
    after: list[list[int]] = [[] for _ in range(n)]
    for i, j in inst.precedence:
        before[j].append(i)
        after[i].append(j)
    order = sorted(
        range(n), key=lambda e: (len(inst.allowed[e]) * len(suitable[e]), -len(inst.attendees[e]), e)
    )
    room_used: set[tuple[int, int]] = set()
    student_busy: set[tuple[int, int]] = set()
    out: Solution = [None] * n
    for e in order:
        for t in sorted(inst.allowed[e]):
            if not 0 <= t < SLOTS:
                continue
            if any(out[p] is not None and out[p][0] >= t for p in before[e]):  # type: ignore[index]
                continue
            if any(out[q] is not None and out[q][0] <= t for q in after[e]):  # type: ignore[index]
                continue
            if any((s, t) in student_busy for s in inst.attendees[e]):
                continue
            room = next((r for r in suitable[e] if (t, r) not in room_used), None)
            if room is None:
                continue
            out[e] = (t, room)
            room_used.add((t, room))
            student_busy.update((s, t) for s in inst.attendees[e])
            break
    return out
