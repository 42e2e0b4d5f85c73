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
    (dependency_*) in the problem. For plenary_exclusive, ``sessions`` is the
    plenary and one session that may not run beside it."""

    rule: Rule
    sessions: tuple[str, ...]
    people: tuple[str, ...] = ()
    rooms: tuple[str, ...] = ()
    item: int | None = None


#: Rules whose instance binds a set of sessions that can be cut down to those that matter.
SHRINKABLE = (Rule.PERSON_NO_OVERLAP, Rule.ROOM_NO_OVERLAP)

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
        self._bad_starts: dict[Instance, list[int]] = {}

    def minutes(self, i: int) -> int:
        return self.data.length[i] * self.data.slot_minutes

    def starts_where(self, i: int, forbidden: Callable[[int], bool]) -> list[int]:
        """The frame starts of session i for which ``forbidden(g)`` holds."""
        return [g for g in self.starts[i] if forbidden(g)]

    def bad_starts(self, inst: Instance) -> list[int]:
        """The starts of the instance's (first) session that a one-session rule forbids."""
        if inst not in self._bad_starts:
            self._bad_starts[inst] = self._compute_bad_starts(inst)
        return self._bad_starts[inst]

    def _compute_bad_starts(self, inst: Instance) -> list[int]:
        problem, slots = self.problem, self.data.slots
        i = self.index[inst.sessions[0]]
        sess = problem.sessions[i]
        dur = self.minutes(i)
        rule = inst.rule
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
            return self.starts_where(
                i,
                lambda g: problem.is_unavailable(
                    sess.id, slots[g].date, slots[g].start, slots[g].start + dur
                ),
            )
        if rule is Rule.PERSON_AVAILABLE:
            return self.starts_where(
                i,
                lambda g: any(
                    problem.is_unavailable(p, slots[g].date, slots[g].start, slots[g].start + dur)
                    for p in inst.people
                ),
            )
        if rule is Rule.ROOM_AVAILABLE:
            return self.starts_where(
                i,
                lambda g: problem.is_unavailable(
                    inst.rooms[0], slots[g].date, slots[g].start, slots[g].start + dur
                ),
            )
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
    out: list[Instance] = []
    # breaks, per break and session
    for b in range(len(problem.breaks)):
        for s in problem.sessions:
            out.append(Instance(Rule.CLEAR_OF_BREAKS, (s.id,), item=b))
    # availability: the session's own, its required people's (grouped by the same effect), rooms'
    for s in problem.sessions:
        out.append(Instance(Rule.SESSION_AVAILABLE, (s.id,)))
        by_effect: dict[tuple[int, ...], list[str]] = defaultdict(list)
        for p in sorted(problem.required_people[s.id]):
            if p in problem.unavailable:
                bad = frame.bad_starts(Instance(Rule.PERSON_AVAILABLE, (s.id,), people=(p,)))
                if bad:
                    by_effect[tuple(bad)].append(p)
        for people in by_effect.values():
            out.append(Instance(Rule.PERSON_AVAILABLE, (s.id,), people=tuple(people)))
    for r in problem.rooms:
        if r.id in problem.unavailable:
            for s in problem.sessions:
                out.append(Instance(Rule.ROOM_AVAILABLE, (s.id,), rooms=(r.id,)))
    # rooms a session may use
    for s in problem.sessions:
        out.append(Instance(Rule.ROOM_CAPACITY, (s.id,)))
        out.append(Instance(Rule.ROOM_FEATURES, (s.id,)))
    # fixed values
    for s in problem.sessions:
        if s.day is not None:
            out.append(Instance(Rule.FIXED_DAY, (s.id,)))
        if s.start is not None:
            out.append(Instance(Rule.FIXED_START, (s.id,)))
        if s.room is not None:
            out.append(Instance(Rule.FIXED_ROOM, (s.id,)))
    # rules between sessions
    all_ids = tuple(s.id for s in problem.sessions)
    if len(all_ids) > 1:
        for r in problem.rooms:
            out.append(Instance(Rule.ROOM_NO_OVERLAP, all_ids, rooms=(r.id,)))
    by_sessions: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for p in problem.participants:
        mine = tuple(s.id for s in problem.sessions if p.id in problem.required_people[s.id])
        if len(mine) > 1:
            by_sessions[mine].append(p.id)
    for mine, people in by_sessions.items():
        out.append(Instance(Rule.PERSON_NO_OVERLAP, mine, people=tuple(people)))
    for i, pl in enumerate(problem.sessions):
        if pl.is_plenary:
            for j, other in enumerate(problem.sessions):
                if j != i and not (other.is_plenary and j < i):
                    out.append(Instance(Rule.PLENARY_EXCLUSIVE, (pl.id, other.id)))
    for d, dep in enumerate(problem.dependencies):
        out.append(Instance(DEPENDENCY_RULES[dep.relation.value], (dep.first, dep.second), item=d))
    return [inst for inst in out if _binds(frame, inst)]


