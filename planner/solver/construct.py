"""A fast first schedule: a greedy placement, then simulated annealing repairs its clashes.

CP-SAT proves and improves, but on big, dense meetings it can take long to find
any schedule at all. This builds one the way an organiser would, only faster:

1. **Place**: the session with the fewest possible start times goes first, at the
   start and in the room that clash least with what is already placed (the
   smallest such room). Clashes are allowed here; they are counted.
2. **Repair**: a session still in a clash (a shared required person, a plenary,
   a room, a dependency) is offered a random other start with a free room; the
   move is taken when it adds no clashes, and now and then when it adds a few
   (simulated annealing: the less it adds and the hotter, the likelier), so the
   repair leaves dead ends. The temperature falls slowly and starts again.

Counting is incremental: per session and start slot, how many clashes it would
have there with every other session where it is now (sessions that share a
required person with it, any session for a plenary, broken dependencies), so a
proposal is weighed in one look-up and a move updates its neighbours' rows. Every
one-session rule (day window, breaks, unavailability, capacity, features, fixed
values) was applied by ``prepare``, so only starts and rooms it left are ever
tried. The result is checked pair by pair from scratch before it is returned: it
breaks no hard rule, or it is None. It stands as the answer when the search finds
nothing in time. (Measured on the generated ``large`` meeting, a tabu search
over the best single move, with and without clash weights that rise where it is
stuck, settled at 13-20 clashes where this reaches none.)
"""

from __future__ import annotations

import functools
import math
import operator
import random
import time
from collections import defaultdict
from collections.abc import Callable

import numpy as np

from planner.model import Relation
from planner.solver.prepare import Prepared

Placement = dict[int, tuple[int, int]]  # session index -> (start slot, room index)

#: Weight of a broken dependency against one clash of two sessions.
DEPENDENCY_WEIGHT = 2
#: A cost no move takes: a start where every fitting room is closed.
CLOSED = 1 << 20
#: Annealing: the temperature falls from T_START by COOL every REFRESH proposals to
#: T_END, then starts again; FOCUS is the share of proposals that move a session in a clash.
T_START = 0.5
T_END = 0.1
COOL = 0.9995
REFRESH = 50
FOCUS = 0.9
#: Proposals always made, whatever the time and stop say, so that an easy meeting's outcome
#: does not depend on timing (a fraction of a second).
SURE = 100_000


def construct(
    data: Prepared,
    seconds: float = 3.0,
    seed: int = 0,
    rounds: int = 1000,
    stop: Callable[[], bool] = lambda: False,
) -> Placement | None:
    """Every session placed by the rules, or None when no schedule was found in time,
    within ``rounds`` times 10,000 proposals, or before ``stop()`` said to give up."""
    if not data.starts:
        return {}
    if any(not s for s in data.starts) or any(not r for r in data.rooms):
        return None
    deadline = time.perf_counter() + seconds
    search = _Search(data, random.Random(seed))
    search.place()
    if not search.anneal(deadline, rounds * 10_000, stop):
        return None
    placed = {i: (int(search.start[i]), int(search.room[i])) for i in range(search.n)}
    return placed if not violations(data, placed) else None


