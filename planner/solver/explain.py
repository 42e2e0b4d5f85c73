"""The explain model: every hard rule instance behind its own switch.

When no single session is blocked and yet no schedule exists, some rule
instances cannot hold together. To find a small set of them, every instance
(one person's no-overlap, one room's no-overlap, one dependency, one fixed
value, one break for one session, ...) gets an assumption literal that
enforces it; CP-SAT's ``sufficient_assumptions_for_infeasibility`` gives a
first set; a deletion filter shrinks it to a minimal one; and every set we
keep is re-solved alone, as a model of just those instances with no switches
at all, so a wrong core (OR-Tools #5141: with presolve on, the core may hold
literals that were never assumed) can never reach an organiser.

The model is exactly as strict as the workbook spec's hard rules: what
``prepare`` prunes (windows aside, which define the grid) is stated here as
switchable instances, so it can be blamed. Only the frame is never switched
off: each session gets one start on the slot grid inside one day, and one
room of the Rooms sheet.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import TypeVar

from ortools.sat.python import cp_model

from planner.model import Problem, Relation, overlaps
from planner.rules import DEPENDENCY_RULES, Rule
from planner.solver.prepare import Prepared, prepare


@dataclass(frozen=True)
class Instance:
    """One instance of a hard rule: the rule, and the sessions, people and rooms it binds.

    ``item`` is the index of the break (clear_of_breaks) or of the dependency
    (dependency_*) in the problem. For plenary_exclusive, ``sessions`` is the plenary
    and then the sessions that may not run beside it. An instance of a rule in
    :data:`SHRINKABLE` binds a set of sessions that the search cuts down to those that
    matter (always keeping a plenary's own)."""

    rule: Rule
    sessions: tuple[str, ...]
    people: tuple[str, ...] = ()
    rooms: tuple[str, ...] = ()
    item: int | None = None


SHRINKABLE = (
    Rule.PERSON_NO_OVERLAP,
    Rule.ROOM_NO_OVERLAP,
    Rule.PLENARY_EXCLUSIVE,
    Rule.CLEAR_OF_BREAKS,
    Rule.PERSON_AVAILABLE,
    Rule.ROOM_AVAILABLE,
)

T = TypeVar("T")


class Verdict(str, Enum):
    INFEASIBLE = "infeasible"
    FEASIBLE = "feasible"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Core:
    """What the explain model found.

    ``verdict`` is about the whole problem. When infeasible, ``instances`` cannot all
    hold (verified by solving them alone); ``minimal`` says that dropping any one was
    shown to leave the rest satisfiable; ``sufficient`` lists those whose dropping
    alone was shown to make the whole problem schedulable."""

    verdict: Verdict
    instances: tuple[Instance, ...] = ()
    minimal: bool = False
    sufficient: tuple[Instance, ...] = ()
    seconds: float = 0.0
    solves: int = 0


class _Frame:
    """Index data shared by every explain model of one problem (built once)."""

    def __init__(self, data: Prepared):
        self.data = data
        problem = data.problem
        self.problem = problem
        self.index = {s.id: i for i, s in enumerate(problem.sessions)}
        self.room_index = {r.id: k for k, r in enumerate(problem.rooms)}
        by_day: dict[int, list[int]] = defaultdict(list)
        for g, slot in enumerate(data.slots):
            by_day[slot.day].append(g)
        # the frame: every start on the grid from which the session ends inside its day
        self.starts: list[list[int]] = []
        for n in data.length:
            self.starts.append([gs[j] for gs in by_day.values() for j in range(len(gs) - n + 1)])
        self._bad_starts: dict[tuple[Rule, tuple[str, ...], tuple[str, ...], int | None, str], list[int]] = {}

    def minutes(self, i: int) -> int:
        return self.data.length[i] * self.data.slot_minutes

    def starts_where(self, i: int, forbidden: Callable[[int], bool]) -> list[int]:
        """The frame starts of session i for which ``forbidden(g)`` holds."""
        return [g for g in self.starts[i] if forbidden(g)]

    def bad_starts(self, inst: Instance, sid: str) -> list[int]:
        """The starts of session ``sid`` that the instance (a rule about time) forbids."""
        key = (inst.rule, inst.people, inst.rooms, inst.item, sid)
        if key not in self._bad_starts:
            self._bad_starts[key] = self._compute_bad_starts(inst, sid)
        return self._bad_starts[key]

    def _compute_bad_starts(self, inst: Instance, sid: str) -> list[int]:
        problem, slots = self.problem, self.data.slots
        i = self.index[sid]
        sess = problem.sessions[i]
        dur = self.minutes(i)
        rule = inst.rule

        def away(who: Iterable[str]) -> Callable[[int], bool]:
            return lambda g: any(
                problem.is_unavailable(w, slots[g].date, slots[g].start, slots[g].start + dur) for w in who
            )

        if rule is Rule.FIXED_DAY:
            return self.starts_where(i, lambda g: slots[g].date != sess.day)
        if rule is Rule.FIXED_START:
            return self.starts_where(i, lambda g: slots[g].start != sess.start)
        if rule is Rule.CLEAR_OF_BREAKS:
            assert inst.item is not None
            b = problem.breaks[inst.item]
            return self.starts_where(
                i,
                lambda g: (
                    (b.date is None or b.date == slots[g].date)
                    and overlaps(b.start, b.end, slots[g].start, slots[g].start + dur)
                ),
            )
        if rule is Rule.SESSION_AVAILABLE:
            return self.starts_where(i, away([sid]))
        if rule is Rule.PERSON_AVAILABLE:
            return self.starts_where(i, away(inst.people))
        if rule is Rule.ROOM_AVAILABLE:
            return self.starts_where(i, away(inst.rooms))
        raise ValueError(f"{rule.value} does not forbid starts")

    def bad_rooms(self, inst: Instance) -> list[int]:
        """The rooms a one-session room rule forbids to the instance's session."""
        problem = self.problem
        sess = problem.session_by_id[inst.sessions[0]]
        if inst.rule is Rule.ROOM_CAPACITY:
            need = problem.attendance(sess.id)
            return [k for k, r in enumerate(problem.rooms) if r.capacity < need]
        if inst.rule is Rule.ROOM_FEATURES:
            return [k for k, r in enumerate(problem.rooms) if not sess.features <= r.features]
        if inst.rule is Rule.FIXED_ROOM:
            return [k for k, r in enumerate(problem.rooms) if r.id != sess.room]
        raise ValueError(f"{inst.rule.value} does not forbid rooms")


_START_RULES = (
    Rule.FIXED_DAY,
    Rule.FIXED_START,
    Rule.CLEAR_OF_BREAKS,
    Rule.SESSION_AVAILABLE,
    Rule.PERSON_AVAILABLE,
)
_ROOM_RULES = (Rule.ROOM_CAPACITY, Rule.ROOM_FEATURES, Rule.FIXED_ROOM)


def rule_instances(frame: _Frame) -> list[Instance]:
    """Every rule instance that constrains anything, in the order the deletion filter tries
    them: context first (breaks, availability), the organiser's choices last, so that a
    minimal set tends to name what can be changed."""
    problem = frame.problem
    ids = [s.id for s in problem.sessions]
    out: list[Instance] = []

    def hit(probe: Instance) -> tuple[str, ...]:
        """The sessions some of whose starts an instance of a time rule forbids."""
        return tuple(sid for sid in ids if frame.bad_starts(probe, sid))

    # breaks, each over the sessions it could cut into
    for b in range(len(problem.breaks)):
        out.append(Instance(Rule.CLEAR_OF_BREAKS, hit(Instance(Rule.CLEAR_OF_BREAKS, (), item=b)), item=b))
    # availability: each session's own; each person's (people alike in effect together); each room's
    for sid in ids:
        out.append(Instance(Rule.SESSION_AVAILABLE, (sid,)))
    alike: dict[tuple[tuple[str, int], ...], list[str]] = defaultdict(list)
    for p in problem.participants:
        if p.id not in problem.unavailable:
            continue
        probe = Instance(Rule.PERSON_AVAILABLE, (), people=(p.id,))
        effect = tuple(
            (sid, g)
            for sid in ids
            if p.id in problem.required_people[sid]
            for g in frame.bad_starts(probe, sid)
        )
        if effect:
            alike[effect].append(p.id)
    for effect, people in alike.items():
        hurt = tuple(dict.fromkeys(sid for sid, _ in effect))
        out.append(Instance(Rule.PERSON_AVAILABLE, hurt, people=tuple(people)))
    for r in problem.rooms:
        if r.id in problem.unavailable:
            closed = hit(Instance(Rule.ROOM_AVAILABLE, (), rooms=(r.id,)))
            out.append(Instance(Rule.ROOM_AVAILABLE, closed, rooms=(r.id,)))
    # rooms a session may use
    for sid in ids:
        out.append(Instance(Rule.ROOM_CAPACITY, (sid,)))
        out.append(Instance(Rule.ROOM_FEATURES, (sid,)))
    # fixed values
    for sess in problem.sessions:
        if sess.day is not None:
            out.append(Instance(Rule.FIXED_DAY, (sess.id,)))
        if sess.start is not None:
            out.append(Instance(Rule.FIXED_START, (sess.id,)))
        if sess.room is not None:
            out.append(Instance(Rule.FIXED_ROOM, (sess.id,)))
    # rules between sessions
    if len(ids) > 1:
        for r in problem.rooms:
            out.append(Instance(Rule.ROOM_NO_OVERLAP, tuple(ids), rooms=(r.id,)))
    by_sessions: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for p in problem.participants:
        mine = tuple(sid for sid in ids if p.id in problem.required_people[sid])
        if len(mine) > 1:
            by_sessions[mine].append(p.id)
    for mine, people in by_sessions.items():
        out.append(Instance(Rule.PERSON_NO_OVERLAP, mine, people=tuple(people)))
    for i, pl in enumerate(problem.sessions):
        if pl.is_plenary:  # two plenaries are bound by the first of them
            others = [o.id for j, o in enumerate(problem.sessions) if j != i and not (o.is_plenary and j < i)]
            if others:
                out.append(Instance(Rule.PLENARY_EXCLUSIVE, (pl.id, *others)))
    for d, dep in enumerate(problem.dependencies):
        out.append(Instance(DEPENDENCY_RULES[dep.relation.value], (dep.first, dep.second), item=d))
    return [inst for inst in out if inst.sessions and _binds(frame, inst)]


def _binds(frame: _Frame, inst: Instance) -> bool:
    """Whether an instance forbids anything at all (an idle switch only slows the search)."""
    if inst.rule in _START_RULES or inst.rule is Rule.ROOM_AVAILABLE:
        return any(frame.bad_starts(inst, sid) for sid in inst.sessions)
    if inst.rule in _ROOM_RULES:
        return bool(frame.bad_rooms(inst))
    return True


class _Model:
    """A CP-SAT model of the frame plus chosen instances, each behind switches or not.

    ``switch`` is ``"none"`` (plain constraints: the verification), ``"instance"`` (one
    literal per instance) or ``"member"`` (one literal per session that an instance in
    :data:`SHRINKABLE` binds, to find which of them matter; other instances plain).
    ``lits`` maps each literal's index to its instance and session (None: the whole
    instance). Only the sessions the instances bind are modelled: any other one fits the
    frame anywhere, so it cannot matter."""

    def __init__(self, frame: _Frame, chosen: Iterable[Instance], switch: str = "none"):
        self.frame = frame
        self.m = cp_model.CpModel()
        chosen = list(chosen)
        self.x: dict[int, dict[int, cp_model.IntVar]] = {}
        self.y: dict[int, dict[int, cp_model.IntVar]] = {}
        self.start: dict[int, cp_model.IntVar] = {}
        self.interval: dict[int, cp_model.IntervalVar] = {}
        self._timeline: dict[int, cp_model.IntVar] = {}
        self._day: dict[int, cp_model.IntVar] = {}
        for i in sorted({frame.index[s] for inst in chosen for s in inst.sessions}):
            self._session(i)
        self.lits: dict[int, tuple[Instance, str | None]] = {}
        for inst in chosen:
            on: dict[str, cp_model.IntVar | None] = dict.fromkeys(inst.sessions)
            if switch == "instance":
                lit = self.m.new_bool_var(f"on[{inst.rule.value}:{','.join(inst.sessions[:3])}]")
                self.lits[lit.index] = (inst, None)
                on = dict.fromkeys(inst.sessions, lit)
            elif switch == "member" and inst.rule in SHRINKABLE:
                for sid in inst.sessions[_anchored(inst) :]:
                    lit = self.m.new_bool_var(f"on[{inst.rule.value}:{sid}]")
                    self.lits[lit.index] = (inst, sid)
                    on[sid] = lit
            self._add(inst, on)

    def assume_all(self, but: Callable[[Instance, str | None], bool] = lambda inst, sid: False) -> None:
        """Assume every switch on (except those ``but`` picks)."""
        self.m.clear_assumptions()
        self.m.add_assumptions(
            [
                self.m.get_bool_var_from_proto_index(v)
                for v, (inst, sid) in self.lits.items()
                if not but(inst, sid)
            ]
        )

    # -- the frame ----------------------------------------------------------------------

    def _session(self, i: int) -> None:
        m, data = self.m, self.frame.data
        starts = self.frame.starts[i]
        xs = {g: m.new_bool_var(f"x[{i},{g}]") for g in starts}
        m.add_exactly_one(xs.values())
        ys = {k: m.new_bool_var(f"y[{i},{k}]") for k in range(len(self.frame.problem.rooms))}
        m.add_exactly_one(ys.values())
        start = m.new_int_var_from_domain(cp_model.Domain.from_values(starts), f"start[{i}]")
        m.add(start == sum(g * v for g, v in xs.items()))
        self.x[i], self.y[i], self.start[i] = xs, ys, start
        self.interval[i] = m.new_fixed_size_interval_var(start, data.length[i], f"run[{i}]")

    def _timeline_of(self, i: int) -> cp_model.IntVar:
        if i not in self._timeline:
            slots = self.frame.data.slots
            values = {g: slots[g].timeline for g in self.x[i]}
            var = self.m.new_int_var_from_domain(
                cp_model.Domain.from_values(sorted(set(values.values()))), ""
            )
            self.m.add(var == sum(t * self.x[i][g] for g, t in values.items()))
            self._timeline[i] = var
        return self._timeline[i]

    def _day_of(self, i: int) -> cp_model.IntVar:
        if i not in self._day:
            slots = self.frame.data.slots
            values = {g: slots[g].day for g in self.x[i]}
            var = self.m.new_int_var_from_domain(
                cp_model.Domain.from_values(sorted(set(values.values()))), ""
            )
            self.m.add(var == sum(d * self.x[i][g] for g, d in values.items()))
            self._day[i] = var
        return self._day[i]

    def _interval(self, i: int, presence: cp_model.IntVar | None) -> cp_model.IntervalVar:
        if presence is None:
            return self.interval[i]
        length = self.frame.data.length[i]
        return self.m.new_optional_fixed_size_interval_var(self.start[i], length, presence, "")

    # -- one instance -------------------------------------------------------------------

    def _add(self, inst: Instance, on: dict[str, cp_model.IntVar | None]) -> None:
        """The instance's constraints; each session's part enforced by ``on[session]`` (None: always)."""
        frame, m = self.frame, self.m
        rule = inst.rule
        ids = [frame.index[s] for s in inst.sessions]

        def when(sid: str, *also: cp_model.IntVar) -> list[cp_model.IntVar]:
            lit = on[sid]
            return [*also] if lit is None else [*also, lit]

        if rule in _START_RULES:
            for sid, i in zip(inst.sessions, ids, strict=True):
                bad = frame.bad_starts(inst, sid)
                if bad:
                    m.add_bool_and([~self.x[i][g] for g in bad]).only_enforce_if(when(sid))
        elif rule in _ROOM_RULES:
            sid, i = inst.sessions[0], ids[0]
            bad = frame.bad_rooms(inst)
            if bad:
                m.add_bool_and([~self.y[i][k] for k in bad]).only_enforce_if(when(sid))
        elif rule is Rule.ROOM_AVAILABLE:
            k = frame.room_index[inst.rooms[0]]
            for sid, i in zip(inst.sessions, ids, strict=True):
                bad = frame.bad_starts(inst, sid)
                if bad:
                    m.add_bool_and([~self.x[i][g] for g in bad]).only_enforce_if(when(sid, self.y[i][k]))
        elif rule is Rule.ROOM_NO_OVERLAP:
            k = frame.room_index[inst.rooms[0]]
            intervals = []
            for sid, i in zip(inst.sessions, ids, strict=True):
                y, lit = self.y[i][k], on[sid]
                if lit is None:
                    presence = y
                else:  # present exactly when the session is in the room and its switch is on
                    presence = m.new_bool_var("")
                    m.add_implication(presence, y)
                    m.add_bool_or([~y, ~lit, presence])
                intervals.append(self._interval(i, presence))
            m.add_no_overlap(intervals)
        elif rule in (Rule.PERSON_NO_OVERLAP, Rule.DEPENDENCY_NOT_PARALLEL):
            m.add_no_overlap([self._interval(i, on[sid]) for sid, i in zip(inst.sessions, ids, strict=True)])
        elif rule is Rule.PLENARY_EXCLUSIVE:
            # nothing beside the plenary, while the others may overlap one another: a
            # cumulative in which the plenary takes the whole capacity and every other one unit
            n = len(ids) - 1
            intervals = [self._interval(i, on[sid]) for sid, i in zip(inst.sessions, ids, strict=True)]
            m.add_cumulative(intervals, [n] + [1] * n, n)
        else:
            self._dependency(inst, ids, when(inst.sessions[0]))

    def _dependency(self, inst: Instance, ids: list[int], on: list[cp_model.IntVar]) -> None:
        frame, m = self.frame, self.m
        a, b = ids
        rule = inst.rule
        if rule in (Rule.DEPENDENCY_BEFORE, Rule.DEPENDENCY_BACK_TO_BACK):
            assert inst.item is not None
            dep = frame.problem.dependencies[inst.item]
            end_a = self._timeline_of(a) + frame.minutes(a) + dep.gap
            if dep.relation is Relation.BEFORE:
                m.add(end_a <= self._timeline_of(b)).only_enforce_if(on)
            else:
                m.add(end_a == self._timeline_of(b)).only_enforce_if(on)
                m.add(self._day_of(a) == self._day_of(b)).only_enforce_if(on)
        elif rule is Rule.DEPENDENCY_SAME_DAY:
            m.add(self._day_of(a) == self._day_of(b)).only_enforce_if(on)
        elif rule is Rule.DEPENDENCY_DIFFERENT_DAY:
            m.add(self._day_of(a) != self._day_of(b)).only_enforce_if(on)
        else:  # pragma: no cover - every switchable rule is handled
            raise ValueError(f"no explain model for {rule.value}")


def _anchored(inst: Instance) -> int:
    """How many of an instance's first sessions are its own, never cut (a plenary's)."""
    return 1 if inst.rule is Rule.PLENARY_EXCLUSIVE else 0


@dataclass
class _Budget:
    """The overall deadline, and how many solves were made."""

    deadline: float
    workers: int
    seed: int
    solves: int = 0
    ran_out: bool = False

    def left(self) -> float:
        return self.deadline - time.perf_counter()

    def solver(self, limit: float, *, presolve: bool = True, workers: int | None = None) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.max_time_in_seconds = max(0.01, min(limit, self.left()))
        p.num_workers = workers or self.workers
        p.random_seed = self.seed
        p.cp_model_presolve = presolve
        self.solves += 1
        return solver


_VERDICT = {cp_model.INFEASIBLE: Verdict.INFEASIBLE, cp_model.FEASIBLE: Verdict.FEASIBLE}


def _verdict(code: cp_model.CpSolverStatus) -> Verdict:
    if code == cp_model.OPTIMAL:
        return Verdict.FEASIBLE
    if code == cp_model.MODEL_INVALID:
        raise RuntimeError("internal error: invalid explain model")
    return _VERDICT.get(code, Verdict.UNKNOWN)


def _solve_alone(frame: _Frame, chosen: Sequence[Instance], budget: _Budget, limit: float) -> Verdict:
    """Solve the chosen instances alone, as plain constraints (the verification)."""
    if budget.left() <= 0:
        budget.ran_out = True
        return Verdict.UNKNOWN
    model = _Model(frame, chosen)
    verdict = _verdict(budget.solver(limit).solve(model.m))
    if verdict is Verdict.UNKNOWN:
        budget.ran_out = True
    return verdict


def check_instances(problem: Problem, chosen: Sequence[Instance], time_limit: float = 10.0) -> Verdict:
    """Whether the chosen rule instances alone (with the frame) can hold together."""
    budget = _Budget(time.perf_counter() + time_limit, workers=1, seed=0)
    return _solve_alone(_Frame(prepare(problem)), chosen, budget, time_limit)


def _shrink(items: list[T], infeasible: Callable[[list[T]], Verdict], chunk: int = 0) -> tuple[list[T], bool]:
    """Deletion filter, in halving chunks: drop every chunk whose removal keeps the set
    infeasible. Returns what is kept, and whether each kept item was shown necessary
    (its removal gave a schedule, not a time-out)."""
    keep = list(items)
    proven = True
    chunk = chunk or max(1, len(keep) // 2)
    while True:
        i = 0
        while i < len(keep):
            trial = keep[:i] + keep[i + chunk :]
            verdict = infeasible(trial)
            if verdict is Verdict.INFEASIBLE:
                keep = trial
            else:
                if verdict is Verdict.UNKNOWN and chunk == 1:
                    proven = False
                i += chunk
        if chunk == 1:
            return keep, proven
        chunk = max(1, chunk // 2)


def find_core(
    problem: Problem,
    data: Prepared | None = None,
    time_limit: float = 20.0,
    workers: int = 1,
    seed: int = 0,
    decide_within: float | None = None,
) -> Core:
    """A minimal, verified set of rule instances that cannot hold together, if any.

    ``decide_within`` caps the first search (is there a schedule at all?) so that a caller
    can try another way to tell with the rest of the time."""
    started = time.perf_counter()
    budget = _Budget(started + time_limit, workers, seed)
    frame = _Frame(data if data is not None else prepare(problem))
    every = rule_instances(frame)

    def done(verdict: Verdict, instances: Sequence[Instance] = (), **kw: object) -> Core:
        return Core(
            verdict,
            tuple(instances),
            seconds=time.perf_counter() - started,
            solves=budget.solves,
            **kw,  # type: ignore[arg-type]
        )

    if budget.left() <= 0:
        return done(Verdict.UNKNOWN)
    # 1. everything behind switches, all assumed: is there a schedule, and if not, a first core
    full = _Model(frame, every, switch="instance")
    full.assume_all()
    # presolve off: with it, the core may name literals that were never assumed (OR-Tools #5141);
    # one worker: the core comes from the search that proves infeasibility
    first = budget.left() if decide_within is None else min(decide_within, budget.left())
    solver = budget.solver(first, presolve=False, workers=1)
    verdict = _verdict(solver.solve(full.m))
    if verdict is not Verdict.INFEASIBLE:
        return done(verdict)
    found = {full.lits[v][0] for v in solver.sufficient_assumptions_for_infeasibility() if v in full.lits}
    order = {inst: n for n, inst in enumerate(every)}
    core = sorted(found, key=order.__getitem__) or list(every)

    # 2. verify it alone; if it does not hold up, start from every instance
    step = max(0.5, min(5.0, time_limit / 4))

    def infeasible(chosen: list[Instance]) -> Verdict:
        return _solve_alone(frame, chosen, budget, step)

    if infeasible(core) is not Verdict.INFEASIBLE:
        core = list(every)
        if infeasible(core) is not Verdict.INFEASIBLE:
            # the whole set is infeasible (step 1) but could not be re-proved in time
            return done(Verdict.INFEASIBLE, core, minimal=False)

    # 3. shrink to a minimal set of instances, each kept one shown necessary
    core, minimal = _shrink(core, infeasible)
    minimal = minimal and not budget.ran_out

    # 4. the sessions that matter inside each instance: first what the search names,
    # verified; then one at a time while the set is small and time is left (best effort:
    # the instances stay minimal whatever is left in them)
    for shrunk in (_linked(core), _members(frame, _linked(core), budget, step / 2)):
        if shrunk != core and infeasible(shrunk) is Verdict.INFEASIBLE:
            core = shrunk
    for n, inst in enumerate(list(core)):
        own = _anchored(inst)
        members = list(inst.sessions[own:])
        if inst.rule not in SHRINKABLE or len(members) <= 1 or len(members) > 12 or budget.left() < step:
            continue
        rest = core[:n] + core[n + 1 :]

        def without(
            fewer: list[str], inst: Instance = inst, rest: list[Instance] = rest, own: int = own
        ) -> Verdict:
            if not fewer:
                return Verdict.FEASIBLE
            return infeasible([*rest, replace(inst, sessions=(*inst.sessions[:own], *fewer))])

        kept, _ = _shrink(members, without, chunk=1)
        core[n] = replace(inst, sessions=(*inst.sessions[:own], *kept))

    # 5. which single instance, dropped, leaves the whole problem schedulable (if time allows)
    sufficient: list[Instance] = []
    if budget.left() > 1.0:
        each = min(2.0, budget.left() / (len(core) + 1))
        for inst in core:
            switch = next(e for e in every if _same_switch(e, inst))

            def dropped(e: Instance, _sid: str | None, switch: Instance = switch) -> bool:
                return e == switch

            full.assume_all(but=dropped)
            if _verdict(budget.solver(each, presolve=False, workers=1).solve(full.m)) is Verdict.FEASIBLE:
                sufficient.append(inst)
    return done(Verdict.INFEASIBLE, core, minimal=minimal, sufficient=tuple(sufficient))


#: Rules that bind one session at a time: a session bound by nothing else in a set can be
#: placed by itself (the pre-checks found each session some start and room), so it is no
#: part of the conflict.
_ONE_AT_A_TIME = (*_START_RULES, *_ROOM_RULES, Rule.ROOM_AVAILABLE)


def _linked(core: list[Instance]) -> list[Instance]:
    """The core with each one-session-at-a-time instance cut to the sessions that some rule
    between sessions in the core also binds."""
    linked = {s for inst in core if inst.rule not in _ONE_AT_A_TIME for s in inst.sessions}
    out = []
    for inst in core:
        if inst.rule in _ONE_AT_A_TIME and inst.rule in SHRINKABLE:
            keep = tuple(s for s in inst.sessions if s in linked)
            inst = replace(inst, sessions=keep) if keep else inst
        out.append(inst)
    return out


def _members(frame: _Frame, core: list[Instance], budget: _Budget, limit: float) -> list[Instance]:
    """The core with each shrinkable instance cut down to the sessions the search names
    (one literal per session it binds); the core unchanged if the search cannot tell."""
    if not any(inst.rule in SHRINKABLE for inst in core) or budget.left() <= 0:
        return core
    model = _Model(frame, core, switch="member")
    model.assume_all()
    solver = budget.solver(limit, presolve=False, workers=1)
    if _verdict(solver.solve(model.m)) is not Verdict.INFEASIBLE:
        return core
    named: dict[Instance, set[str]] = defaultdict(set)
    for v in solver.sufficient_assumptions_for_infeasibility():
        if v in model.lits:
            inst, sid = model.lits[v]
            if sid is not None:
                named[inst].add(sid)
    out = []
    for inst in core:
        if inst.rule in SHRINKABLE:
            own = _anchored(inst)
            keep = tuple(s for s in inst.sessions[own:] if s in named[inst])
            inst = replace(inst, sessions=(*inst.sessions[:own], *keep)) if keep else inst
        out.append(inst)
    return out


def _same_switch(a: Instance, b: Instance) -> bool:
    """Whether ``b`` is ``a`` or ``a`` with fewer sessions."""
    return (
        a.rule is b.rule
        and a.people == b.people
        and a.rooms == b.rooms
        and a.item == b.item
        and set(b.sessions) <= set(a.sessions)
        and a.sessions[: _anchored(a)] == b.sessions[: _anchored(b)]
    )
