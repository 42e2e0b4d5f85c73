"""Score an ITC2007 track 2 solution by the competition's rules (Lewis, Paechter &
McCollum 2007, and the official validator), written from those rules and not from
the solver: hard violations per constraint, distance to feasibility and the three
soft costs.

A solution gives each event ``(timeslot, room)`` or None (unplaced, ``-1 -1``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from planner.itc2007.tim import DAYS, SLOTS, SLOTS_PER_DAY, Instance

Solution = list[tuple[int, int] | None]


@dataclass(frozen=True)
class Evaluation:
    #: (student, timeslot, events): a student attends two or more events in one timeslot
    student_clash: tuple[tuple[int, int, tuple[int, ...]], ...] = ()
    #: events in a room that seats fewer than their students
    room_size: tuple[int, ...] = ()
    #: events in a room that lacks a feature they need
    room_features: tuple[int, ...] = ()
    #: (timeslot, room, events): two or more events in one room at once
    room_double: tuple[tuple[int, int, tuple[int, ...]], ...] = ()
    #: events in a timeslot not available to them
    unavailable: tuple[int, ...] = ()
    #: (i, j): i must be strictly before j, both are placed, and it is not
    precedence: tuple[tuple[int, int], ...] = ()
    #: events whose timeslot or room is not an index of the instance
    out_of_range: tuple[int, ...] = ()
    unplaced: tuple[int, ...] = ()
    dtf: int = 0
    last_slot: int = 0
    in_a_row: int = 0
    single_day: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def hard(self) -> int:
        """Number of hard violations (every constraint's count summed)."""
        return sum(self.counts.values())

    @property
    def soft(self) -> int:
        return self.last_slot + self.in_a_row + self.single_day

    @property
    def valid(self) -> bool:
        """No hard violation (events may be unplaced)."""
        return self.hard == 0

    @property
    def feasible(self) -> bool:
        """Valid and every event placed."""
        return self.valid and not self.unplaced


def evaluate(inst: Instance, solution: Solution) -> Evaluation:
    if len(solution) != inst.n_events:
        raise ValueError(f"the solution has {len(solution)} events, the instance {inst.n_events}")
    placed: dict[int, tuple[int, int]] = {}
    unplaced: list[int] = []
    out_of_range: list[int] = []
    for e, where in enumerate(solution):
        if where is None:
            unplaced.append(e)
        elif not (0 <= where[0] < SLOTS and 0 <= where[1] < inst.n_rooms):
            out_of_range.append(e)
        else:
            placed[e] = where

    # 1. no student in two events in one timeslot
    per_student_slot: dict[tuple[int, int], list[int]] = defaultdict(list)
    for e, (t, _) in placed.items():
        for s in inst.attendees[e]:
            per_student_slot[(s, t)].append(e)
    clash = tuple((s, t, tuple(sorted(es))) for (s, t), es in sorted(per_student_slot.items()) if len(es) > 1)
    # 2. the room seats the event's students and has its features
    size = tuple(e for e, (_, r) in sorted(placed.items()) if inst.room_sizes[r] < len(inst.attendees[e]))
    feats = tuple(
        e for e, (_, r) in sorted(placed.items()) if not inst.event_features[e] <= inst.room_features[r]
    )
    # 3. one event per room and timeslot
    per_room_slot: dict[tuple[int, int], list[int]] = defaultdict(list)
    for e, where in placed.items():
        per_room_slot[where].append(e)
    double = tuple((t, r, tuple(sorted(es))) for (t, r), es in sorted(per_room_slot.items()) if len(es) > 1)
    # 4. only in available timeslots
    unavailable = tuple(e for e, (t, _) in sorted(placed.items()) if t not in inst.allowed[e])
    # 5. precedence, strict, checked when both are placed
    order = tuple(
        (i, j) for i, j in inst.precedence if i in placed and j in placed and placed[i][0] >= placed[j][0]
    )

    # soft costs from each student's busy timeslots
    busy: dict[int, set[int]] = defaultdict(set)
    for e, (t, _) in placed.items():
        for s in inst.attendees[e]:
            busy[s].add(t)
    last = row = single = 0
    for slots in busy.values():
        for d in range(DAYS):
            day = [d * SLOTS_PER_DAY + k in slots for k in range(SLOTS_PER_DAY)]
            last += day[-1]
            single += sum(day) == 1
            run = 0
            for b in [*day, False]:
                if b:
                    run += 1
                else:
                    row += max(0, run - 2)
                    run = 0

    counts = {
        "student_clash": len(clash),
        "room_size": len(size),
        "room_features": len(feats),
        "room_double": len(double),
        "unavailable": len(unavailable),
        "precedence": len(order),
        "out_of_range": len(out_of_range),
    }
    return Evaluation(
        student_clash=clash,
        room_size=size,
        room_features=feats,
        room_double=double,
        unavailable=unavailable,
        precedence=order,
        out_of_range=tuple(out_of_range),
        unplaced=tuple(unplaced),
        dtf=sum(len(inst.attendees[e]) for e in unplaced),
        last_slot=last,
        in_a_row=row,
        single_day=single,
        counts=counts,
    )


def describe(ev: Evaluation) -> list[str]:
    """One line per hard violation, for people."""
    lines = [
        f"student {s} has events {', '.join(map(str, es))} in timeslot {t}" for s, t, es in ev.student_clash
    ]
    lines += [f"event {e} is in a room too small for its students" for e in ev.room_size]
    lines += [f"event {e} is in a room without a feature it needs" for e in ev.room_features]
    lines += [
        f"room {r} holds events {', '.join(map(str, es))} in timeslot {t}" for t, r, es in ev.room_double
    ]
    lines += [f"event {e} is in a timeslot not available to it" for e in ev.unavailable]
    lines += [f"event {i} must be before event {j}" for i, j in ev.precedence]
    lines += [f"event {e} has a timeslot or room out of range" for e in ev.out_of_range]
    return lines
