"""The CP-SAT model: variables, one method per constraint family, the objective.

Time is a fixed grid of slots, so (as the CP-SAT primer advises) each session
gets one Boolean per candidate start rather than a free integer start; the
integer start is derived from them for intervals and dependencies. Rooms get
one Boolean per candidate room, tied to the time by optional intervals in a
per-room no-overlap. People's clashes are one no-overlap per maximal set of
sessions sharing a required person (a clique), not one constraint per pair;
a plenary is one cumulative over all sessions. Small meetings whose full model
has the whole time get the same rules per slot on the Booleans instead
(ModelConfig.time_indexed): a pure SAT model, on which the proof is faster.
Redundant families (per-slot cliques, room supply, clash cuts) can be switched
on in ModelConfig; they are off by default because measurements showed they
slow the first schedule. One dominance rule (left-justified starts) cuts
copies of a schedule shifted by a slot, where the goals make such copies no
better (see ModelConfig).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations

from ortools.sat.python import cp_model

from planner.model import Assignment, Kind, Problem, Relation, Schedule, Span, overlaps
from planner.rules import SoftGoal
from planner.solver.prepare import Prepared, Slot, preference_missed


def required_sessions(problem: Problem) -> dict[str, set[int]]:
    """Per person: the indices of the sessions they are required in."""
    index = {s.id: i for i, s in enumerate(problem.sessions)}
    out: dict[str, set[int]] = defaultdict(set)
    for sid, people in problem.required_people.items():
        for p in people:
            out[p].add(index[sid])
    return out


def time_change(slot: Slot, was: Assignment) -> int:
    """Points of goal change for starting in ``slot`` a session that ``was`` elsewhere:
    0 at the same time, 2 at another time that day, 3 on another day."""
    if (slot.date, slot.start) == (was.date, was.start):
        return 0
    return 2 if slot.date == was.date else 3


#: Goals that no start of a session can make worse by moving it one slot earlier, other
#: than through what ``Constraints.left_justified`` looks at (the start's own cost, and a
#: session that ends where it would then begin). The people's-days goals are not: a
#: session moved earlier may join a row, leave a gap, change a person's day.
SHIFT_SAFE = frozenset(
    {
        SoftGoal.OPTIONAL_CLASH.value,
        SoftGoal.ROOM_FIT.value,
        SoftGoal.PREFERENCE.value,
        SoftGoal.GROUP_ROOM.value,
        SoftGoal.CHANGE.value,
    }
)


def shift_safe(problem: Problem) -> bool:
    """Whether every weighted goal is in SHIFT_SAFE (left-justified starts keep an optimum)."""
    return all(problem.event.weight(g.value) <= 0 for g in SoftGoal if g.value not in SHIFT_SAFE)


class Variables:
    """Decision variables: x[i][g] start at slot g, y[i][k] in room k, and derived terms."""

    def __init__(self, m: cp_model.CpModel, data: Prepared, starts: bool = True):
        """``starts``: make each session's integer start and interval with its Booleans (the
        model's variables in the order they always had); else only when first used."""
        self.m = m
        self.data = data
        n = len(data.starts)
        self.x: list[dict[int, cp_model.IntVar]] = []
        self.y: list[dict[int, cp_model.IntVar]] = []
        self._start: list[cp_model.IntVar] = []
        self._interval: list[cp_model.IntervalVar] = []
        self._timeline: dict[int, cp_model.IntVar] = {}
        self._day: dict[int, cp_model.IntVar] = {}
        for i in range(n):
            sid = data.problem.sessions[i].id
            xs = {g: m.new_bool_var(f"x[{sid},{g}]") for g in data.starts[i]}
            m.add_exactly_one(xs.values())
            self.x.append(xs)
            ys = {k: m.new_bool_var(f"y[{sid},{k}]") for k in data.rooms[i]}
            m.add_exactly_one(ys.values())
            self.y.append(ys)
            if starts:
                self._make_start(i)
        self.covering = [data.covering(i) for i in range(n)]

    @property
    def start(self) -> list[cp_model.IntVar]:
        """Per session: its start slot as an integer (made on first use: a time-indexed model,
        ModelConfig.time_indexed, has none)."""
        self._make_starts()
        return self._start

    @property
    def interval(self) -> list[cp_model.IntervalVar]:
        """Per session: the interval it runs in, over ``start``."""
        self._make_starts()
        return self._interval

    def _make_starts(self) -> None:
        for i in range(len(self._start), len(self.x)):
            self._make_start(i)

    def _make_start(self, i: int) -> None:
        m, data, xs = self.m, self.data, self.x[i]
        sid = data.problem.sessions[i].id
        start = m.new_int_var_from_domain(cp_model.Domain.from_values(data.starts[i]), f"start[{sid}]")
        m.add(start == sum(g * v for g, v in xs.items()))
        self._start.append(start)
        self._interval.append(m.new_fixed_size_interval_var(start, data.length[i], f"run[{sid}]"))

    def running(self, i: int, u: int) -> list[cp_model.IntVar]:
        """The start literals of session i that make it run in slot u (at most one is true)."""
        return [self.x[i][g] for g in self.covering[i].get(u, ())]

    def timeline(self, i: int) -> cp_model.IntVar:
        """Session i's start in wall-clock minutes since the first day's midnight."""
        if i not in self._timeline:
            slots = self.data.slots
            values = {g: slots[g].timeline for g in self.x[i]}
            var = self.m.new_int_var_from_domain(
                cp_model.Domain.from_values(sorted(set(values.values()))), f"t[{i}]"
            )
            self.m.add(var == sum(t * self.x[i][g] for g, t in values.items()))
            self._timeline[i] = var
        return self._timeline[i]

    def day(self, i: int) -> cp_model.IntVar:
        """Index of session i's day."""
        if i not in self._day:
            slots = self.data.slots
            values = {g: slots[g].day for g in self.x[i]}
            var = self.m.new_int_var_from_domain(
                cp_model.Domain.from_values(sorted(set(values.values()))), f"d[{i}]"
            )
            self.m.add(var == sum(d * self.x[i][g] for g, d in values.items()))
            self._day[i] = var
        return self._day[i]

    def hint(self, schedule: Schedule) -> None:
        """Seed the search with a schedule (e.g. the previous one); unknown parts are ignored."""
        data = self.data
        slot_of = {(s.date, s.start): g for g, s in enumerate(data.slots)}
        room_of = {r.id: k for k, r in enumerate(data.problem.rooms)}
        for i, sess in enumerate(data.problem.sessions):
            a = schedule.by_session.get(sess.id)
            if a is None:
                continue
            g = slot_of.get((a.date, a.start))
            if g in self.x[i]:
                for h, v in self.x[i].items():
                    self.m.add_hint(v, h == g)
            k = room_of.get(a.room_id)
            if k in self.y[i]:
                for h, v in self.y[i].items():
                    self.m.add_hint(v, h == k)