def _binds(frame: _Frame, inst: Instance) -> bool:
    """Whether an instance forbids anything at all (an idle switch only slows the search)."""
    if inst.rule in _START_RULES or inst.rule is Rule.ROOM_AVAILABLE:
        return bool(frame.bad_starts(inst))
    if inst.rule in _ROOM_RULES:
        return bool(frame.bad_rooms(inst))
    return True


class _Model:
    """A CP-SAT model of the frame plus chosen instances, each behind a switch or not.

    With ``switched``, each instance is enforced by its own literal (``lits``); without,
    the instances are plain constraints and only the sessions they bind are modelled
    (any other session fits the frame anywhere, so it cannot matter)."""

    def __init__(self, frame: _Frame, chosen: Iterable[Instance], switched: bool):
        self.frame = frame
        self.m = cp_model.CpModel()
        self.switched = switched
        chosen = list(chosen)
        problem = frame.problem
        if switched:
            modelled = set(range(len(problem.sessions)))
        else:
            modelled = {frame.index[s] for inst in chosen for s in inst.sessions}
        self.x: dict[int, dict[int, cp_model.IntVar]] = {}
        self.y: dict[int, dict[int, cp_model.IntVar]] = {}
        self.start: dict[int, cp_model.IntVar] = {}
        self.interval: dict[int, cp_model.IntervalVar] = {}
        self._timeline: dict[int, cp_model.IntVar] = {}
        self._day: dict[int, cp_model.IntVar] = {}
        for i in sorted(modelled):
            self._session(i)
        self.lits: dict[int, Instance] = {}
        for inst in chosen:
            lit = None
            if switched:
                lit = self.m.new_bool_var(f"on[{inst.rule.value}:{','.join(inst.sessions[:3])}]")
                self.lits[lit.index] = inst
            self._add(inst, lit)

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

    def _add(self, inst: Instance, lit: cp_model.IntVar | None) -> None:
        frame, m = self.frame, self.m
        on = [lit] if lit is not None else []
        rule = inst.rule
        ids = [frame.index[s] for s in inst.sessions]
        if rule in _START_RULES:
            i = ids[0]
            bad = frame.bad_starts(inst)
            if bad:
                m.add_bool_and([~self.x[i][g] for g in bad]).only_enforce_if(on)
        elif rule in _ROOM_RULES:
            i = ids[0]
            bad = frame.bad_rooms(inst)
            if bad:
                m.add_bool_and([~self.y[i][k] for k in bad]).only_enforce_if(on)
        elif rule is Rule.ROOM_AVAILABLE:
            i, k = ids[0], frame.room_index[inst.rooms[0]]
            bad = frame.bad_starts(inst)
            if bad:
                m.add_bool_and([~self.x[i][g] for g in bad]).only_enforce_if([self.y[i][k], *on])
        elif rule is Rule.ROOM_NO_OVERLAP:
            k = frame.room_index[inst.rooms[0]]
            intervals = []
            for i in ids:
                y = self.y[i][k]
                if lit is None:
                    presence = y
                else:  # present exactly when the session is in the room and the rule is on
                    presence = m.new_bool_var("")
                    m.add_implication(presence, y)
                    m.add_bool_or([~y, ~lit, presence])
                intervals.append(self._interval(i, presence))
            m.add_no_overlap(intervals)
        elif rule in (Rule.PERSON_NO_OVERLAP, Rule.PLENARY_EXCLUSIVE, Rule.DEPENDENCY_NOT_PARALLEL):
            m.add_no_overlap([self._interval(i, lit) for i in ids])
        elif rule in (Rule.DEPENDENCY_BEFORE, Rule.DEPENDENCY_BACK_TO_BACK):
            a, b = ids
            assert inst.item is not None
            dep = frame.problem.dependencies[inst.item]
            end_a = self._timeline_of(a) + frame.minutes(a) + dep.gap
            if dep.relation is Relation.BEFORE:
                m.add(end_a <= self._timeline_of(b)).only_enforce_if(on)
            else:
                m.add(end_a == self._timeline_of(b)).only_enforce_if(on)
                m.add(self._day_of(a) == self._day_of(b)).only_enforce_if(on)
        elif rule is Rule.DEPENDENCY_SAME_DAY:
            a, b = ids
            m.add(self._day_of(a) == self._day_of(b)).only_enforce_if(on)
        elif rule is Rule.DEPENDENCY_DIFFERENT_DAY:
            a, b = ids
            m.add(self._day_of(a) != self._day_of(b)).only_enforce_if(on)
        else:  # pragma: no cover - every switchable rule is handled above
            raise ValueError(f"no explain model for {rule.value}")


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


