"""A fast first schedule, built without search: forward checking with restarts.

CP-SAT proves and improves, but on big, dense meetings it can take long to find
any schedule at all. This builds one the way an organiser would, only faster:
take the session with the fewest possible start times left, give it the
earliest start that leaves its neighbours most room and the smallest free room
that fits, then strike from every other session the starts this one rules out
(shared required people, plenaries, dependencies). When some session is left
with no start, the construction starts again with that session's priority
raised ("squeaky wheel"). The result breaks no hard rule; it stands as the
answer when the search finds nothing in time (as a hint it was measured to
lead the search astray, so it is not one).
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable

from planner.model import Relation
from planner.solver.prepare import Prepared

Placement = dict[int, tuple[int, int]]  # session index -> (start slot, room index)

#: How many of a session's earliest free starts are weighed against each other.
LOOK_AHEAD = 8


def construct(
    data: Prepared,
    seconds: float = 3.0,
    seed: int = 0,
    rounds: int = 1000,
    stop: Callable[[], bool] = lambda: False,
) -> Placement | None:
    """Every session placed by the rules, or None when no pass succeeded in time
    (or ``stop()`` said to give up)."""
    if any(not s for s in data.starts) or any(not r for r in data.rooms):
        return None
    deadline = time.perf_counter() + seconds
    base = _Static(data)
    rng = random.Random(seed)
    urgency = [0] * len(data.starts)
    for n in range(rounds):
        # the first pass always runs to its end, so its outcome does not depend on timing
        placed, failed = base.attempt(urgency, rng, stop if n else lambda: False)
        if failed is None:
            return placed
        for i in failed:
            urgency[i] += 1
        if time.perf_counter() > deadline or stop():
            break
    return None


class _Static:
    """What every pass shares: masks of starts, who conflicts with whom, dependencies."""

    def __init__(self, data: Prepared):
        self.data = data
        problem = data.problem
        n = len(data.starts)
        self.n = n
        self.plenary = [s.is_plenary for s in problem.sessions]
        self.masks = [{g: ((1 << data.length[i]) - 1) << g for g in data.starts[i]} for i in range(n)]
        self.minutes = [data.length[i] * data.slot_minutes for i in range(n)]
        self.rooms = [sorted(r, key=lambda k: problem.rooms[k].capacity) for r in data.rooms]
        by_person: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(problem.sessions):
            for p in problem.required_people[s.id]:
                by_person[p].append(i)
        neighbours: list[set[int]] = [set() for _ in range(n)]
        for sessions in by_person.values():
            for i in sessions:
                neighbours[i].update(sessions)
        plenaries = [i for i in range(n) if self.plenary[i]]
        for i in range(n):
            neighbours[i].update(range(n) if self.plenary[i] else plenaries)
            neighbours[i].discard(i)
        self.neighbours = [sorted(x) for x in neighbours]
        index = {s.id: i for i, s in enumerate(problem.sessions)}
        self.links: list[list[tuple[int, Relation, int, bool]]] = [[] for _ in range(n)]
        for dep in problem.dependencies:
            a, b = index[dep.first], index[dep.second]
            self.links[a].append((b, dep.relation, dep.gap, True))
            self.links[b].append((a, dep.relation, dep.gap, False))
        self.initial = [set(s) for s in data.starts]
        self.propagate(self.initial, list(range(n)))

    def attempt(
        self, urgency: list[int], rng: random.Random, stop: Callable[[], bool] = lambda: False
    ) -> tuple[Placement, list[int] | None]:
        """One pass. Returns the placement and None, or what was placed and the sessions
        that were left with no start (or could not get a room)."""
        domain = [set(s) for s in self.initial]
        room_busy = list(self.data.room_closed)
        placed: Placement = {}
        unplaced = set(range(self.n))
        tie = [rng.random() for _ in range(self.n)]
        while unplaced:
            if len(placed) % 64 == 63 and stop():
                return placed, []
            i = min(
                unplaced, key=lambda j: (len(domain[j]) / (2 ** urgency[j]), -len(self.neighbours[j]), tie[j])
            )
            dead: int | None = i
            for g, k in self._choices(i, domain, room_busy, placed):
                trail: list[tuple[int, set[int]]] = []
                dead = self._assign(i, g, domain, unplaced, trail)
                if dead is None:
                    placed[i] = (g, k)
                    unplaced.discard(i)
                    room_busy[k] |= self.masks[i][g]
                    break
                for j, old in reversed(trail):  # undo, and try the next start
                    domain[j] = old
            else:
                return placed, [i if dead is None else dead]
        return placed, None

    def _assign(
        self, i: int, g: int, domain: list[set[int]], unplaced: set[int], trail: list[tuple[int, set[int]]]
    ) -> int | None:
        """Start session i at g and strike what that rules out (recorded in ``trail``);
        returns a session left with no start, or None."""
        mask = self.masks[i][g]
        trail.append((i, domain[i]))
        domain[i] = {g}
        changed = [i]
        for j in self.neighbours[i]:
            if j in unplaced and j != i:
                kept = {h for h in domain[j] if not self.masks[j][h] & mask}
                if len(kept) < len(domain[j]):
                    trail.append((j, domain[j]))
                    domain[j] = kept
                    if not kept:
                        return j
                    changed.append(j)
        return self.propagate(domain, changed, trail)

    def propagate(
        self, domain: list[set[int]], changed: list[int], trail: list[tuple[int, set[int]]] | None = None
    ) -> int | None:
        """Strike starts that no start of a dependency partner allows, to a fixpoint
        (recording replaced domains in ``trail``). Returns a session left with no start, or None."""
        slots = self.data.slots
        queue = list(changed)
        queued = set(queue)
        while queue:
            i = queue.pop()
            queued.discard(i)
            for j, relation, gap, i_first in self.links[i]:
                before = len(domain[j])
                old = domain[j]
                domain[j] = (
                    {
                        h
                        for h in domain[j]
                        if any(
                            _dependency_holds(self, slots, i, g, j, h, relation, gap, i_first)
                            for g in domain[i]
                        )
                    }
                    if relation is not Relation.BEFORE
                    else self._before_window(domain, i, j, gap, i_first)
                )
                if trail is not None and len(domain[j]) < before:
                    trail.append((j, old))
                if not domain[j]:
                    return j
                if len(domain[j]) < before and j not in queued:
                    queue.append(j)
                    queued.add(j)
        return None

    def _before_window(self, domain: list[set[int]], i: int, j: int, gap: int, i_first: bool) -> set[int]:
        """j's starts that some start of i allows under 'i before j' (or 'j before i')."""
        slots = self.data.slots
        if i_first:  # j may start once i can have ended
            earliest = min(slots[g].timeline for g in domain[i]) + self.minutes[i] + gap
            return {h for h in domain[j] if slots[h].timeline >= earliest}
        latest = max(slots[g].timeline for g in domain[i])  # j must end before i's latest start
        return {h for h in domain[j] if slots[h].timeline + self.minutes[j] + gap <= latest}

    def _choices(
        self, i: int, domain: list[set[int]], room_busy: list[int], placed: Placement
    ) -> list[tuple[int, int]]:
        """Starts of session i with a free room, best first: among the earliest few, the
        ones that strike the fewest starts from unplaced neighbours; then a few later ones."""
        scored: list[tuple[int, int, int]] = []
        for g in sorted(domain[i]):
            mask = self.masks[i][g]
            k = next((k for k in self.rooms[i] if not room_busy[k] & mask), None)
            if k is None:
                continue
            if len(scored) < LOOK_AHEAD:
                cost = sum(
                    1
                    for j in self.neighbours[i]
                    if j not in placed
                    for h in domain[j]
                    if self.masks[j][h] & mask
                )
            else:
                cost = 1 << 30  # not weighed: tried in time order after the weighed ones
            scored.append((cost, g, k))
            if len(scored) >= 2 * LOOK_AHEAD:
                break
        return [(g, k) for _, g, k in sorted(scored)]


def _dependency_holds(
    st: _Static, slots: list, i: int, g: int, j: int, h: int, relation: Relation, gap: int, i_first: bool
) -> bool:
    """Whether session j starting at h keeps its dependency with session i placed at g."""
    if relation is Relation.SAME_DAY:
        return slots[g].day == slots[h].day
    if relation is Relation.DIFFERENT_DAY:
        return slots[g].day != slots[h].day
    if relation is Relation.NOT_PARALLEL:
        return not st.masks[i][g] & st.masks[j][h]
    first, f, second, s = (i, g, j, h) if i_first else (j, h, i, g)
    end = slots[f].timeline + st.minutes[first] + gap
    if relation is Relation.BEFORE:
        return end <= slots[s].timeline
    return end == slots[s].timeline and slots[f].day == slots[s].day  # back_to_back
