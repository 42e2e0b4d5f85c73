"""Simulated annealing on a complete schedule: local moves that keep every hard rule.

CP-SAT's neighbourhood search re-solves a part of the schedule per step, and a step
costs a model copy and a search: on ITC2007 that is a few hundred steps a minute.
The competition's winners took millions of small steps instead (simulated annealing
with Kempe chains and swaps). This is that search, on the planner's own ``Prepared``
data, for any Problem whose weighted goals it can score (see ``supports``):

* **Moves** (each keeps every hard rule, or is not made): move one session to another
  start (one where none of its required people is busy) and room; swap the starts of
  two sessions; a Kempe chain between two starts (the sessions of one length at either
  start that share a required person with one another, all changing sides at once);
  give a session another room. A session's back-to-back partner moves with it. Only
  starts and rooms that ``prepare`` left are tried; the rest of the hard rules (required
  people, rooms, plenaries, dependencies) are the construction's bitmasks
  (``construct._Search``), so a move is checked by a few ANDs.
* **Scoring** is incremental: a move changes the figures of the (person, day) pairs of
  its sessions' required people, the optional attendees' clashes of its sessions,
  their rooms' empty seats, their preferences and their groups' rooms. A person's day
  is two bitmasks of the day's slots (those taken, those where a session starts), and
  its cost (late finish, sessions in a row beyond the limit, a single session, idle
  time: the free slots between the first and the last taken that touch no break and no
  time the person is away) is computed once per pair of masks (and mask of time away)
  and remembered. A one-session move is scored before
  anything changes, so a refused one costs no undoing.
* **Acceptance**: a worse schedule is taken with probability exp(-worse / T); T falls
  geometrically with the time (or the moves) spent, from T0 (set by a sample of moves)
  to END times the smallest weight; with CYCLES > 1 it rises again for each cycle, from
  the best schedule.

``anneal_many`` runs several searches at once, one per process and seed, and keeps the
best. The figures are those of ``planner.checker`` (the same definitions, per required
person and day; optional attendees' clashes pair by pair), counted again from scratch
at the end; the tests hold them to the checker's.
"""

from __future__ import annotations

import math
import multiprocessing
import queue as queues
import random
import sys
import time
import types
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from planner.model import Problem, overlaps
from planner.rules import SoftGoal
from planner.solver.construct import Placement, _Search, construct
from planner.solver.prepare import Prepared, preference_missed

#: Goals the annealer scores; a problem weighting any other goal above 0 is not for it.
#: (``change`` is only scored against a previous schedule, with which it is not used.)
SUPPORTED = frozenset(
    {
        SoftGoal.LATE_FINISH.value,
        SoftGoal.IN_A_ROW.value,
        SoftGoal.SINGLE_DAY.value,
        SoftGoal.OPTIONAL_CLASH.value,
        SoftGoal.ROOM_FIT.value,
        SoftGoal.PREFERENCE.value,
        SoftGoal.GROUP_ROOM.value,
        SoftGoal.IDLE_GAP.value,
    }
)

#: Share of the moves of each kind: (move, swap, Kempe chain, room). Kempe chains are
#: the ITC2007 winners' key move (a chain of one is a move); plain moves draw only starts
#: where none of the session's people is busy. Measured at 20 s on ITC2007 #1, 3, 5, 7, 12,
#: 13, 15, 16 (seed 0): (0.4, 0.2, 0.35, 0.05): 1,316, 456, 38, 18, 715, 344, 356, 228;
#: (0.3, 0, 0.65, 0.05): 1,255, 257, 71, 5, 591, 266, 317, 174; (0.6, 0.05, 0.3, 0.05)
#: and (0.8, 0, 0.15, 0.05) worse on most, (0.15, 0, 0.8, 0.05) and (0.3, 0, 0.7, 0) mixed.
#: A random swap keeps every hard rule one time in 80 (ITC2007 #5); a chain of two is one
#: that does. Most chains drawn fail (a session of the chain may not start at the other
#: slot), but a draw that fails costs a few microseconds.
MIX = (0.30, 0.0, 0.65, 0.05)
#: Experiment switches, both on: plain moves draw among the starts where none of the
#: session's people is busy (off: among all its starts); a one-session move is judged
#: before anything changes (off: the general way, changing and undoing). Together, at 20 s
#: on the eight instances above: #5 453 to 38, #7 210 to 18, #13 540 to 344.
TARGETED = True
FAST = True
#: A Kempe chain is given up when it grows beyond this many sessions (a big chain
#: changes many people's days at once, and costs as much as many small moves; on ITC2007
#: chains stay below 20).
CHAIN = 40
#: Cycles: T falls from T0 to T0 * COOL within a cycle, then the next cycle starts from
#: the best schedule at T0 * REHEAT of the previous T0. T0: the mean worsening of a sample
#: of random moves, times T_SCALE. Measured on ITC2007 #7 (from the spared start, 888) and
#: #1 (2,839), 20 s, seed 0: 4 cycles, COOL 1e-3, T_SCALE 0.5: 397 and 2,243; one cycle:
#: 389 and 2,203; one cycle, COOL 1e-2, T_SCALE 1: 92 and 2,076; T_SCALE 2: 7 and 1,930
#: (seeds 1 and 2: 161, 224 and 2,081, 1,870); T_SCALE 4: 342 and 1,704; T_SCALE 8: 29
#: and 1,766; COOL 1e-1: 18 and 1,935. The spread between seeds is as wide as between
#: settings; a warm end (T about 0.5 to 3 on ITC) matters most.
COOL = 1e-2
REHEAT = 0.7
#: ... unless END is set: then T ends at END times the smallest positive weight, whatever
#: T0 is (T0 * COOL ended at 0.13 on ITC2007 #1, 0.64 on #7). Measured at 20 s, seeds 0
#: and 1: END 0.3: #1 1,677 and 1,687, #7 6 and 179; END 0.6: #1 1,817, #7 94; END 0.15:
#: #1 1,557, #7 179; COOL alone (seed 0, after the same speed-ups): #1 1,929, #7 117.
END: float | None = 0.3
CYCLES = 1
T_SCALE = 2.0
#: Moves sampled to set T0.
SAMPLE = 300
#: Depth of the room chains that make way for a session (1: the session in the room moves
#: to a free one; 2: or to one whose session moves to a free one).
AUGMENT = 2
#: Time and stop are looked at every this many moves.
CHECK_EVERY = 256
#: Progress is reported at most this often (seconds) while improving.
REPORT_EVERY = 0.5