def _verdict(code: int) -> Verdict:
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
    model = _Model(frame, chosen, switched=False)
    verdict = _verdict(budget.solver(limit).solve(model.m))
    if verdict is Verdict.UNKNOWN:
        budget.ran_out = True
    return verdict


def check_instances(problem: Problem, chosen: Sequence[Instance], time_limit: float = 10.0) -> Verdict:
    """Whether the chosen rule instances alone (with the frame) can hold together."""
    budget = _Budget(time.perf_counter() + time_limit, workers=1, seed=0)
    return _solve_alone(_Frame(prepare(problem)), chosen, budget, time_limit)


def _shrink(items: list[T], infeasible: Callable[[list[T]], Verdict]) -> tuple[list[T], bool]:
    """Deletion filter, in halving chunks: drop every chunk whose removal keeps the set
    infeasible. Returns what is kept, and whether each kept item was shown necessary
    (its removal gave a schedule, not a time-out)."""
    keep = list(items)
    proven = True
    chunk = max(1, len(keep) // 2)
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
) -> Core:
    """A minimal, verified set of rule instances that cannot hold together, if any."""
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
    full = _Model(frame, every, switched=True)
    full.m.add_assumptions([full.m.get_bool_var_from_proto_index(v) for v in full.lits])
    # presolve off: with it, the core may name literals that were never assumed (OR-Tools #5141);
    # one worker: the core comes from the search that proves infeasibility
    solver = budget.solver(budget.left(), presolve=False, workers=1)
    verdict = _verdict(solver.solve(full.m))
    if verdict is not Verdict.INFEASIBLE:
        return done(verdict)
    found = [full.lits[v] for v in solver.sufficient_assumptions_for_infeasibility() if v in full.lits]
    order = {inst: n for n, inst in enumerate(every)}
    core = sorted(set(found), key=order.__getitem__) or list(every)

    # 2. verify it alone; if it does not hold up, start from every instance
    step = max(0.5, min(5.0, time_limit / 4))

    def infeasible(chosen: list[Instance]) -> Verdict:
        return _solve_alone(frame, chosen, budget, step)

    if infeasible(core) is not Verdict.INFEASIBLE:
        core = list(every)
        if infeasible(core) is not Verdict.INFEASIBLE:
            # the whole set is infeasible (step 1) but could not be re-proved in time
            return done(Verdict.INFEASIBLE, core, minimal=False)

    # 3. shrink: first whole instances, then the sessions inside each no-overlap
    core, minimal = _shrink(core, infeasible)
    origin: dict[Instance, Instance] = {}
    for n, inst in enumerate(list(core)):
        if inst.rule not in SHRINKABLE or len(inst.sessions) <= 2:
            continue
        rest = core[:n] + core[n + 1 :]

        def members_infeasible(
            members: list[str], inst: Instance = inst, rest: list[Instance] = rest
        ) -> Verdict:
            if len(members) < 2:
                return Verdict.FEASIBLE
            return infeasible([*rest, replace(inst, sessions=tuple(members))])

        kept, proven = _shrink(list(inst.sessions), members_infeasible)
        core[n] = replace(inst, sessions=tuple(kept))
        origin[core[n]] = inst
        minimal = minimal and proven
    minimal = minimal and not budget.ran_out

    # 4. which single instance, dropped, leaves the whole problem schedulable (if time allows)
    sufficient: list[Instance] = []
    if budget.left() > 1.0:
        each = min(2.0, budget.left() / (len(core) + 1))
        for inst in core:
            switch = origin.get(inst, inst)
            full.m.clear_assumptions()
            full.m.add_assumptions(
                [full.m.get_bool_var_from_proto_index(v) for v, e in full.lits.items() if e != switch]
            )
            if _verdict(budget.solver(each, presolve=False, workers=1).solve(full.m)) is Verdict.FEASIBLE:
                sufficient.append(inst)
    return done(Verdict.INFEASIBLE, core, minimal=minimal, sufficient=tuple(sufficient))
