"""A fast first schedule: iterative forward search, with conflict-based statistics.

CP-SAT proves and improves, but on big, dense meetings it can take long to find
any schedule at all. This builds one the way an organiser would, only faster. The
schedule it keeps breaks no rule at every step; some sessions are not in it yet:

1. **Pick** a session that is not placed: the hardest first (fewest possible starts,
   most neighbours), then, once every session has had its turn, one at random.
2. **Place** it at the start and in the room that push out the fewest placed
   sessions (those sharing a required person with it, any session beside a
   plenary, the room's other sessions, dependency partners whose rule it would
   break). Those sessions are taken out and wait for their own turn.
3. **Chain**: when only a few sessions are out, a start that pushes out one session
   which can move where it pushes out nothing is taken first.
4. **Learn**: every time placing session A at start a pushed out session B at b,
   the pair (A at a, B at b) is counted, and the count is added to that start's
   cost next time (conflict-based statistics, as in Müller's iterative forward
   search), so the search does not go round in circles; old counts fade. So is how often each
   session was pushed out lately: one often pushed out is dear to push out again.
   A plenary is dear to push out (it pushes out everything beside it on its way
   back), and a back-to-back pair moves as one.
5. **Start again** (keeping what was learnt) when no progress was made for long.

It ends when every session is placed. Every one-session rule (day window, breaks,
unavailability, capacity, features, fixed values) was applied by ``prepare``, so
only starts and rooms it left are ever tried. Who runs when is kept as bitmasks of
sessions (per session length and start: who runs then), so a start's clashes with
its neighbours are one AND, and a dependency's broken starts one bitmask of slots.
The result is checked pair by pair from scratch before it is returned: it breaks
no hard rule, or it is None. It stands as the answer when the search finds nothing
in time. (The simulated annealing over clash counts that came before it, e17398a,
found large seed 2 in 8.6 s and not seeds 0 and 1 in 20 s.)
"""

from __future__ import annotations

import bisect
import random
import time
from collections import defaultdict
from collections.abc import Callable

from planner.model import Relation
from planner.solver.prepare import Prepared

Placement = dict[int, tuple[int, int]]  # session index -> (start slot, room index)

#: What pushing out a plenary costs against one other session: it runs beside nothing, so
#: putting it back pushes out everything then (on xl seed 0, without it, the closing plenary
#: was pushed out 4,500 times in 20 s and no schedule was found).
PLENARY = 50
#: Weight of one earlier conflict (conflict-based statistics) against one pushed-out session
#: (measured on large: 0.3 and 3 took two to four times longer than 1).
LEARN = 1.0
#: What each recent time a session was pushed out adds to the cost of pushing it out again
#: (a session often pushed out is hard to put back); the counts halve every AGE times the
#: number of sessions turns.
SQUEAK = 0.03
AGE = 10
#: Start again (keeping what was learnt) when no turn has left fewer sessions out for
#: STALL times the number of sessions turns: small packed meetings get stuck in a corner
#: (alliance 7, construction seeds 0-9: 169k turns in all, 40k at worst; with it 16k, 3.3k).
STALL = 30
#: What was learnt fades: every AGE times the number of sessions turns, the old counts
#: weigh 1/FADE of what they did (by counting new ones FADE times more; rescaled when big).
#: Without it old counts pile up and the search drifts away from near-complete schedules
#: (xl 1, construction seed 7: 1 session out at 120k turns, 45 at 160k, none found in 60 s).
FADE = 1.25
#: With fewer than CLOSE sessions left out, a session first tries a short ejection chain:
#: a start that pushes out one session, which moves where it pushes out nothing (xl 3:
#: two sessions out again and again, 549k turns, 41 s; with it 79k turns, 5.7 s; it costs
#: turn time on large, where few are out most of the time: seeds 0 and 3, construction
#: seeds 6-13, 7.8 and 2.6 s in all against 6.6 and 1.4 s).
CLOSE = 3
#: Turns always made, whatever the time and stop say, so that an easy meeting's outcome
#: does not depend on timing (HEROES takes 70-900 turns, a few ms). Kept well below what a
#: packed large meeting takes (large 1, seed 1: 4,728 turns, 0.2 s), which
#: tests/test_cli.py::test_no_schedule_within_the_time_limit expects not to be found in 0.1 s.
SURE = 2_000

_SAME_DAY, _DIFFERENT_DAY, _NOT_PARALLEL, _BEFORE, _BACK_TO_BACK = range(5)
_RELATION = {
    Relation.SAME_DAY: _SAME_DAY,
    Relation.DIFFERENT_DAY: _DIFFERENT_DAY,
    Relation.NOT_PARALLEL: _NOT_PARALLEL,
    Relation.BEFORE: _BEFORE,
    Relation.BACK_TO_BACK: _BACK_TO_BACK,
}