def supports(problem: Problem) -> bool:
    """Whether the annealer scores every goal the problem weights above 0 (and the
    sessions fill whole slots, which its bitmasks assume)."""
    weight = problem.event.weight
    for goal in SoftGoal:
        if goal is SoftGoal.CHANGE or goal.value in SUPPORTED:
            continue
        if weight(goal.value) > 0:
            return False
    step = problem.event.slot_minutes
    return all(s.duration % step == 0 for s in problem.sessions)


def anneal(
    data: Prepared,
    start: Placement,
    deadline: float,
    seed: int = 0,
    stop: Callable[[], bool] = lambda: False,
    iterations: int | None = None,
    on_better: Callable[[int], None] = lambda _: None,
) -> tuple[Placement, int, dict[str, int]] | None:
    """The best schedule found from ``start`` (which must keep every hard rule) by the
    deadline (time.perf_counter()), within ``iterations`` moves if given, or until
    ``stop()``: (placement, weighted objective, figure per supported goal). None when
    nothing better than ``start`` was found. ``on_better`` hears each new best objective
    (at most every REPORT_EVERY seconds, and the last one)."""
    if not start:
        return None
    state = _State(data, start, random.Random(seed))
    return state.run(deadline, stop, iterations, on_better)


def anneal_many(
    data: Prepared,
    start: Placement,
    deadline: float,
    seed: int = 0,
    stop: Callable[[], bool] = lambda: False,
    iterations: int | None = None,
    on_better: Callable[[int], None] = lambda _: None,
    annealers: int = 1,
) -> tuple[Placement, int, dict[str, int]] | None:
    """``anneal`` by ``annealers`` searches at once, each in its own process (Python runs
    one thread at a time) with seeds seed, seed + 1, ...; the best schedule of them all,
    or None when none bettered ``start``. The first search runs here; ``on_better`` hears
    each new best of any of them. Runs of one instance differ more between seeds than
    between settings (ITC2007 #7 at 20 s: 6, 179 and 117), so the best of two is worth the
    second core. With ``iterations``, each search makes that many moves: the result is
    then the same on every run."""
    if annealers <= 1 or multiprocessing.current_process().daemon:  # a daemon has no children
        return anneal(data, start, deadline, seed, stop, iterations, on_better)
    ctx = multiprocessing.get_context("spawn")  # no fork: the caller may run threads
    # a wall-clock deadline: each process counts its own time from it
    wall = time.time() + (deadline - time.perf_counter())
    others: list[multiprocessing.process.BaseProcess] = []
    try:
        halt = ctx.Event()
        inbox = ctx.Queue()
        for w in range(1, annealers):
            process = ctx.Process(
                target=_anneal_elsewhere,
                args=(data, start, wall, seed + w, halt, inbox, iterations),
                name=f"anneal-{w}",
                daemon=True,
            )
            with _callers_script_kept_out():
                process.start()
            others.append(process)
    except OSError:  # no processes here (no /dev/shm, a process limit): one search
        for process in others:
            process.terminate()
        return anneal(data, start, deadline, seed, stop, iterations, on_better)
    best = [math.inf]
    results: list[tuple[Placement, int, dict[str, int]] | None] = []

    def hear(value: int) -> None:
        if value < best[0]:
            best[0] = value
            on_better(value)

    def read(wait: float = 0.0) -> bool:
        """Take in what the other searches said; whether anything came."""
        try:
            kind, value = inbox.get(timeout=wait) if wait else inbox.get_nowait()
        except queues.Empty:
            return False
        if kind == "better":
            hear(value)
        else:
            results.append(value)
        return True

    def stopping() -> bool:
        while read():
            pass
        if stop():
            halt.set()
            return True
        return False

    try:
        results.append(anneal(data, start, deadline, seed, stopping, iterations, hear))
        if stop():
            halt.set()
        # the others end by the same deadline (or move count); a process that died says
        # nothing, so each is waited for until it has answered or is gone
        while len(results) < annealers:
            if not read(0.5) and not any(p.is_alive() for p in others):
                while read():
                    pass
                break
    finally:
        halt.set()
        for process in others:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
    found = [r for r in results if r is not None]
    return min(found, key=lambda r: r[1]) if found else None