class _Search:
    """The placement, and every session's clashes at every start, kept up to date."""

    def __init__(self, data: Prepared, rng: random.Random):
        self.data = data
        self.rng = rng
        problem = data.problem
        n = self.n = len(data.starts)
        slots = data.slots
        size = len(slots)
        self.every = np.arange(size, dtype=np.int64)
        self.length = np.array(data.length, dtype=np.int64)
        self.minutes = [data.length[i] * data.slot_minutes for i in range(n)]
        self.timeline = np.array([s.timeline for s in slots], dtype=np.int64)
        self.day = np.array([s.day for s in slots], dtype=np.int64)
        self.cands = [np.array(sorted(s), dtype=np.int64) for s in data.starts]
        self.rooms = [
            np.array(sorted(r, key=lambda k: (problem.rooms[k].capacity, k)), dtype=np.int64)
            for r in data.rooms
        ]
        # a room closed in some slot of a start costs CLOSED there
        closed = np.zeros((len(problem.rooms), size + 1), dtype=np.int64)
        for k, ranges in enumerate(data.room_blocked):
            for a, b in ranges:
                closed[k, a + 1 : b + 1] = 1
        closed = np.cumsum(closed, axis=1)
        self.room_shut = [
            np.where(closed[r][:, c + self.length[i]] - closed[r][:, c] > 0, CLOSED, 0)
            for i, (r, c) in enumerate(zip(self.rooms, self.cands, strict=True))
        ]

        by_person: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(problem.sessions):
            for p in problem.required_people[s.id]:
                by_person[p].append(i)
        neighbours: list[set[int]] = [set() for _ in range(n)]
        for sessions in by_person.values():
            for i in sessions:
                neighbours[i].update(sessions)
        plenaries = self.plenaries = [i for i, s in enumerate(problem.sessions) if s.is_plenary]
        self.is_plenary = np.array([s.is_plenary for s in problem.sessions], dtype=bool)
        for i, s in enumerate(problem.sessions):
            neighbours[i].update(range(n) if s.is_plenary else plenaries)
            neighbours[i].discard(i)
        self.neighbours = [np.array(sorted(x), dtype=np.int64) for x in neighbours]
        #: per session: its neighbours grouped by their length (a clash is a band of their starts)
        self.by_length: list[list[tuple[int, np.ndarray]]] = []
        for nb in self.neighbours:
            lengths = self.length[nb]
            self.by_length.append([(int(m), nb[lengths == m]) for m in np.unique(lengths)])
        index = {s.id: i for i, s in enumerate(problem.sessions)}
        #: per session: (partner, relation, gap, whether this one is first)
        self.links: list[list[tuple[int, Relation, int, bool]]] = [[] for _ in range(n)]
        for dep in problem.dependencies:
            a, b = index[dep.first], index[dep.second]
            self.links[a].append((b, dep.relation, dep.gap, True))
            self.links[b].append((a, dep.relation, dep.gap, False))

        #: per session and start slot: weighted clashes with the placed sessions if it started
        #: there (rooms aside); CLOSED where it may not start
        self.cost = np.full((n, size), CLOSED, dtype=np.int64)
        for i, c in enumerate(self.cands):
            self.cost[i, c] = 0
        #: per room and slot: how many sessions in it start / end there
        self.room_starting = np.zeros((len(problem.rooms), size + 1), dtype=np.int32)
        self.room_ending = np.zeros((len(problem.rooms), size + 1), dtype=np.int32)
        self.in_room: list[set[int]] = [set() for _ in problem.rooms]
        self.room_clash = np.zeros(n, dtype=np.int64)
        self.start = np.full(n, -1, dtype=np.int64)
        self.room = np.full(n, -1, dtype=np.int64)

    # -- the counts ------------------------------------------------------------------------

    def _shift(self, j: int, g: int, sign: int) -> None:
        """Add (sign 1) or take away (-1) session j started at g in its neighbours' and
        dependency partners' clash rows."""
        span = self.length[j]
        for m, rows in self.by_length[j]:
            self.cost[rows, max(0, g - m + 1) : g + span] += sign
        for i, relation, gap, j_first in self.links[j]:
            broken = self._broken(i, self.every, j, g, relation, gap, not j_first)
            self.cost[i] += (sign * DEPENDENCY_WEIGHT) * broken

    def _rooming(self, i: int, k: int, sign: int) -> None:
        """Add or take away session i's room clashes in room k."""
        g = self.start[i]
        e = g + self.length[i]
        for j in self.in_room[k]:
            if j != i and self.start[j] < e and self.start[j] + self.length[j] > g:
                self.room_clash[j] += sign
                self.room_clash[i] += sign
        self.room_starting[k, g] += sign
        self.room_ending[k, e] += sign
        if sign > 0:
            self.in_room[k].add(i)
        else:
            self.in_room[k].discard(i)

    def _lift(self, i: int) -> int:
        """Take session i out; returns the clashes it had."""
        had = int(self.cost[i, self.start[i]] + self.room_clash[i])
        self._shift(i, int(self.start[i]), -1)
        self._rooming(i, int(self.room[i]), -1)
        return had

    def _drop(self, i: int, g: int, k: int) -> None:
        """Put session i at start g in room k."""
        self.start[i], self.room[i] = g, k
        self._shift(i, g, 1)
        self._rooming(i, k, 1)

    def _costs(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Session i's weighted clashes at each candidate start (in its best room there), and
        that room's position in ``self.rooms[i]``; session i must be out."""
        c, n = self.cands[i], self.length[i]
        r = self.rooms[i]
        rs = np.cumsum(self.room_starting[r], axis=1)
        re = np.cumsum(self.room_ending[r], axis=1)
        # sessions in the room running in [g, g+n): start <= g+n-1, end >= g+1
        inside = rs[:, c + n - 1] - re[:, c] + self.room_shut[i]
        best = np.argmin(inside, axis=0)
        return self.cost[i, c] + inside[best, np.arange(len(c))], best

    def _broken(
        self, i: int, c: np.ndarray, j: int, h: int, relation: Relation, gap: int, i_first: bool
    ) -> np.ndarray:
        """Whether the dependency between session i (at each start in c) and j (at h) is broken."""
        day, tl = self.day, self.timeline
        if relation is Relation.SAME_DAY:
            return day[c] != day[h]
        if relation is Relation.DIFFERENT_DAY:
            return day[c] == day[h]
        if relation is Relation.NOT_PARALLEL:
            return (c < h + self.length[j]) & (c + self.length[i] > h)
        if i_first:
            end = tl[c] + self.minutes[i] + gap
            if relation is Relation.BEFORE:
                return end > tl[h]
            return (end != tl[h]) | (day[c] != day[h])  # back to back
        end = tl[h] + self.minutes[j] + gap
        if relation is Relation.BEFORE:
            return end > tl[c]
        return (end != tl[c]) | (day[c] != day[h])

    # -- the phases ------------------------------------------------------------------------

    def place(self) -> None:
        """Every session at its least clashing start, fewest starts first (most neighbours on ties)."""
        order = sorted(
            range(self.n), key=lambda i: (len(self.cands[i]), -len(self.neighbours[i]), self.rng.random())
        )
        for i in order:
            cost, best = self._costs(i)
            at = int(np.argmin(cost))  # the earliest of the least clashing starts
            self._drop(i, int(self.cands[i][at]), int(self.rooms[i][best[at]]))

    def anneal(self, deadline: float, moves: int, stop: Callable[[], bool]) -> bool:
        """Simulated annealing over single moves to a free room: propose a session in clashes
        (or any, now and then) at a random start; take it if it adds no clashes, or with
        probability exp(-added / temperature)."""
        rng = self.rng
        cost = self.cost
        n = self.n
        every = np.arange(n)
        busy = [self._busy(k) for k in range(len(self.in_room))]
        cands = [c.tolist() for c in self.cands]
        rooms = [r.tolist() for r in self.rooms]
        shut = self.data.room_closed
        temp = T_START
        clashing: list[int] = []
        refresh = checks = 0
        for it in range(moves):
            if refresh <= 0:
                now = cost[every, self.start] + self.room_clash
                clashing = np.flatnonzero(now).tolist()
                if not clashing:
                    return True
                refresh = REFRESH
                temp = temp * COOL if temp > T_END else T_START  # cool, then heat again
                checks += 1
                if it >= SURE and checks % 8 == 0 and (time.perf_counter() > deadline or stop()):
                    return False
            refresh -= 1
            i = clashing[rng.randrange(len(clashing))] if rng.random() < FOCUS else rng.randrange(n)
            if self.is_plenary[i] and rng.random() < 0.99:
                continue
            g_old = int(self.start[i])
            c = cands[i]
            g = c[rng.randrange(len(c))]
            if g == g_old:
                continue
            k_old = int(self.room[i])
            mask = ((1 << int(self.length[i])) - 1) << g
            mine = ((1 << int(self.length[i])) - 1) << g_old
            k = -1
            for r in rooms[i]:
                b = busy[r] & ~mine if r == k_old else busy[r]
                if not (b | shut[r]) & mask:
                    k = r
                    break
            if k < 0:
                continue  # no free room there
            added = int(cost[i, g]) - int(cost[i, g_old]) - int(self.room_clash[i])
            if added > 0 and rng.random() >= math.exp(-added / temp):
                continue
            self._lift(i)
            self._drop(i, g, k)
            busy[k_old] = self._busy(k_old)
            busy[k] |= mask
        return not (cost[every, self.start] + self.room_clash).any()

    def _busy(self, k: int) -> int:
        """Room k's slots in use, as a bitmask."""
        spans = (((1 << int(self.length[j])) - 1) << int(self.start[j]) for j in self.in_room[k])
        return functools.reduce(operator.or_, spans, 0)


def violations(data: Prepared, placed: Placement) -> list[tuple[str, int, int]]:
    """Every hard rule that a placement breaks, computed from scratch pair by pair (the
    one-session rules were applied by ``prepare``): (rule, session, session)."""
    problem = data.problem
    n = len(data.starts)
    slots = data.slots
    out: list[tuple[str, int, int]] = []
    if set(placed) != set(range(n)):
        return [("unplaced", i, i) for i in range(n) if i not in placed]
    span = {i: (g, g + data.length[i]) for i, (g, _) in placed.items()}
    for i, (g, k) in placed.items():
        if g not in data.starts[i] or k not in data.rooms[i]:
            out.append(("not a candidate", i, i))
        if data.room_closed[k] & (((1 << data.length[i]) - 1) << g):
            out.append(("room closed", i, i))

    def overlap(i: int, j: int) -> bool:
        return span[i][0] < span[j][1] and span[j][0] < span[i][1]

    by_person: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(problem.sessions):
        for p in problem.required_people[s.id]:
            by_person[p].append(i)
    for sessions in by_person.values():
        out += [("person", i, j) for a, i in enumerate(sessions) for j in sessions[a + 1 :] if overlap(i, j)]
    by_room: dict[int, list[int]] = defaultdict(list)
    for i, (_, k) in placed.items():
        by_room[k].append(i)
    for sessions in by_room.values():
        out += [("room", i, j) for a, i in enumerate(sessions) for j in sessions[a + 1 :] if overlap(i, j)]
    for i, s in enumerate(problem.sessions):
        if s.is_plenary:
            out += [("plenary", i, j) for j in range(n) if j != i and overlap(i, j)]
    index = {s.id: i for i, s in enumerate(problem.sessions)}
    for dep in problem.dependencies:
        a, b = index[dep.first], index[dep.second]
        sa, sb = slots[placed[a][0]], slots[placed[b][0]]
        end = sa.timeline + data.length[a] * data.slot_minutes + dep.gap
        ok = {
            Relation.BEFORE: end <= sb.timeline,
            Relation.SAME_DAY: sa.day == sb.day,
            Relation.DIFFERENT_DAY: sa.day != sb.day,
            Relation.NOT_PARALLEL: not overlap(a, b),
            Relation.BACK_TO_BACK: end == sb.timeline and sa.day == sb.day,
        }[dep.relation]
        if not ok:
            out.append((dep.relation.value, a, b))
    return out
