"""A partial timetable that breaks no hard rule, for when the search finds none in time.

A DSatur-like pass: the unplaced event with the fewest timeslots left goes next
(ties: most conflicting events, then most students), to the timeslot that takes
fewest options away from the events still waiting (a day's last slot only on a
tie); rooms within a timeslot are a bipartite matching, so placing an event may
move others to other rooms of the same timeslot. An event left with no timeslot
stays unplaced (it counts towards the distance to feasibility and breaks nothing).
The pass is repeated with the events left out of earlier passes going first (each
miss ranks an event higher), and the pass with the lowest DtF is kept.
"""

from __future__ import annotations

from planner.itc2007.tim import SLOTS_PER_DAY, Instance

Solution = list[tuple[int, int] | None]


def greedy(inst: Instance, passes: int = 20) -> Solution:
    """The best of ``passes`` greedy passes by DtF (deterministic)."""
    misses = [0] * inst.n_events
    best: Solution | None = None
    best_dtf = -1
    for _ in range(passes):
        sol = _pass(inst, misses)
        left = [e for e, w in enumerate(sol) if w is None]
        dtf = sum(len(inst.attendees[e]) for e in left)
        if best is None or dtf < best_dtf:
            best, best_dtf = sol, dtf
        if not left:
            break
        for e in left:
            misses[e] += 1
    assert best is not None
    return best


def _pass(inst: Instance, misses: list[int]) -> Solution:
    n = inst.n_events
    suitable = [
        frozenset(
            r
            for r in range(inst.n_rooms)
            if inst.room_sizes[r] >= len(inst.attendees[e])
            and inst.event_features[e] <= inst.room_features[r]
        )
        for e in range(n)
    ]
    by_student: dict[int, list[int]] = {}
    for e in range(n):
        for s in inst.attendees[e]:
            by_student.setdefault(s, []).append(e)
    neighbours: list[set[int]] = [set() for _ in range(n)]
    for events in by_student.values():
        for e in events:
            neighbours[e].update(events)
    for e in range(n):
        neighbours[e].discard(e)
    before: list[list[int]] = [[] for _ in range(n)]  # events that must come before e
    after: list[list[int]] = [[] for _ in range(n)]
    for i, j in inst.precedence:
        before[j].append(i)
        after[i].append(j)

    open_slots = [set(t for t in inst.allowed[e]) if suitable[e] else set() for e in range(n)]
    in_slot: dict[int, dict[int, int]] = {}  # timeslot -> room -> event
    out: Solution = [None] * n
    waiting = set(range(n))

    def fit(e: int, t: int) -> dict[int, int] | None:
        """Room of every event in timeslot t once e joins it (augmenting path), or None."""
        rooms = dict(in_slot.get(t, {}))
        seen: set[int] = set()

        def augment(ev: int) -> bool:
            for r in sorted(suitable[ev], key=lambda r: inst.room_sizes[r]):
                if r in seen:
                    continue
                seen.add(r)
                if r not in rooms or augment(rooms[r]):
                    rooms[r] = ev
                    return True
            return False

        return rooms if augment(e) else None

    while waiting:
        e = min(
            waiting,
            key=lambda e: (-misses[e], len(open_slots[e]), -len(neighbours[e]), -len(inst.attendees[e]), e),
        )
        waiting.discard(e)

        for t in sorted(open_slots[e], key=lambda t: _damage(t, neighbours[e], waiting, open_slots)):
            rooms = fit(e, t)
            if rooms is None:
                continue
            in_slot[t] = rooms
            for r, ev in rooms.items():
                out[ev] = (t, r)
            for u in neighbours[e]:
                open_slots[u].discard(t)
            for q in after[e]:
                open_slots[q] = {x for x in open_slots[q] if x > t}
            for p in before[e]:
                open_slots[p] = {x for x in open_slots[p] if x < t}
            break
    return out


def _damage(t: int, near: set[int], waiting: set[int], open_slots: list[set[int]]) -> tuple[int, int, int]:
    """How much taking timeslot t hurts: the waiting conflicting events that lose it, then
    whether it is a day's last slot (a soft cost), then t."""
    hurt = sum(1 for u in near if u in waiting and t in open_slots[u])
    return hurt, int(t % SLOTS_PER_DAY == SLOTS_PER_DAY - 1), t