@dataclass(frozen=True)
class ModelConfig:
    """Formulation choices, kept switchable so the benchmarks can measure each.

    The redundant families are off by default: measured on the example and on
    generated meetings of 120 and 600 people, each slowed the first schedule
    (600 people: 3.7 s with none, 19 s with all) and none closed the gap."""

    person_time_indexed: bool = False  # redundant at-most-one per slot and people clique
    room_supply: bool = False  # redundant per-slot room counting
    clash_cuts: bool = False  # redundant per-slot lower bounds on optional clashes
    #: dominance: left-justified starts (Constraints.left_justified); only ever where
    #: ``shift_safe``. None: ``solve`` decides (planner.solver._config), build() leaves it out.
    left_justified: bool | None = None
    #: how an optional attendee's clash between two sessions is tied to their starts: False,
    #: one literal each for "a ends before b starts" and "b before a" (few constraints);
    #: True, a clause per pair of overlapping starts (more of them, but each start taken
    #: rules out the other's overlapping starts at once; see Objective._clash_literals).
    #: None: ``solve`` decides (planner.solver._config), build() takes False.
    clash_clauses: bool | None = None
    #: the rules between sessions (rooms, people, plenaries, dependencies) stated per slot
    #: on the start and room Booleans, as at-most-ones and clauses, instead of intervals on
    #: integer starts (no_overlap, cumulative, linear inequalities): the model is then pure
    #: SAT, which the core-based search that proves the bound runs much faster on (see
    #: Constraints). None: ``solve`` decides (planner.solver._config), build() takes False.
    time_indexed: bool | None = None


DEFAULT_CONFIG = ModelConfig()