@contextmanager
def _callers_script_kept_out() -> Iterator[None]:
    """While a search's process starts: a spawned child first runs the caller's main
    script again (Python's "safe importing of main module"), unless it is guarded by
    ``if __name__ == "__main__"``. A caller's script that solves at its top level would
    then solve again in each child, and the parent, writing the search's data to a child
    that is busy with that, would wait for it far past the time limit (seen: a 60 s solve
    of 600 people still running after 4 minutes). The searches need nothing of the
    caller's script, so the child is told of none: a bare ``__main__`` while it starts."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is None:
            del sys.modules["__main__"]
        else:
            sys.modules["__main__"] = main


def _anneal_elsewhere(
    data: Prepared,
    start: Placement,
    wall: float,
    seed: int,
    halt: object,
    outbox: object,
    iterations: int | None,
) -> None:
    """One of ``anneal_many``'s searches, in a process of its own: it says "better" with
    each new best objective and "done" with its result."""
    deadline = time.perf_counter() + (wall - time.time())
    found = anneal(
        data,
        start,
        deadline,
        seed,
        halt.is_set,  # type: ignore[attr-defined]
        iterations,
        lambda value: outbox.put(("better", value)),  # type: ignore[attr-defined]
    )
    outbox.put(("done", found))  # type: ignore[attr-defined]


def spared(
    data: Prepared, seconds: float, seed: int = 0, stop: Callable[[], bool] = lambda: False
) -> Placement | None:
    """A first schedule with no session of required people in a day's last slot, when
    late_finish is weighted and the construction finds one within ``seconds``; else None.

    The annealer keeps every hard rule, so on a packed meeting it can hardly empty the
    last slots once they are filled; starting from a schedule that never filled them is
    worth a short try (ITC2007 #7: first schedule 1,812 against 888; on #1 and #9, packed
    to the last room, none was found in 10 s)."""
    if data.problem.event.weight(SoftGoal.LATE_FINISH.value) <= 0:
        return None
    last = {
        g
        for g in range(len(data.slots))
        if g + 1 == len(data.slots) or data.slots[g + 1].day != data.slots[g].day
    }
    required = data.problem.required_people
    starts = []
    for i, s in enumerate(data.problem.sessions):
        if not required[s.id]:
            starts.append(data.starts[i])
            continue
        kept = [g for g in data.starts[i] if g + data.length[i] - 1 not in last]
        if not kept:
            return None
        starts.append(kept)
    return construct(replace(data, starts=starts), seconds=seconds, seed=seed, rounds=1000, stop=stop)


class _State:
    """The schedule, the hard-rule bitmasks and the soft figures' pieces."""

    def __init__(self, data: Prepared, start: Placement, rng: random.Random):
        problem = data.problem
        self.data = data
        self.rng = rng
        n = self.n = len(data.starts)
        w = problem.event.weight
        self.w_late = w(SoftGoal.LATE_FINISH.value)
        self.w_row = w(SoftGoal.IN_A_ROW.value)
        self.w_single = w(SoftGoal.SINGLE_DAY.value)
        self.w_opt = w(SoftGoal.OPTIONAL_CLASH.value)
        self.w_fit = w(SoftGoal.ROOM_FIT.value)
        self.w_pref = w(SoftGoal.PREFERENCE.value)
        self.w_group = w(SoftGoal.GROUP_ROOM.value)
        self.w_idle = w(SoftGoal.IDLE_GAP.value)
        self.limit = problem.event.max_in_a_row

        # hard rules: the construction's bitmasks, with every session placed
        self.hard = hard = _Search(data, rng)
        for i, (g, k) in start.items():
            hard._drop(i, g, k)
        self.start, self.room = hard.start, hard.room
        self.length = data.length
        self.minutes = hard.minutes
        self.timeline = hard.timeline
        self.starts = [list(s) for s in data.starts]
        self.start_set = [set(s) for s in data.starts]
        self.rooms = hard.rooms
        self.twin, self.twin_start = hard.twin, hard.twin_start
        self.links = hard.links
        self.neighbours = hard.neighbours

        # days: per slot its day and its place in the day; per day its length in slots
        self.day = [s.day for s in data.slots]
        first: dict[int, int] = {}
        for g, d in enumerate(self.day):
            first.setdefault(d, g)
        self.pos = [g - first[d] for g, d in enumerate(self.day)]
        self.days = max(self.day, default=-1) + 1
        lengths: dict[int, int] = defaultdict(int)
        for d in self.day:
            lengths[d] += 1
        self.day_len = [lengths[d] for d in range(self.days)]
        #: a person's day as one key: the slots taken, then the starts shifted past them
        self.shift = max(self.day_len, default=0)

        # people's days: required people of each session, as indices
        people: dict[str, int] = {}
        self.req: list[list[int]] = []
        for s in problem.sessions:
            self.req.append(
                [people.setdefault(p, len(people)) for p in sorted(problem.required_people[s.id])]
            )
        self.people = len(people)
        #: per session: its required people's first index in the per (person, day) lists
        self.req_x = [[p * self.days for p in req] for req in self.req]
        self.per_day = self.w_late or self.w_row or self.w_single or self.w_idle
        D = self.days
        # idle time is not counted in a slot that touches a break or time the person is away:
        # per day, the slots touching a break; per (person, day), those they are away, which
        # is part of the memo's key (most people are never away: 0)
        self.breaking = [0] * D
        for g, slot in enumerate(data.slots):
            if any(overlaps(b.start, b.end, slot.start, slot.end) for b in problem.breaks_on(slot.date)):
                self.breaking[slot.day] |= 1 << self.pos[g]
        self.absent = [0] * (self.people * D)
        if self.w_idle:
            for pid, p in people.items():
                if pid in problem.unavailable:
                    for g, slot in enumerate(data.slots):
                        if problem.is_unavailable(pid, slot.date, slot.start, slot.end):
                            self.absent[p * D + slot.day] |= 1 << self.pos[g]
        self.akey = [a << 2 * self.shift for a in self.absent]
        self.occ = [0] * (self.people * D)  # per person and day: the slots taken
        self.beg = [0] * (self.people * D)  # per person and day: the slots where a session starts
        self.memo: list[dict[int, int]] = [{} for _ in range(D)]  # per day: key -> weighted cost
        self.pd_cost = [0] * (self.people * D)

        # optional attendees' clashes: per session, (other session, how many people clash
        # when they overlap); and per session and start, optional attendees away then
        self.partners: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        if self.w_opt:
            want = [problem.required_people[s.id] | problem.optional_people[s.id] for s in problem.sessions]
            req = [problem.required_people[s.id] for s in problem.sessions]
            by_person: dict[str, list[int]] = defaultdict(list)
            for i, wanted in enumerate(want):
                for p in wanted:
                    by_person[p].append(i)
            pairs: set[tuple[int, int]] = set()
            for sessions in by_person.values():
                for a, i in enumerate(sessions):
                    for j in sessions[a + 1 :]:
                        pairs.add((i, j) if i < j else (j, i))
            for i, j in sorted(pairs):
                c = len((want[i] & want[j]) - (req[i] & req[j]))
                if c:
                    self.partners[i].append((j, c))
                    self.partners[j].append((i, c))
        self.away = data.away_optional

        # one-session costs: per session and start (preference), per session and room (seats)
        self.start_cost: list[dict[int, int]] = [{} for _ in range(n)]
        self.room_cost: list[dict[int, int]] = [{} for _ in range(n)]
        for i, s in enumerate(problem.sessions):
            att = problem.attendance(s.id)
            for k in data.rooms[i]:
                self.room_cost[i][k] = max(0, problem.rooms[k].capacity - att)
            for g in data.starts[i]:
                self.start_cost[i][g] = preference_missed(s, data.slots[g])
        self.rooms_matter = bool(self.w_fit or self.w_group)

        # groups' rooms: per session its groups; per group, room -> its meetings there
        index = {s.id: i for i, s in enumerate(problem.sessions)}
        self.groups: list[list[int]] = [[] for _ in range(n)]
        meetings = sorted(problem.group_meetings.items())
        for gi, (_, ids) in enumerate(meetings):
            for sid in ids:
                self.groups[index[sid]].append(gi)
        self.group_rooms: list[dict[int, int]] = [{} for _ in meetings]
        self.fit_total = 0  # empty seats, all sessions
        self.group_total = 0  # the groups' rooms beyond the first, all groups
        self.relocated: list[tuple[int, int]] = []  # rooms changed to make way: (session, old room)

        for i in range(n):
            self._add(i, self.start[i], self.room[i])
        for x in range(self.people * D):
            self.pd_cost[x] = self._pd(x, self.occ[x], self.beg[x])
        self.value = self._weighted(self.figures())
        self.last_delta = 0

    # -- scoring -------------------------------------------------------------------------

    def _pd(self, x: int, occ: int, beg: int) -> int:
        """The weighted cost of person-day ``x``: slots taken ``occ``, starts ``beg``."""
        d = x % self.days
        key = occ | beg << self.shift | self.akey[x]
        memo = self.memo[d]
        cost = memo.get(key)
        if cost is None:
            late, row, single, idle = self._day_figures(d, occ, beg, self.absent[x])
            cost = memo[key] = (
                self.w_late * late + self.w_row * row + self.w_single * single + self.w_idle * idle
            )
        return cost

    def _day_figures(self, d: int, occ: int, beg: int, absent: int) -> tuple[int, int, int, int]:
        """(late finish, sessions in a row beyond the limit, single day, idle minutes) of a
        person's day, as the checker counts them: a run is sessions each starting where the
        one before ends, i.e. a block of taken slots; its sessions are the starts in it. Idle:
        the free slots between the first taken one and the last (a person's sessions never
        overlap) that touch no break and no time they are away (``absent``)."""
        if not beg:
            return 0, 0, 0, 0
        late = occ >> (self.day_len[d] - 1) & 1
        single = int(beg.bit_count() == 1)
        row = 0
        rest = occ
        while rest:
            low = rest & -rest
            block = rest & ~(rest + low)  # the lowest run of taken slots
            count = (beg & block).bit_count()
            if count > self.limit:
                row += count - self.limit
            rest &= ~block
        span = (1 << occ.bit_length()) - (occ & -occ)  # from the first taken slot to the last
        idle = (span & ~occ & ~self.breaking[d] & ~absent).bit_count() * self.data.slot_minutes
        return late, row, single, idle

    def _add(self, i: int, g: int, k: int) -> None:
        """Count session i at (g, k) in the people's days and the groups' rooms."""
        d, p0 = self.day[g], self.pos[g]
        span = ((1 << self.length[i]) - 1) << p0
        bit = 1 << p0
        occ, beg = self.occ, self.beg
        for x in self.req_x[i]:
            x += d
            occ[x] |= span
            beg[x] |= bit
        self._house(i, -1, k)

    def _remove(self, i: int, g: int, k: int) -> None:
        d, p0 = self.day[g], self.pos[g]
        span = ~(((1 << self.length[i]) - 1) << p0)
        bit = ~(1 << p0)
        occ, beg = self.occ, self.beg
        for x in self.req_x[i]:
            x += d
            occ[x] &= span
            beg[x] &= bit
        self._house(i, k, -1)

    def _house(self, i: int, old: int, new: int) -> None:
        """Session i leaves room ``old`` for room ``new`` (-1: none) in the running totals of
        empty seats and of the groups' extra rooms."""
        cost = self.room_cost[i]
        if old >= 0:
            self.fit_total -= cost[old]
        if new >= 0:
            self.fit_total += cost[new]
        for gi in self.groups[i]:
            rooms = self.group_rooms[gi]
            if old >= 0:
                rooms[old] -= 1
                if not rooms[old]:
                    del rooms[old]
                    if rooms:
                        self.group_total -= 1
            if new >= 0:
                if new not in rooms and rooms:
                    self.group_total += 1
                rooms[new] = rooms.get(new, 0) + 1

    def _local(self, moved: list[int]) -> int:
        """The weighted figures that depend on the sessions ``moved`` where they are now:
        their optional clashes (a pair of two moved sessions once) and starts; and the rooms'
        (empty seats, groups' extra rooms), which are running totals."""
        start, tl, minutes = self.start, self.timeline, self.minutes
        total = 0
        if self.w_opt:
            clash = 0
            for i in moved:
                g = start[i]
                a, b = tl[g], tl[g] + minutes[i]
                for j, c in self.partners[i]:
                    if j < i and j in moved:
                        continue
                    h = start[j]
                    if tl[h] < b and a < tl[h] + minutes[j]:
                        clash += c
                clash += self.away[i].get(g, 0)
            total += self.w_opt * clash
        if self.w_pref:
            total += self.w_pref * sum(self.start_cost[i][start[i]] for i in moved)
        return total + self.w_fit * self.fit_total + self.w_group * self.group_total

    def figures(self) -> dict[str, int]:
        """Every supported figure, counted from scratch from the schedule."""
        n, D = self.n, self.days
        late = row = single = idle = 0
        for x in range(self.people * D):
            a, b, c, e = self._day_figures(x % D, self.occ[x], self.beg[x], self.absent[x])
            late, row, single, idle = late + a, row + b, single + c, idle + e
        start, tl, minutes = self.start, self.timeline, self.minutes
        clash = 0
        for i in range(n):
            g = start[i]
            for j, c in self.partners[i]:
                h = start[j]
                if j > i and tl[h] < tl[g] + minutes[i] and tl[g] < tl[h] + minutes[j]:
                    clash += c
            clash += self.away[i].get(g, 0)
        groups = sum(max(0, len(r) - 1) for r in self.group_rooms)
        out = {
            SoftGoal.LATE_FINISH.value: late,
            SoftGoal.IN_A_ROW.value: row,
            SoftGoal.SINGLE_DAY.value: single,
            SoftGoal.ROOM_FIT.value: sum(self.room_cost[i][self.room[i]] for i in range(n)),
            SoftGoal.PREFERENCE.value: sum(self.start_cost[i][start[i]] for i in range(n)),
            SoftGoal.GROUP_ROOM.value: groups,
        }
        if self.w_opt:  # pairs are only listed when the goal is weighted
            out[SoftGoal.OPTIONAL_CLASH.value] = clash
        if self.w_idle:  # time away is only read when the goal is weighted
            out[SoftGoal.IDLE_GAP.value] = idle
        return out

    def _weighted(self, figures: dict[str, int]) -> int:
        w = self.data.problem.event.weight
        return sum(w(goal) * value for goal, value in figures.items())

    # -- moves -----------------------------------------------------------------------------

    def _free_room(self, i: int, g: int, first: tuple[int, ...] = ()) -> int:
        """A room for session i at start g that is free (the others lifted are out), or -1:
        one of ``first`` if free, else the cheapest free one (by empty seats and, when the
        rooms do not matter, smallest first, as ``_Search.rooms`` lists them)."""
        span = ((1 << self.length[i]) - 1) << g
        busy = self.hard.busy
        rooms = self.rooms[i]
        for k in first:
            if k >= 0 and not busy[k] & span and k in self.room_cost[i]:
                return k
        if self.rooms_matter:
            best, cost = -1, 0
            for k in rooms:
                if not busy[k] & span:
                    c = self.room_cost[i][k]
                    if best < 0 or c < cost:
                        best, cost = k, c
            return best
        for k in rooms:
            if not busy[k] & span:
                return k
        return -1

    def _fits(self, i: int, g: int) -> bool:
        """Whether session i (lifted) may start at g beside the sessions placed now:
        no shared required person, no plenary, every dependency with a placed partner."""
        hard = self.hard
        if hard.window[self.length[i]][g] & self.neighbours[i]:
            return False
        start = self.start
        for j, relation, gap, first in self.links[i]:
            h = start[j]
            if h >= 0 and hard._broken(i, j, h, relation, gap, first) >> g & 1:
                return False
        return True

    def _try(self, plan: list[tuple[int, int, tuple[int, ...]]], temperature: float) -> int | None:
        """Make the move ``plan`` ((session, new start, rooms to try first)) if it keeps
        every hard rule and the annealing accepts it; the change in the objective, or None."""
        if len(plan) == 1 and FAST:
            i, g, _ = plan[0]
            g0, m = self.start[i], self.length[i]
            if self.twin[i] < 0 and (g0 + m <= g or g + m <= g0):
                return self._try_move(i, g, temperature)
        return self._try_general(plan, temperature)

    def _try_general(self, plan: list[tuple[int, int, tuple[int, ...]]], temperature: float) -> int | None:
        """Make the move ``plan`` ((session, new start, rooms to try first)) if it keeps
        every hard rule and the annealing accepts it; the change in the objective, or None."""
        hard = self.hard
        start, room = self.start, self.room
        # first, without changing anything, what surely fails: most draws do
        mask = 0
        for i, _, _ in plan:
            mask |= 1 << i
        window, neighbours, length, start_set = hard.window, self.neighbours, self.length, self.start_set
        for i, g, _ in plan:
            if g not in start_set[i] or window[length[i]][g] & neighbours[i] & ~mask:
                return None
        moved = [i for i, _, _ in plan]
        old = [(start[i], room[i]) for i in moved]
        before = self._local(moved)
        for i in moved:
            hard._lift(i)
        placed = 0
        ok = True
        for i, g, first in plan:
            if not self._fits(i, g):
                ok = False
                break
            k = self._free_room(i, g, first)
            if k < 0:
                k = self._make_way(i, g, mask, AUGMENT, set())
                if k < 0:
                    ok = False
                    break
            hard._drop(i, g, k)
            placed += 1
        if not ok:
            for i in moved[:placed]:
                hard._lift(i)
            self._undo_relocations()
            for i, (g, k) in zip(moved, old, strict=True):
                hard._drop(i, g, k)
            return None
        delta = 0
        # people's days: the pairs touched, before and after
        if self.per_day:
            day, req_x = self.day, self.req_x
            touched = set()
            for i, (g, _) in zip(moved, old, strict=True):
                d0, d1 = day[g], day[start[i]]
                touched.update([x + d0 for x in req_x[i]])
                if d1 != d0:
                    touched.update([x + d1 for x in req_x[i]])
            pd_cost = self.pd_cost
            delta -= sum([pd_cost[x] for x in touched])
        for i, (g, k) in zip(moved, old, strict=True):
            self._remove(i, g, k)
        for i in moved:
            self._add(i, start[i], room[i])
        delta += self._local(moved) - before
        if self.per_day:
            occ, beg, pd, memo, D, shift = self.occ, self.beg, self._pd, self.memo, self.days, self.shift
            akey = self.akey
            after = {}
            for x in touched:  # _pd inline: the memo's key, then the memo
                o, b = occ[x], beg[x]
                c = memo[x % D].get(o | b << shift | akey[x])
                after[x] = pd(x, o, b) if c is None else c
            delta += sum(after.values())
        self.last_delta = delta
        if delta <= 0 or self.rng.random() < math.exp(-delta / temperature):
            if self.per_day:
                for x, c in after.items():
                    pd_cost[x] = c
            self.value += delta
            self.relocated.clear()
            return delta
        for i in moved:
            self._remove(i, start[i], room[i])
            hard._lift(i)
        self._undo_relocations()
        for i, (g, k) in zip(moved, old, strict=True):
            hard._drop(i, g, k)
            self._add(i, g, k)
        return None

    def _try_move(self, i: int, g: int, temperature: float) -> int | None:
        """``_try`` for one session (no twin) to a start g clear of its old span: the hard
        rules and the change in the objective are worked out before anything changes, so a
        move the annealing refuses (most, once it is cool) costs no undoing. A move that
        needs another session's room goes the long way (``_try``)."""
        hard, start, room = self.hard, self.start, self.room
        m = self.length[i]
        # g is clear of i's own span, so i need not be lifted for the hard rules
        if g not in self.start_set[i] or not self._fits(i, g):
            return None
        g0, k0 = start[i], room[i]
        k = self._free_room(i, g, (k0,))
        if k < 0:
            return self._try_general([(i, g, (k0,))], temperature)
        delta = 0
        if self.per_day:
            occ, beg, pd_cost, shift, pos = self.occ, self.beg, self.pd_cost, self.shift, self.pos
            base = (1 << m) - 1
            d0, d1 = self.day[g0], self.day[g]
            s1, b1 = base << pos[g], 1 << pos[g]
            keep, keep_b = ~(base << pos[g0]), ~(1 << pos[g0])  # i's old span and start out
            memo0, memo1, pd, akey = self.memo[d0], self.memo[d1], self._pd, self.akey
            if d0 == d1:
                for x in self.req_x[i]:
                    x += d0
                    o, b = occ[x] & keep | s1, beg[x] & keep_b | b1
                    c = memo0.get(o | b << shift | akey[x])
                    delta += (pd(x, o, b) if c is None else c) - pd_cost[x]
            else:
                for x in self.req_x[i]:
                    x0, x1 = x + d0, x + d1
                    o, b = occ[x0] & keep, beg[x0] & keep_b
                    c = memo0.get(o | b << shift | akey[x0])
                    delta += (pd(x0, o, b) if c is None else c) - pd_cost[x0]
                    o, b = occ[x1] | s1, beg[x1] | b1
                    c = memo1.get(o | b << shift | akey[x1])
                    delta += (pd(x1, o, b) if c is None else c) - pd_cost[x1]
        if self.w_opt:
            tl, minutes = self.timeline, self.minutes
            a0, a1 = tl[g0], tl[g]
            e0, e1 = a0 + minutes[i], a1 + minutes[i]
            clash = self.away[i].get(g, 0) - self.away[i].get(g0, 0)
            for j, c in self.partners[i]:
                h = start[j]
                b, e = tl[h], tl[h] + minutes[j]
                if b < e1 and a1 < e:
                    clash += c
                if b < e0 and a0 < e:
                    clash -= c
            delta += self.w_opt * clash
        if self.w_pref:
            cost = self.start_cost[i]
            delta += self.w_pref * (cost[g] - cost[g0])
        if k != k0:
            cost = self.room_cost[i]
            delta += self.w_fit * (cost[k] - cost[k0])
            if self.w_group:
                for gi in self.groups[i]:
                    rooms = self.group_rooms[gi]
                    delta += self.w_group * ((k not in rooms) - (rooms[k0] == 1))
        self.last_delta = delta
        if delta > 0 and self.rng.random() >= math.exp(-delta / temperature):
            return None
        self._remove(i, g0, k0)
        hard._lift(i)
        hard._drop(i, g, k)
        self._add(i, g, k)
        if self.per_day:
            occ, beg, pd_cost, pd = self.occ, self.beg, self.pd_cost, self._pd
            for x in self.req_x[i]:
                for y in {x + d0, x + d1}:
                    pd_cost[y] = pd(y, occ[y], beg[y])
        self.value += delta
        return delta

    def _make_way(self, i: int, g: int, moving: int, depth: int, seen: set[int]) -> int:
        """A room for session i at start g, made free by moving the one session in it then
        to another room at the same time (itself made free so, ``depth`` deep), or -1. Only
        sessions not in the move (``moving``, a bitmask) are moved; each is recorded in
        ``relocated`` so the move can be undone."""
        hard = self.hard
        n = self.length[i]
        span = ((1 << n) - 1) << g
        closed, start = hard.closed, self.start
        for k in self.rooms[i]:
            if k in seen or closed[k] & span:
                continue
            occupant = hard.occupant[k]
            q = occupant[g]
            if q < 0 or moving >> q & 1 or any(occupant[u] != q for u in range(g + 1, g + n)):
                continue
            h = start[q]
            seen.add(k)
            k2 = self._free_room(q, h)
            if k2 < 0 and depth > 1:
                k2 = self._make_way(q, h, moving, depth - 1, seen)
            if k2 < 0:
                continue
            hard._lift(q)
            hard._drop(q, h, k2)
            self._house(q, k, k2)
            self.relocated.append((q, k))
            return k
        return -1

    def _undo_relocations(self) -> None:
        hard = self.hard
        for q, k in reversed(self.relocated):
            h, k2 = self.start[q], self.room[q]
            hard._lift(q)
            hard._drop(q, h, k)
            self._house(q, k2, k)
        self.relocated.clear()

    def _plan(self) -> list[tuple[int, int, tuple[int, ...]]] | None:
        """A random move, as a plan for ``_try``; None when the draw gives nothing to try."""
        random = self.rng.random  # int(random() * n), not randrange: a third of the time was in it
        n = self.n
        i = int(random() * n)
        start, room = self.start, self.room
        r = random()
        if r < MIX[0]:  # move one session (with its back-to-back partner)
            if self.twin[i] < 0 and TARGETED:
                # a start where none of its required people is busy: drawn from all starts,
                # 9 in 10 would be (ITC2007 #5)
                g0, nb, window = start[i], self.neighbours[i], self.hard.window[self.length[i]]
                open_ = [g for g in self.starts[i] if g != g0 and not window[g] & nb]
                if not open_:
                    return None
                return [(i, open_[int(random() * len(open_))], (room[i],))]
            starts = self.starts[i]
            g = starts[int(random() * len(starts))]
            if g == start[i]:
                return None
            plan = [(i, g, (room[i],))]
            twin = self.twin[i]
            if twin >= 0:
                h = self.twin_start[i].get(g, -1)
                if h < 0:
                    return None
                plan.append((twin, h, (room[twin],)))
            return plan
        r -= MIX[0]
        if self.twin[i] >= 0:
            return None
        if r < MIX[1]:  # swap two sessions' starts
            j = int(random() * n)
            if j == i or start[j] == start[i] or self.twin[j] >= 0:
                return None
            return [(i, start[j], (room[j], room[i])), (j, start[i], (room[i], room[j]))]
        r -= MIX[1]
        if r < MIX[2]:
            return self._kempe(i)
        rooms = self.rooms[i]
        k = rooms[int(random() * len(rooms))]  # another room, same start
        if k == room[i]:
            return None
        return [(i, start[i], (k,))]

    def _kempe(self, i: int) -> list[tuple[int, int, tuple[int, ...]]] | None:
        """The Kempe chain of session i between its start and another: the sessions of its
        length starting at either that share a required person (or a plenary) with one in
        the chain on the other side; None if it grows too big or meets one of another shape."""
        t1 = self.start[i]
        starts = self.starts[i]
        t2 = starts[int(self.rng.random() * len(starts))]
        if t2 == t1:
            return None
        m = self.length[i]
        window = self.hard.window[m]
        start, length, neighbours, twin = self.start, self.length, self.neighbours, self.twin
        start_set = self.start_set
        side = {i: t1}
        todo = [i]
        while todo:
            j = todo.pop()
            here = side[j]
            other = t2 if here == t1 else t1
            clash = window[other] & neighbours[j]
            while clash:
                low = clash & -clash
                q = low.bit_length() - 1
                clash ^= low
                if q in side:
                    continue
                # most chains fail here (ITC2007: 9 in 10), so before they grow further
                if start[q] != other or length[q] != m or twin[q] >= 0 or here not in start_set[q]:
                    return None
                side[q] = other
                todo.append(q)
                if len(side) > CHAIN:
                    return None
        room = self.room
        plan = [(j, t2 if t == t1 else t1, (room[j],)) for j, t in side.items()]
        plan.sort(key=lambda p: len(self.rooms[p[0]]))  # the most constrained takes a room first
        return plan

    # -- the search ------------------------------------------------------------------------

    def _t0(self) -> float:
        """The starting temperature: T_SCALE times the mean worsening of sampled moves."""
        worse: list[int] = []
        for _ in range(SAMPLE * 4):
            plan = self._plan()
            if plan is None:
                continue
            self.last_delta = 0
            self._try(plan, 1e-9)  # takes only moves that do not worsen
            if self.last_delta > 0:
                worse.append(self.last_delta)
            if len(worse) >= SAMPLE:
                break
        return T_SCALE * (sum(worse) / len(worse)) if worse else 1.0

    def run(
        self,
        deadline: float,
        stop: Callable[[], bool],
        iterations: int | None,
        on_better: Callable[[int], None],
    ) -> tuple[Placement, int, dict[str, int]] | None:
        started = time.perf_counter()
        initial = self.value
        best = self.value
        best_start, best_room = list(self.start), list(self.room)
        t0 = self._t0()
        cool = COOL
        if END is not None:  # end at END times the smallest weight, whatever T0 is
            w = self.data.problem.event.weight
            unit = min((w(goal) for goal in SUPPORTED if w(goal) > 0), default=1)
            cool = min(1.0, END * unit / t0)
        if self.value < best:  # the sample's improving moves
            best = self.value
            best_start, best_room = list(self.start), list(self.room)
        span = deadline - started
        it = 0
        reported, last_report = initial, started  # the sample's gains are news too
        cycle = 0
        cycle_started, cycle_it = started, 0
        cycles = CYCLES
        per_cycle_time = span / cycles if iterations is None else 0.0
        per_cycle_it = (iterations // cycles + 1) if iterations is not None else 0
        temperature = t0
        while True:
            if iterations is not None and it >= iterations:
                break
            if it % CHECK_EVERY == 0:
                now = time.perf_counter()
                if now >= deadline or stop():
                    break
                if best < reported and now - last_report >= REPORT_EVERY:
                    on_better(best)
                    reported, last_report = best, now
            if iterations is not None:
                progress = (it - cycle_it) / per_cycle_it
            elif it % 64 == 0:
                progress = (time.perf_counter() - cycle_started) / per_cycle_time
            if progress >= 1.0:  # next cycle: from the best, a little cooler
                cycle += 1
                cycle_started, cycle_it = time.perf_counter(), it
                t0 *= REHEAT
                progress = 0.0
                self._reset(best_start, best_room, best)
            temperature = t0 * (cool**progress)
            it += 1
            plan = self._plan()
            if plan is None:
                continue
            delta = self._try(plan, temperature)
            if delta is not None and self.value < best:
                best = self.value
                best_start, best_room = list(self.start), list(self.room)
        self._reset(best_start, best_room, best)
        self.iterations = it
        figures = self.figures()
        value = self._weighted(figures)
        if value != best:
            raise AssertionError(f"annealer's running objective {best} is not its recount {value}")
        if best >= initial:
            return None
        if best < reported:
            on_better(best)
        return {i: (self.start[i], self.room[i]) for i in range(self.n)}, best, figures

    def _reset(self, starts: list[int], rooms: list[int], value: int) -> None:
        """Put the schedule back to ``starts``/``rooms`` (the best so far)."""
        hard = self.hard
        for i in range(self.n):
            if self.start[i] != starts[i] or self.room[i] != rooms[i]:
                self._remove(i, self.start[i], self.room[i])
                hard._lift(i)
        for i in range(self.n):
            if self.start[i] < 0:
                hard._drop(i, starts[i], rooms[i])
                self._add(i, starts[i], rooms[i])
        for x in range(self.people * self.days):
            self.pd_cost[x] = self._pd(x, self.occ[x], self.beg[x])
        self.value = value