def construct(
    data: Prepared,
    seconds: float = 3.0,
    seed: int = 0,
    rounds: int = 1000,
    stop: Callable[[], bool] = lambda: False,
) -> Placement | None:
    """Every session placed by the rules, or None when no schedule was found in time,
    within ``rounds`` times 1,000 turns, or before ``stop()`` said to give up."""
    if not data.starts:
        return {}
    if any(not s for s in data.starts) or any(not r for r in data.rooms):
        return None
    deadline = time.perf_counter() + seconds
    search = _Search(data, random.Random(seed))
    if not search.run(deadline, rounds * 1_000, stop):
        return None
    placed = {i: (search.start[i], search.room[i]) for i in range(search.n)}
    return placed if not violations(data, placed) else None


class _Search:
    """The placement (every placed session clear of every other), and what it has learnt."""

    def __init__(self, data: Prepared, rng: random.Random):
        self.rng = rng
        problem = data.problem
        n = self.n = len(data.starts)
        size = len(data.slots)
        self.length = list(data.length)
        self.minutes = [m * data.slot_minutes for m in data.length]
        self.timeline = [s.timeline for s in data.slots]
        self.day = [s.day for s in data.slots]
        self.cands = [sorted(s) for s in data.starts]
        self.rooms = [sorted(r, key=lambda k: (problem.rooms[k].capacity, k)) for r in data.rooms]
        self.closed = list(data.room_closed)

        by_person: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(problem.sessions):
            for p in problem.required_people[s.id]:
                by_person[p].append(i)
        neighbours = [0] * n
        for sessions in by_person.values():
            mask = 0
            for i in sessions:
                mask |= 1 << i
            for i in sessions:
                neighbours[i] |= mask
        plenaries = 0
        for i, s in enumerate(problem.sessions):
            if s.is_plenary:
                plenaries |= 1 << i
        everyone = (1 << n) - 1
        for i, s in enumerate(problem.sessions):
            neighbours[i] |= everyone if s.is_plenary else plenaries
            neighbours[i] &= ~(1 << i)
        #: per session: a bitmask of the sessions it may not run beside
        self.neighbours = neighbours
        self.plenaries = plenaries
        index = {s.id: i for i, s in enumerate(problem.sessions)}
        #: per session: (partner, relation, gap, whether this one is first)
        self.links: list[list[tuple[int, int, int, bool]]] = [[] for _ in range(n)]
        for dep in problem.dependencies:
            a, b = index[dep.first], index[dep.second]
            self.links[a].append((b, _RELATION[dep.relation], dep.gap, True))
            self.links[b].append((a, _RELATION[dep.relation], dep.gap, False))

        #: per session: its back-to-back partner (one pair per session), or -1, and per start
        #: of its own the partner's start that keeps them back to back (and is a candidate)
        self.twin = [-1] * n
        self.twin_start: list[dict[int, int]] = [{} for _ in range(n)]
        for dep in problem.dependencies:
            a, b = index[dep.first], index[dep.second]
            if dep.relation is Relation.BACK_TO_BACK and self.twin[a] < 0 and self.twin[b] < 0 and a != b:
                self.twin[a], self.twin[b] = b, a
                by_time = {self.timeline[g]: g for g in self.cands[b]}
                for g in self.cands[a]:
                    h = by_time.get(self.timeline[g] + self.minutes[a] + dep.gap, -1)
                    if h >= 0 and self.day[h] == self.day[g]:
                        self.twin_start[a][g] = h
                        self.twin_start[b][h] = g
        self.start = [-1] * n
        self.room = [-1] * n
        #: per session: how often it was pushed out lately (halved every AGE * n turns)
        self.pushes = [0.0] * n
        #: what one push adds to the learnt counts now (FADE grows it: older counts fade)
        self.unit = 1.0
        #: per session length m and start slot g: a bitmask of the placed sessions running in
        #: some slot of [g, g + m)
        self.window = {m: [0] * size for m in set(self.length)}
        #: per slot: the slots on its day, as a bitmask; per slot: the slots up to it
        days: dict[int, int] = defaultdict(int)
        for g, d in enumerate(self.day):
            days[d] |= 1 << g
        self.same_day = [days[d] for d in self.day]
        self.size = size
        #: per room: a bitmask of its slots closed or in use; per room and slot: who is in it
        self.busy = list(self.closed)
        self.occupant = [[-1] * size for _ in problem.rooms]
        #: per session and start: (other session, its start) -> how often placing the first
        #: there pushed out the second
        self.learnt: list[dict[int, dict[tuple[int, int], int]]] = [{} for _ in range(n)]
        self.degree = [bin(m).count("1") for m in neighbours]

    # -- the placement ---------------------------------------------------------------------

    def _lift(self, j: int) -> None:
        """Take session j out."""
        g, k, n = self.start[j], self.room[j], self.length[j]
        bit = ~(1 << j)
        for m, window in self.window.items():
            for u in range(max(0, g - m + 1), g + n):
                window[u] &= bit
        occupant = self.occupant[k]
        for u in range(g, g + n):
            occupant[u] = -1
        self.busy[k] &= ~(((1 << n) - 1) << g)
        self.start[j] = self.room[j] = -1

    def _drop(self, i: int, g: int, k: int) -> None:
        """Put session i at start g in room k (it clashes with no placed session there)."""
        n = self.length[i]
        bit = 1 << i
        for m, window in self.window.items():
            for u in range(max(0, g - m + 1), g + n):
                window[u] |= bit
        occupant = self.occupant[k]
        for u in range(g, g + n):
            occupant[u] = i
        self.busy[k] |= ((1 << n) - 1) << g
        self.start[i], self.room[i] = g, k

    def _broken(self, i: int, j: int, h: int, relation: int, gap: int, i_first: bool) -> int:
        """The starts of session i that break its dependency with j at h, as a slot bitmask."""
        every = (1 << self.size) - 1
        if relation == _SAME_DAY:
            return every & ~self.same_day[h]
        if relation == _DIFFERENT_DAY:
            return self.same_day[h]
        if relation == _NOT_PARALLEL:
            low = max(0, h - self.length[i] + 1)
            return ((1 << (h + self.length[j] - low)) - 1) << low
        tl = self.timeline
        if relation == _BEFORE:
            if i_first:  # i must end (and gap pass) by j's start
                return every & ~((1 << bisect.bisect_right(tl, tl[h] - self.minutes[i] - gap)) - 1)
            return (1 << bisect.bisect_left(tl, tl[h] + self.minutes[j] + gap)) - 1
        # back to back: one start only, on the same day
        at = tl[h] - self.minutes[i] - gap if i_first else tl[h] + self.minutes[j] + gap
        g = bisect.bisect_left(tl, at)
        if g < self.size and tl[g] == at and self.day[g] == self.day[h]:
            return every & ~(1 << g)
        return every

    def _links(self, i: int, but: int) -> list[tuple[int, int]]:
        """Session i's placed dependency partners (but one) and the starts of i that break
        the dependency with each, as a slot bitmask."""
        start = self.start
        return [
            (j, self._broken(i, j, start[j], relation, gap, first))
            for j, relation, gap, first in self.links[i]
            if start[j] >= 0 and j != but
        ]

    def _push(self, i: int, g: int, links: list[tuple[int, int]], least: float) -> tuple[int, int]:
        """Session i (out) at start g: the room it would take and the placed sessions it would
        push out, as a bitmask; room -1 when it surely costs more than ``least``."""
        n = self.length[i]
        pushed = self.window[n][g] & self.neighbours[i]
        if pushed and pushed.bit_count() > least:
            return -1, 0
        span = ((1 << n) - 1) << g
        busy = self.busy
        k = -1
        for r in self.rooms[i]:
            if not busy[r] & span:
                k = r
                break
        if k < 0:  # no free room: the room whose sessions are fewest to push out
            fewest = -1
            for r in self.rooms[i]:
                if self.closed[r] & span:
                    continue
                occupant = self.occupant[r]
                them = pushed
                for u in range(g, g + n):
                    if occupant[u] >= 0:
                        them |= 1 << occupant[u]
                count = them.bit_count()
                if fewest < 0 or count < fewest:
                    fewest, k, most = count, r, them
            if k < 0:
                return -1, 0  # every fitting room is closed then (prepare leaves no such start)
            pushed = most
        for j, bad in links:
            if bad >> g & 1:
                pushed |= 1 << j
        return k, pushed

    def _options(self, i: int, starts: list[int], twin: int) -> list[tuple[int, int, int, int]]:
        """The cheapest of session i's ``starts`` (i and its twin, if any, are out): (start,
        room, twin's room, the placed sessions it would push out, as a bitmask). The twin
        (a back-to-back partner, or -1) moves with it, to the one start that fits. The cost:
        how many it pushes out (a plenary counts PLENARY), plus how often each was pushed out
        lately, plus what was learnt of pushing them out from there before."""
        links = self._links(i, twin)
        if twin >= 0:
            at = self.twin_start[i]
            twin_links = self._links(twin, i)
        learnt = self.learnt[i]
        weight = LEARN / self.unit
        plenaries, pushes, start = self.plenaries, self.pushes, self.start
        least = float("inf")
        best: list[tuple[int, int, int, int]] = []
        n = self.length[i]
        base, window, neighbours = (1 << n) - 1, self.window[n], self.neighbours[i]
        rooms, busy = self.rooms[i], self.busy
        for g in starts:
            pushed = window[g] & neighbours  # as in _push, inline: this is the hot loop
            if pushed and pushed.bit_count() > least:
                continue
            span = base << g
            for k in rooms:
                if not busy[k] & span:
                    for j, bad in links:
                        if bad >> g & 1:
                            pushed |= 1 << j
                    break
            else:
                k, pushed = self._push(i, g, links, least)
                if k < 0:
                    continue
            q = -1
            if twin >= 0:
                if g not in at:
                    continue
                q, more = self._push(twin, at[g], twin_links, least)
                if q < 0:
                    continue
                pushed |= more
            cost: float = pushed.bit_count()
            if pushed & plenaries:
                cost += (PLENARY - 1) * (pushed & plenaries).bit_count()
            if cost > least:
                continue
            if cost:
                seen = learnt.get(g)
                x = pushed
                while x:
                    low = x & -x
                    j = low.bit_length() - 1
                    cost += SQUEAK * pushes[j]
                    if seen:
                        cost += weight * seen.get((j, start[j]), 0)
                    x ^= low
            if cost < least:
                least = cost
                best = [(g, k, q, pushed)]
            elif cost == least:
                best.append((g, k, q, pushed))
        return best

    def _chain(self, i: int) -> bool:
        """Place session i (out) where it pushes out one session only, which moves to a start
        where it pushes out nothing; False (and nothing changed) when there is no such pair."""
        links = self._links(i, -1)
        start, room = self.start, self.room
        for g in self.cands[i]:
            k, pushed = self._push(i, g, links, 1)
            if k < 0 or pushed.bit_count() != 1 or pushed & self.plenaries:
                continue
            j = pushed.bit_length() - 1
            if self.twin[j] >= 0:
                continue
            h0, r0 = start[j], room[j]
            self._lift(j)
            self._drop(i, g, k)
            theirs = self._links(j, -1)
            for h in self.cands[j]:
                if h != h0:
                    r, more = self._push(j, h, theirs, 0)
                    if r >= 0 and not more:
                        self._drop(j, h, r)
                        return True
            self._lift(i)
            self._drop(j, h0, r0)
        return False

    def _order(self) -> list[int]:
        """Every session, to be popped from the end: fewest starts first, most neighbours on ties."""
        rng = self.rng
        return sorted(range(self.n), key=lambda i: (-len(self.cands[i]), self.degree[i], rng.random()))

    def run(self, deadline: float, turns: int, stop: Callable[[], bool]) -> bool:
        """Place sessions, pushing out what they clash with, until every one is placed."""
        rng = self.rng
        learnt = self.learnt
        order = self._order()
        pool: list[int] = []  # sessions pushed out, waiting for their turn
        age = AGE * self.n
        fewest, since = self.n + 1, 0
        for turn in range(turns):
            self.turns = turn  # for the benchmark
            if turn % age == 0:
                self.pushes = [x / 2 for x in self.pushes]
                self.unit *= FADE
                if self.unit > 1e30:
                    for by_start in self.learnt:
                        for seen in by_start.values():
                            for key in seen:
                                seen[key] /= self.unit
                    self.unit = 1.0
            if STALL and not order:
                if len(pool) < fewest:
                    fewest, since = len(pool), turn
                elif turn - since > STALL * self.n:  # no progress for long: start again
                    for j in range(self.n):
                        if self.start[j] >= 0:
                            self._lift(j)
                    order = self._order()
                    pool = []
                    fewest, since = self.n + 1, turn
            if order:
                i = order.pop()
            elif pool:
                x = rng.randrange(len(pool))
                i = pool[x]
                pool[x] = pool[-1]
                pool.pop()
            else:
                return True
            if turn >= SURE and turn % 64 == 0 and (time.perf_counter() > deadline or stop()):
                return False
            twin = self.twin[i]
            if len(pool) < CLOSE and not order and twin < 0 and self._chain(i):
                continue
            if twin >= 0:  # it moves with i
                if self.start[twin] >= 0:
                    self._lift(twin)
                elif twin in pool:
                    pool.remove(twin)
                else:
                    order.remove(twin)
            cands = self.cands[i]
            options = self._options(i, cands, twin)
            if not options and twin >= 0:  # no start fits both: i alone
                pool.append(twin)
                twin = -1
                options = self._options(i, cands, twin)
            g, k, q, pushed = options[rng.randrange(len(options))]
            if pushed:
                seen = learnt[i].setdefault(g, {})
            while pushed:
                low = pushed & -pushed
                j = low.bit_length() - 1
                pushed ^= low
                key = (j, self.start[j])
                seen[key] = seen.get(key, 0) + self.unit
                self._lift(j)
                self.pushes[j] += 1
                pool.append(j)
            self._drop(i, g, k)
            if twin >= 0:
                self._drop(twin, self.twin_start[i][g], q)
        return not order and not pool


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