class Constraints:
    """The hard rules that involve more than one session (one-session rules were pruned)."""

    def __init__(
        self,
        m: cp_model.CpModel,
        data: Prepared,
        v: Variables,
        config: ModelConfig = DEFAULT_CONFIG,
        previous: Schedule | None = None,
    ):
        self.m, self.data, self.v, self.config = m, data, v, config
        self.previous = previous  # a re-plan's schedule: its starts cost no change
        #: the rules per slot (ModelConfig.time_indexed) unless that model would pass
        #: TIME_INDEXED_MAX (time_indexed_size): then on intervals, all four families alike
        self.time_indexed = bool(config.time_indexed) and time_indexed_size(data) <= TIME_INDEXED_MAX

    def add_all(self) -> None:
        self.room_no_overlap()
        self.person_no_overlap()
        self.plenary_exclusive()
        self.dependencies()
        if self.config.room_supply:
            self.room_supply()
        if self.config.left_justified and shift_safe(self.data.problem):
            self.left_justified()

    def room_no_overlap(self) -> None:
        """Rule room_no_overlap (and room_available): a room holds one session at a time
        and none while it is closed."""
        if self.time_indexed:
            self._room_slots()
            return
        data, v, m = self.data, self.v, self.m
        per_room: dict[int, list[cp_model.IntervalVar]] = defaultdict(list)
        for i, ys in enumerate(v.y):
            for k, lit in ys.items():
                if len(ys) == 1:
                    per_room[k].append(v.interval[i])
                else:
                    per_room[k].append(
                        m.new_optional_fixed_size_interval_var(
                            v.start[i], data.length[i], lit, f"in[{i},{k}]"
                        )
                    )
        for k, closed in enumerate(data.room_blocked):
            for a, b in closed:
                if per_room.get(k):
                    per_room[k].append(m.new_fixed_size_interval_var(a, b - a, f"closed[{k},{a}]"))
        for intervals in per_room.values():
            if len(intervals) > 1:
                m.add_no_overlap(intervals)

    def person_no_overlap(self) -> None:
        """Rule person_no_overlap: each maximal set of sessions that share a required person
        has at most one session running at a time."""
        for clique in self._people_cliques():
            if not self.time_indexed:
                self.m.add_no_overlap([self.v.interval[i] for i in clique])
            if self.config.person_time_indexed or self.time_indexed:
                self._at_most_one_running(clique)

    def plenary_exclusive(self) -> None:
        """Rule plenary_exclusive: no session overlaps a plenary.

        One cumulative over every session: a plenary takes all R rooms' worth of
        capacity, any other session one, so nothing runs beside a plenary (and, as a
        bonus, no more than R sessions run at once)."""
        data, v = self.data, self.v
        if not any(s.is_plenary for s in data.problem.sessions):
            return
        if self.time_indexed:
            self._plenary_slots()
            return
        rooms = len(data.problem.rooms)
        demands = [rooms if s.is_plenary else 1 for s in data.problem.sessions]
        self.m.add_cumulative(v.interval, demands, rooms)

    def dependencies(self) -> None:
        """Rules dependency_*: each dependency between two sessions holds."""
        if self.time_indexed:
            self._dependency_clauses()
            return
        data, v, m = self.data, self.v, self.m
        index = {s.id: i for i, s in enumerate(data.problem.sessions)}
        step = data.slot_minutes
        for dep in data.problem.dependencies:
            a, b = index[dep.first], index[dep.second]
            dur_a = data.length[a] * step
            if dep.relation is Relation.BEFORE:
                m.add(v.timeline(a) + dur_a + dep.gap <= v.timeline(b))
            elif dep.relation is Relation.SAME_DAY:
                m.add(v.day(a) == v.day(b))
            elif dep.relation is Relation.DIFFERENT_DAY:
                m.add(v.day(a) != v.day(b))
            elif dep.relation is Relation.NOT_PARALLEL:
                m.add_no_overlap([v.interval[a], v.interval[b]])
            elif dep.relation is Relation.BACK_TO_BACK:
                m.add(v.day(a) == v.day(b))
                m.add(v.timeline(a) + dur_a + dep.gap == v.timeline(b))

    # The time-indexed forms (ModelConfig.time_indexed) of the rules above: the same rules,
    # stated on the Booleans alone. Measured with the proof portfolio on the example (2
    # cores, seeds 0-3): its optimum proven in 6.3-7.0 s, against 11.7-12.6 s with the
    # intervals; the people's rule alone per slot 9.4-10.8 s, and with the rooms' too
    # 8.7-9.8 s (seeds 0-7), with the plenaries' too 7.5-8.9 s.

    def _room_slots(self) -> None:
        """room_no_overlap per slot: in each slot a room holds at most one session, and none
        while it is closed. A session with a choice of rooms gets a literal per (room, slot)
        that its room and a start covering the slot imply."""
        data, v, m = self.data, self.v, self.m
        held: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)  # (room, slot)
        for i, ys in enumerate(v.y):
            for k, in_k in ys.items():
                closed = data.room_closed[k]
                for u in v.covering[i]:
                    running = v.running(i, u)
                    if closed >> u & 1:
                        for x in running:
                            m.add_bool_or([~in_k, ~x])
                    elif len(ys) == 1:
                        held[(k, u)].extend(running)
                    else:
                        there = m.new_bool_var(f"in[{i},{k},{u}]")
                        for x in running:
                            m.add_bool_or([~in_k, ~x, there])
                        held[(k, u)].append(there)
        for lits in held.values():
            if len(lits) > 1:
                m.add_at_most_one(lits)

    def _plenary_slots(self) -> None:
        """plenary_exclusive per slot: a literal per slot that a plenary may cover, which any
        start of a plenary covering it implies; then that literal or one other session."""
        data, v, m = self.data, self.v, self.m
        sessions = data.problem.sessions
        plenaries = [i for i, s in enumerate(sessions) if s.is_plenary]
        others = [j for j, s in enumerate(sessions) if not s.is_plenary]
        slots = sorted({u for i in plenaries for u in v.covering[i]})
        for u in slots:
            starts = [x for i in plenaries for x in v.running(i, u)]
            m.add_at_most_one(starts)  # two plenaries do not overlap either
            plenary = m.new_bool_var(f"plenary[{u}]")
            for x in starts:
                m.add_implication(x, plenary)
            for j in others:
                running = v.running(j, u)
                if running:
                    m.add_at_most_one([plenary, *running])

    def _dependency_clauses(self) -> None:
        """dependency_* on the starts: per start of one session, the starts of the other
        it allows (a clause), or the pairs it forbids (at-most-ones)."""
        data, v, m = self.data, self.v, self.m
        index = {s.id: i for i, s in enumerate(data.problem.sessions)}
        step, slots = data.slot_minutes, data.slots
        for dep in data.problem.dependencies:
            a, b = index[dep.first], index[dep.second]
            xa, xb = v.x[a], v.x[b]
            end_a = data.length[a] * step + dep.gap  # minutes from a's start to b's earliest
            if dep.relation is Relation.BEFORE:
                for h, x in xb.items():
                    ok = [y for g, y in xa.items() if slots[g].timeline + end_a <= slots[h].timeline]
                    m.add_bool_or([~x, *ok])
            elif dep.relation is Relation.SAME_DAY:
                for one, other in ((xa, xb), (xb, xa)):
                    for g, x in one.items():
                        m.add_bool_or([~x, *[y for h, y in other.items() if slots[h].day == slots[g].day]])
            elif dep.relation is Relation.DIFFERENT_DAY:
                for day in {slots[g].day for g in xa} & {slots[h].day for h in xb}:
                    m.add_at_most_one([x for g, x in (*xa.items(), *xb.items()) if slots[g].day == day])
            elif dep.relation is Relation.NOT_PARALLEL:
                for u in set(v.covering[a]) & set(v.covering[b]):
                    m.add_at_most_one([*v.running(a, u), *v.running(b, u)])
            elif dep.relation is Relation.BACK_TO_BACK:
                for one, other, sign in ((xa, xb, 1), (xb, xa, -1)):
                    for g, x in one.items():
                        then = [
                            y
                            for h, y in other.items()
                            if slots[h].day == slots[g].day
                            and slots[h].timeline - slots[g].timeline == sign * end_a
                        ]
                        m.add_bool_or([~x, *then])

    def room_supply(self) -> None:
        """Redundant: in every slot, the sessions that can only use a set of rooms number at
        most the rooms of that set that are open (tightens the bound, prunes early)."""
        data, v = self.data, self.v
        families = sorted({frozenset(r) for r in data.rooms if r}, key=len)
        closed = data.room_closed
        for fam in families:
            members = [i for i, r in enumerate(data.rooms) if r and set(r) <= fam]
            if len(members) <= len(fam) and not any(closed[k] for k in fam):
                continue
            for u in range(len(data.slots)):
                lits = [lit for i in members for lit in v.running(i, u)]
                open_rooms = sum(1 for k in fam if not closed[k] >> u & 1)
                if len(lits) > open_rooms:
                    self.m.add(sum(lits) <= open_rooms)

    def left_justified(self) -> None:
        """Dominance, not a rule of the meeting: a session starts one slot later than it
        could only for a reason. Session i may start at g, when it could also start at
        g - 1 (the same day), only if starting at g - 1 would cost more (optional attendees
        away, a preference, a change from the previous schedule), or one of its possible
        rooms is closed in slot g - 1, or a session that ends at g shares a person, a
        possible room, a plenary or a not_parallel with it, or a session it must follow
        would then end too late for the gap. Back-to-back sessions are left free.

        Why it keeps an optimum: take any schedule and move a session that breaks this
        one slot earlier. Its one new slot, g - 1, touches only sessions that end at g, and
        none of those shares anything with it; so no rule breaks and no goal of SHIFT_SAFE
        gets worse. Repeat: each move lowers a start, so it ends, in a schedule that keeps
        this and costs no more. What is cut is the copies of a schedule shifted by a slot or
        two. Measured at 30 s on 2 cores: the example 1,147 on five seeds of six (0-5) and
        1,151 on one; without, seeds 2-5 gave 1,247, 1,147, 1,147 and 1,205. A generated
        alliance (seed 0) proven optimal in 12 s against 27 s; seeds 1 and 2: 1,443 and
        1,035 against 1,458 and 1,061. The example's 1,147 proven optimal in 166 s, 224 s
        without (seed 0). Not kept: a session ending at g in the same room (rather than one
        that could use the room) as the only room reason: 170 s to the proof, and worse at
        30 s (1,197 on two seeds of four). Forced on with the neighbourhood search, on 600
        people: 8,888 against 6,441 at 60 s."""
        data, v, m = self.data, self.v, self.m
        problem = data.problem
        sessions = problem.sessions
        index = {s.id: i for i, s in enumerate(sessions)}
        free: set[int] = set()  # back-to-back sessions: moving one alone breaks the pair
        follows: dict[int, list[tuple[int, int]]] = defaultdict(list)  # i -> (j before i, gap)
        apart: set[frozenset[int]] = set()
        for dep in problem.dependencies:
            a, b = index[dep.first], index[dep.second]
            if dep.relation is Relation.BACK_TO_BACK:
                free.update((a, b))
            elif dep.relation is Relation.BEFORE:
                follows[b].append((a, dep.gap))
            elif dep.relation is Relation.NOT_PARALLEL:
                apart.add(frozenset((a, b)))
        people = [problem.required_people[s.id] | problem.optional_people[s.id] for s in sessions]
        rooms = [set(r) for r in data.rooms]
        plenary = [s.is_plenary for s in sessions]
        ending: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)  # end slot -> (j, x)
        for j, xs in enumerate(v.x):
            for h, lit in xs.items():
                ending[h + data.length[j]].append((j, lit))
        step = data.slot_minutes
        for i, xs in enumerate(v.x):
            if i in free:
                continue
            cost = self._start_costs(i)
            for g, lit in xs.items():
                earlier = g - 1
                if earlier not in xs or data.slots[earlier].day != data.slots[g].day:
                    continue
                if cost.get(earlier, 0) > cost.get(g, 0):
                    continue
                if any(data.room_closed[k] >> earlier & 1 for k in data.rooms[i]):
                    continue
                reasons = [
                    x
                    for j, x in ending[g]
                    if j != i
                    and (
                        plenary[i]
                        or plenary[j]
                        or people[i] & people[j]
                        or rooms[i] & rooms[j]
                        or frozenset((i, j)) in apart
                    )
                ]
                for j, gap in follows[i]:
                    for h, x in v.x[j].items():
                        ready = data.slots[h].timeline + data.length[j] * step + gap
                        if data.slots[earlier].timeline < ready <= data.slots[g].timeline:
                            reasons.append(x)
                m.add_bool_or([*reasons, lit.Not()])  # no reason at all: g is never taken

    def _start_costs(self, i: int) -> dict[int, int]:
        """Session i's weighted cost of each start on its own: optional attendees away,
        preferences missed, and the time's change from the previous schedule."""
        data = self.data
        problem = data.problem
        event = problem.event
        sess = problem.sessions[i]
        was = self.previous.by_session.get(sess.id) if self.previous is not None else None
        out: dict[int, int] = {}
        for g in self.v.x[i]:
            slot = data.slots[g]
            cost = event.weight(SoftGoal.OPTIONAL_CLASH.value) * data.away_optional[i].get(g, 0)
            cost += event.weight(SoftGoal.PREFERENCE.value) * preference_missed(sess, slot)
            if was is not None:
                cost += event.weight(SoftGoal.CHANGE.value) * time_change(slot, was)
            out[g] = cost
        return out

    def _people_cliques(self) -> list[list[int]]:
        """Maximal distinct sets of sessions sharing one required person (size >= 2)."""
        per_person = required_sessions(self.data.problem)
        distinct = sorted({frozenset(s) for s in per_person.values() if len(s) > 1}, key=len, reverse=True)
        kept: list[frozenset[int]] = []
        by_member: dict[int, list[int]] = defaultdict(list)
        for s in distinct:
            first = min(s)
            if any(s <= kept[j] for j in by_member[first]):
                continue
            for i in s:
                by_member[i].append(len(kept))
            kept.append(s)
        return [sorted(s) for s in kept]

    def _at_most_one_running(self, sessions: list[int]) -> None:
        v = self.v
        slots: set[int] = set()
        for i in sessions:
            slots.update(v.covering[i])
        for u in sorted(slots):
            lits = [lit for i in sessions for lit in v.running(i, u)]
            owners = sum(1 for i in sessions if u in v.covering[i])
            if owners > 1:
                self.m.add_at_most_one(lits)


#: with a bigger time-indexed model than this (time_indexed_size), the rules stay on
#: intervals even where ModelConfig.time_indexed asks for them per slot; the example's is
#: 43,558, generated alliances' of 44-47 sessions 29,118-31,446
TIME_INDEXED_MAX = 250_000


def time_indexed_size(data: Prepared) -> int:
    """A bound on the literals the time-indexed rules add: one per candidate room and covered
    slot of each session with a choice of rooms, and for each dependency one per pair of
    starts of its two sessions (a clause per start of one, listing starts of the other).
    A fine slot grid makes the second grow as the square of the starts."""
    rooms = sum(len(r) * len(data.covering(i)) for i, r in enumerate(data.rooms) if len(r) > 1)
    index = {s.id: i for i, s in enumerate(data.problem.sessions)}
    pairs = sum(
        len(data.starts[index[d.first]]) * len(data.starts[index[d.second]])
        for d in data.problem.dependencies
    )
    return rooms + pairs


#: with more clauses than this (a bound on them), optional clashes keep the order literals
#: even where ModelConfig.clash_clauses asks for clauses: the model would grow too big
CLASH_CLAUSES_MAX = 500_000


class Objective:
    """Weighted soft goals; each term is kept so the result can report its figure."""

    def __init__(
        self, m: cp_model.CpModel, data: Prepared, v: Variables, config: ModelConfig = DEFAULT_CONFIG
    ):
        self.m, self.data, self.v, self.config = m, data, v, config
        self.terms: dict[str, cp_model.LinearExpr] = {}
        #: optional_clash's literals: per person, (literal, clashes it stands for)
        self._clash_load: dict[str, list[tuple[cp_model.IntVar, int]]] | None = None
        #: optional_clash's pairs of sessions that may overlap, with the people who would clash
        self.clash_pairs: list[tuple[int, int, int]] = []
        self._on_day: dict[tuple[int, int], cp_model.LinearExpr] = {}
        self._adjacent: dict[tuple[int, int], cp_model.IntVar | None] = {}

    def build(self, previous: Schedule | None = None) -> None:
        """Each goal with a positive weight becomes a term (a goal weighted 0 costs the model
        nothing, and the checker counts its figure)."""
        event = self.data.problem.event
        goals: dict[SoftGoal, Callable[[], cp_model.LinearExpr]] = {
            SoftGoal.ROOM_FIT: self.room_fit,
            SoftGoal.OPTIONAL_CLASH: self.optional_clash,
            SoftGoal.PREFERENCE: self.preference,
            SoftGoal.GROUP_ROOM: self.group_room,
            SoftGoal.IDLE_GAP: self.idle_gap,
            SoftGoal.IN_A_ROW: self.in_a_row,
            SoftGoal.SINGLE_DAY: self.single_day,
            SoftGoal.LATE_FINISH: self.late_finish,
            SoftGoal.CROSS_DAY: self.cross_day,
            SoftGoal.FAIR_PERSON: self.fair_person,
            SoftGoal.FAIR_INSTITUTION: self.fair_institution,
        }
        for goal, term in goals.items():
            if event.weight(goal.value) > 0:
                self.terms[goal.value] = term()
        if previous is not None:
            self.terms[SoftGoal.CHANGE.value] = self.change(previous)
        goals = list(self.terms)
        self.m.minimize(
            cp_model.LinearExpr.weighted_sum([self.terms[g] for g in goals], [event.weight(g) for g in goals])
        )

    def change(self, previous: Schedule) -> cp_model.LinearExpr:
        """Changes from a previous schedule, in points: a new room 1, a new time on the same
        day 2, another day 3 (a move and a new room add up). Sessions it lacks cost nothing."""
        data, v = self.data, self.v
        problem = data.problem
        room_of = {r.id: k for k, r in enumerate(problem.rooms)}
        lits: list[cp_model.IntVar] = []
        points: list[int] = []
        for i, sess in enumerate(problem.sessions):
            was = previous.by_session.get(sess.id)
            if was is None:
                continue
            for g, lit in v.x[i].items():
                cost = time_change(data.slots[g], was)
                if cost:
                    lits.append(lit)
                    points.append(cost)
            for k, lit in v.y[i].items():
                if k != room_of.get(was.room_id):
                    lits.append(lit)
                    points.append(1)
        return cp_model.LinearExpr.weighted_sum(lits, points)

    def group_room(self) -> cp_model.LinearExpr:
        """Extra rooms per working group: a Boolean per (group, room) its meetings may use,
        at least each meeting's room literal; the cost is their sum less one per group."""
        problem, v, m = self.data.problem, self.v, self.m
        index = {s.id: i for i, s in enumerate(problem.sessions)}
        uses: list[cp_model.IntVar] = []
        groups = 0
        for group, sessions in sorted(problem.group_meetings.items()):
            rooms = sorted({k for sid in sessions for k in v.y[index[sid]]})
            groups += 1
            for k in rooms:
                used = m.new_bool_var(f"uses[{group},{k}]")
                for sid in sessions:
                    lit = v.y[index[sid]].get(k)
                    if lit is not None:
                        m.add_implication(lit, used)
                uses.append(used)
        return cp_model.LinearExpr.sum(uses) - groups

    def preference(self) -> cp_model.LinearExpr:
        """Preferences not met: a start off every prefer_day date costs 1, a start in the
        other half of the day than prefer_time costs 1 (morning: starting before noon)."""
        lits: list[cp_model.IntVar] = []
        points: list[int] = []
        for i, sess in enumerate(self.data.problem.sessions):
            if not sess.prefer_day and not sess.prefer_time:
                continue
            for g, lit in self.v.x[i].items():
                missed = preference_missed(sess, self.data.slots[g])
                if missed:
                    lits.append(lit)
                    points.append(missed)
        return cp_model.LinearExpr.weighted_sum(lits, points)

    def room_fit(self) -> cp_model.LinearExpr:
        """Seats left empty: capacity minus attendance of the room each session gets."""
        problem = self.data.problem
        lits, seats = [], []
        for i, ys in enumerate(self.v.y):
            att = problem.attendance(problem.sessions[i].id)
            for k, lit in ys.items():
                lits.append(lit)
                seats.append(problem.rooms[k].capacity - att)
        return cp_model.LinearExpr.weighted_sum(lits, seats)

    def optional_clash(self) -> cp_model.LinearExpr:
        """Optional attendees' clashes: per person, each overlapping pair of their sessions in
        which they are optional in at least one, and each optional session they are away for."""
        lits: list[cp_model.IntVar] = []
        weights: list[int] = []
        for lit, w in self._clash_literals():
            lits.append(lit)
            weights.append(w)
        return cp_model.LinearExpr.weighted_sum(lits, weights)

    def _clash_literals(self) -> list[tuple[cp_model.IntVar, int]]:
        """The literals of optional_clash with the number of clashes each stands for; per
        person, the same literals are kept in ``_clash_load`` for the fairness goals."""
        data, v, m = self.data, self.v, self.m
        problem = data.problem
        index = {s.id: i for i, s in enumerate(problem.sessions)}
        out: list[tuple[cp_model.IntVar, int]] = []
        load: dict[str, list[tuple[cp_model.IntVar, int]]] = defaultdict(list)
        # away: a fixed cost per start
        for i, away in enumerate(data.away_optional):
            for g, n in away.items():
                out.append((v.x[i][g], n))
        for sid, people in problem.optional_people.items():
            i = index[sid]
            if not data.away_optional[i]:
                continue
            for p in people:
                for g in data.away_optional[i]:
                    slot = data.slots[g]
                    end = slot.start + problem.sessions[i].duration
                    if problem.is_unavailable(p, slot.date, slot.start, end):
                        load[p].append((v.x[i][g], 1))
        # overlaps: weight per pair = number of people who would clash
        attends: dict[str, dict[int, bool]] = defaultdict(dict)  # person -> session -> required?
        for sid, people in problem.required_people.items():
            for p in people:
                attends[p][index[sid]] = True
        for sid, people in problem.optional_people.items():
            if problem.session_by_id[sid].is_plenary:
                continue  # nothing may overlap a plenary: no pair with it can clash
            for p in people:
                attends[p].setdefault(index[sid], False)
        pair_people: dict[tuple[int, int], list[str]] = defaultdict(list)
        pair_var: dict[tuple[int, int], cp_model.IntVar] = {}
        hard_pairs: set[tuple[int, int]] = set()
        for sessions in attends.values():
            req = sorted(i for i, r in sessions.items() if r)
            hard_pairs.update(combinations(req, 2))
        for p, sessions in attends.items():
            items = sorted(sessions.items())
            for (a, ra), (b, rb) in combinations(items, 2):
                if ra and rb:
                    continue
                pair_people[(a, b)].append(p)
        pairs = [
            (a, b, people)
            for (a, b), people in sorted(pair_people.items())
            if (a, b) not in hard_pairs
            and not problem.sessions[a].is_plenary
            and not problem.sessions[b].is_plenary
            and set(v.covering[a]) & set(v.covering[b])
        ]
        # at most this many clauses: each start of a overlaps at most la + lb - 1 starts of b
        by_clauses = bool(self.config.clash_clauses) and (
            sum(len(v.x[a]) * (data.length[a] + data.length[b] - 1) for a, b, _ in pairs) <= CLASH_CLAUSES_MAX
        )
        for a, b, people in pairs:
            o = m.new_bool_var(f"clash[{a},{b}]")
            if by_clauses:
                self._overlap_clauses(a, b, o)
            else:
                a_first = m.new_bool_var("")
                b_first = m.new_bool_var("")
                m.add(v.start[a] + data.length[a] <= v.start[b]).only_enforce_if(a_first)
                m.add(v.start[b] + data.length[b] <= v.start[a]).only_enforce_if(b_first)
                m.add_bool_or([o, a_first, b_first])
            out.append((o, len(people)))
            self.clash_pairs.append((a, b, len(people)))
            for p in people:
                load[p].append((o, 1))
            pair_var[(a, b)] = o
        if self.config.clash_cuts:
            self._clash_cuts(attends, pair_var)
        self._clash_load = load
        return out

    def _overlap_clauses(self, a: int, b: int, o: cp_model.IntVar) -> None:
        """o, or a and b do not run at once: per start g of a and start h of b that overlap,
        the clause (o or not x[a][g] or not x[b][h]). A session's starts lie within one day,
        so two of them overlap exactly when their slot ranges meet. Measured with the proof
        portfolio on the example (2 cores, ``solve``, seeds 0-9): its optimum proven in 10.9-14.2
        s (mean 12.4) against 11.0-15.6 s (mean 13.5) with the two order literals, sooner on
        9 seeds of 10; as one linear constraint per start of a instead of a clause per pair,
        12.2-15.5 s (seeds 0-2)."""
        data, v, m = self.data, self.v, self.m
        la, lb, xb = data.length[a], data.length[b], v.x[b]
        for g, xa in v.x[a].items():
            for h in range(g - lb + 1, g + la):  # h < g + la and g < h + lb
                if h in xb:
                    m.add_bool_or([o, ~xa, ~xb[h]])

    def _loads(self) -> dict[str, cp_model.LinearExpr]:
        """Per person: their optional attendees' clashes, as an expression."""
        if self._clash_load is None:
            self._clash_literals()
        assert self._clash_load is not None
        return {
            p: cp_model.LinearExpr.weighted_sum([lit for lit, _ in ls], [w for _, w in ls])
            for p, ls in self._clash_load.items()
        }

    def fair_person(self) -> cp_model.LinearExpr:
        """The most optional attendees' clashes any one person has (a max, kept exact)."""
        loads = self._loads()
        worst = self.m.new_int_var(0, max(1, len(self.data.problem.sessions) ** 2), "worst_person")
        self.m.add_max_equality(worst, [0, *loads.values()])
        return worst

    def fair_institution(self) -> cp_model.LinearExpr:
        """The most optional attendees' clashes of the people of one institution, together."""
        loads = self._loads()
        by_inst: dict[str, list[cp_model.LinearExpr]] = defaultdict(list)
        for person in self.data.problem.participants:
            if person.institution and person.id in loads:
                by_inst[person.institution].append(loads[person.id])
        top = max(1, len(self.data.problem.sessions) ** 2 * len(self.data.problem.participants))
        worst = self.m.new_int_var(0, top, "worst_institution")
        self.m.add_max_equality(worst, [0, *(cp_model.LinearExpr.sum(e) for e in by_inst.values())])
        return worst

    # -- people's days --------------------------------------------------------------

    def _profiles(self) -> dict[tuple[frozenset[int], tuple[Span, ...]], int]:
        """People with the same required sessions and the same time away, counted once:
        (their session indices, their unavailable spans) -> how many people."""
        problem = self.data.problem
        mine = required_sessions(problem)
        out: dict[tuple[frozenset[int], tuple[Span, ...]], int] = defaultdict(int)
        for p, sessions in mine.items():
            away = tuple(sorted(problem.unavailable.get(p, ()), key=lambda s: (s.date, s.start, s.end)))
            out[(frozenset(sessions), away)] += 1
        return dict(sorted(out.items(), key=lambda kv: sorted(kv[0][0])))

    def _days_of(self, i: int) -> set[int]:
        return {self.data.slots[g].day for g in self.v.x[i]}

    def on_day(self, i: int, day: int) -> cp_model.LinearExpr:
        """1 when session i runs on day index ``day`` (a sum of its start literals)."""
        key = (i, day)
        if key not in self._on_day:
            slots = self.data.slots
            self._on_day[key] = cp_model.LinearExpr.sum(
                [lit for g, lit in self.v.x[i].items() if slots[g].day == day]
            )
        return self._on_day[key]

    def late_finish(self) -> cp_model.LinearExpr:
        """Per person and day, a session in the day's last slot (at most one can be there, so
        each start that reaches it costs the session's required people)."""
        data, problem = self.data, self.data.problem
        last: dict[int, int] = {}
        for g, slot in enumerate(data.slots):
            last[slot.day] = g
        lits, weights = [], []
        for i, sess in enumerate(problem.sessions):
            people = len(problem.required_people[sess.id])
            if not people:
                continue
            for g, lit in self.v.x[i].items():
                if g + data.length[i] - 1 == last[data.slots[g].day]:
                    lits.append(lit)
                    weights.append(people)
        return cp_model.LinearExpr.weighted_sum(lits, weights)

    def single_day(self) -> cp_model.LinearExpr:
        """Per person and day, 1 when they have exactly one session that day (a Boolean per
        group of alike people and day, equal to "the count is 1")."""
        m = self.m
        terms, weights = [], []
        for (sessions, _), people in self._profiles().items():
            by_day: dict[int, list[int]] = defaultdict(list)
            for i in sorted(sessions):
                for d in self._days_of(i):
                    by_day[d].append(i)
            for d, members in sorted(by_day.items()):
                count = cp_model.LinearExpr.sum([self.on_day(i, d) for i in members])
                if len(members) == 1:
                    terms.append(count)
                else:
                    one = m.new_bool_var("")
                    m.add(count == 1).only_enforce_if(one)
                    m.add(count != 1).only_enforce_if(~one)
                    terms.append(one)
                weights.append(people)
        return cp_model.LinearExpr.weighted_sum(terms, weights)

    def idle_gap(self) -> cp_model.LinearExpr:
        """Per person and day, the minutes between their first session's start and their last
        one's end that are neither in a session, nor in a break, nor time they are away.

        In counted slots (a slot touching a break or the person's time away is not counted):
        idle = max(0, last end - first start - slots in sessions), with first/last an exact
        min/max over the day's sessions (a session not on the day is out of reach)."""
        data, m, v = self.data, self.m, self.v
        problem = data.problem
        by_day: dict[int, list[int]] = defaultdict(list)
        for g, slot in enumerate(data.slots):
            by_day[slot.day].append(g)
        breaking = [
            any(overlaps(b.start, b.end, slot.start, slot.end) for b in problem.breaks_on(slot.date))
            for slot in data.slots
        ]
        terms, weights = [], []
        for (sessions, away), people in self._profiles().items():
            counted: dict[int, int] = {}  # slot -> counted slots before it on its day
            for gs in by_day.values():
                n = 0
                for g in gs:
                    counted[g] = n
                    slot = data.slots[g]
                    if not breaking[g] and not any(s.overlaps(slot.date, slot.start, slot.end) for s in away):
                        n += 1
            members_by_day: dict[int, list[int]] = defaultdict(list)
            for i in sorted(sessions):
                for d in self._days_of(i):
                    members_by_day[d].append(i)
            for d, members in sorted(members_by_day.items()):
                if len(members) < 2:
                    continue
                top = len(by_day[d]) + 1
                firsts, lasts, busy = [], [], []
                for i in members:
                    here = {g: lit for g, lit in v.x[i].items() if data.slots[g].day == d}
                    at = cp_model.LinearExpr.weighted_sum(list(here.values()), [counted[g] for g in here])
                    on = self.on_day(i, d)
                    firsts.append(at + top * (1 - on))
                    lasts.append(at + data.length[i] * on)
                    busy.append(data.length[i] * on)
                first = m.new_int_var(0, top, "")
                last = m.new_int_var(0, top, "")
                idle = m.new_int_var(0, top, "")
                m.add_min_equality(first, firsts)
                m.add_max_equality(last, lasts)
                m.add_max_equality(idle, [0, last - first - cp_model.LinearExpr.sum(busy)])
                terms.append(idle)
                weights.append(people * data.slot_minutes)
        return cp_model.LinearExpr.weighted_sum(terms, weights)

    def _adjacency(self, j: int, i: int) -> cp_model.IntVar | None:
        """A literal true exactly when session i starts the moment session j ends, on the same
        day; None when their candidate times never allow it."""
        key = (j, i)
        if key not in self._adjacent:
            data, v, m = self.data, self.v, self.m
            slots = data.slots
            ends = {slots[g].timeline + data.length[j] * data.slot_minutes for g in v.x[j]}
            if not any(slots[g].timeline in ends for g in v.x[i]):
                self._adjacent[key] = None
            else:
                lit = m.new_bool_var(f"next[{j},{i}]")
                gap = v.timeline(i) - v.timeline(j) - data.length[j] * data.slot_minutes
                m.add(gap == 0).only_enforce_if(lit)
                m.add(gap != 0).only_enforce_if(~lit)
                self._adjacent[key] = lit
        return self._adjacent[key]

    def in_a_row(self) -> cp_model.LinearExpr:
        """Per person, each session placed beyond max_in_a_row in a run of sessions back to
        back (each starting when the previous ends) costs 1: a run of k costs k - limit.

        When a group of alike people's sessions all have one length, a window of limit + 1
        starts, one length apart on one day, costs 1 exactly when all of them start a session
        (a run of k holds k - limit such windows). Otherwise each session has its exact place
        in its run: 1 with no session right before it, else one more than that session's."""
        m = self.m
        limit = self.data.problem.event.max_in_a_row
        terms: list[cp_model.LinearExprT] = []
        weights: list[int] = []
        for (sessions, _), people in self._profiles().items():
            if len(sessions) <= limit:
                continue
            members = sorted(sessions)
            if len({self.data.length[i] for i in members}) == 1:
                for window in self._full_windows(members, limit + 1):
                    terms.append(window)
                    weights.append(people)
                continue
            place: dict[int, cp_model.IntVar] = {
                i: m.new_int_var(1, len(members), f"place[{i}]") for i in members
            }
            for i in members:
                before = [(j, lit) for j in members if j != i if (lit := self._adjacency(j, i)) is not None]
                for j, lit in before:
                    m.add(place[i] == place[j] + 1).only_enforce_if(lit)
                m.add(place[i] == 1).only_enforce_if([~lit for _, lit in before])
                if before:
                    beyond = m.new_bool_var(f"beyond[{i}]")
                    m.add(place[i] > limit).only_enforce_if(beyond)
                    m.add(place[i] <= limit).only_enforce_if(~beyond)
                    terms.append(beyond)
                    weights.append(people)
        return cp_model.LinearExpr.weighted_sum(terms, weights)

    def _full_windows(self, members: list[int], size: int) -> list[cp_model.IntVar]:
        """For sessions of one length L that never overlap: per day and slot g, a literal true
        exactly when one of them starts at each of g, g + L, ..., g + (size - 1) L."""
        data, m = self.data, self.m
        step = data.length[members[0]]
        starting: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for i in members:
            for g, lit in self.v.x[i].items():
                starting[g].append(lit)
        out = []
        for g in sorted(starting):
            chain = [g + k * step for k in range(size)]
            if not all(h in starting for h in chain):
                continue
            if len({data.slots[h].day for h in chain}) > 1:
                continue
            starts = [cp_model.LinearExpr.sum(starting[h]) for h in chain]
            full = m.new_bool_var("")
            m.add(full >= cp_model.LinearExpr.sum(starts) - (size - 1))
            for expr in starts:
                m.add(full <= expr)
            out.append(full)
        return out

    def cross_day(self) -> cp_model.LinearExpr:
        """Per cross-package meeting and each of its groups with meetings of its own: 1 when
        the meeting is on none of the days of those own meetings."""
        problem, m = self.data.problem, self.m
        index = {s.id: i for i, s in enumerate(problem.sessions)}
        own: dict[str, list[int]] = defaultdict(list)
        for i, sess in enumerate(problem.sessions):
            if sess.kind is Kind.WORKING_GROUP:
                for g in sess.groups:
                    own[g].append(i)
        met: dict[tuple[str, int], cp_model.IntVar] = {}  # group met on day: at most the truth
        terms = []
        for sess in problem.sessions:
            if sess.kind is not Kind.CROSS_PACKAGE:
                continue
            c = index[sess.id]
            for group in sorted(set(sess.groups)):
                if not own.get(group):
                    continue
                miss = m.new_bool_var("")
                for d in sorted(self._days_of(c)):
                    key = (group, d)
                    if key not in met:
                        lit = m.new_bool_var("")
                        there = [self.on_day(i, d) for i in own[group] if d in self._days_of(i)]
                        m.add(cp_model.LinearExpr.sum(there) >= 1).only_enforce_if(lit)
                        m.add(cp_model.LinearExpr.sum(there) == 0).only_enforce_if(~lit)
                        met[key] = lit
                    # exact: on day d, miss = not met (on other days this row says nothing)
                    here = self.on_day(c, d)
                    m.add(miss >= here - met[key])
                    m.add(miss + met[key] + here <= 2)
                terms.append(miss)
        return cp_model.LinearExpr.sum(terms)

    def _clash_cuts(
        self, attends: dict[str, dict[int, bool]], pair_var: dict[tuple[int, int], cp_model.IntVar]
    ) -> None:
        """Redundant: if k of a person's sessions run in one slot, at least k - 1 of their
        pairs clash. Stated once per distinct set of sessions and slot (tightens the bound)."""
        v = self.v
        profiles = {frozenset(s) for s in attends.values() if not all(s.values()) and len(s) > 1}
        for prof in sorted(profiles, key=sorted):
            members = sorted(prof)
            slots: set[int] = set()
            for i in members:
                slots.update(v.covering[i])
            for u in sorted(slots):
                here = [i for i in members if u in v.covering[i]]
                if len(here) < 2:
                    continue
                pairs = [pair_var[(a, b)] for a, b in combinations(here, 2) if (a, b) in pair_var]
                if not pairs:
                    continue
                running = [lit for i in here for lit in v.running(i, u)]
                self.m.add(sum(pairs) >= sum(running) - 1)
