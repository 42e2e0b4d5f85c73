"""Solve a Problem with OR-Tools CP-SAT.

The only package that imports OR-Tools (its modules: the model in cpsat.py,
the neighbourhood search in lns.py, the explain model in explain.py). ``solve``
takes a Problem and options and returns a SolveResult (status enum, schedule,
figures); the outcome of a search is never an exception.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path

from ortools.sat.python import cp_model

from planner.model import Problem, Schedule
from planner.rules import SoftGoal
from planner.solver.anneal import anneal_many, spared, supports
from planner.solver.construct import Placement, construct
from planner.solver.cpsat import (
    DEFAULT_CONFIG,
    Constraints,
    ModelConfig,
    Objective,
    Variables,
    shift_safe,
)
from planner.solver.lns import improve
from planner.solver.prepare import Blocked, Prepared, prepare


class Status(str, Enum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"  # no schedule found within the time limit, and none proven impossible

    @property
    def has_schedule(self) -> bool:
        return self in (Status.OPTIMAL, Status.FEASIBLE)


@dataclass(frozen=True)
class Options:
    time_limit: float = 30.0
    seed: int = 0
    workers: int = 0  # CP-SAT's threads and annealing processes; 0: auto (_workers, _annealers)
    previous: Schedule | None = None  # hint the search with it
    log: bool = False
    model: ModelConfig = DEFAULT_CONFIG
    #: CP-SAT's probing level (None: CP-SAT's default). 0 measured better on every size:
    #: on 600 people, default probing spent 25 s of a 30 s limit in presolve.
    probing: int | None = 0
    #: first the rules alone (stops at the first schedule), then the goals, hinted with it.
    #: None: when a per-person goal (people's days, fairness) is weighted. Measured: ITC2007
    #: #17 with them, no schedule in 60 s in one phase, the first in 0.7 s in two; on the
    #: example and generated alliances without them, no clear gain either way (30 s runs).
    rules_first: bool | None = None
    #: after the full model's search, large neighbourhood search (planner/solver/lns.py) for
    #: the time left. None: as rules_first, and for meetings of more than LNS_SESSIONS
    #: sessions. Measured at 60 s: ITC2007 #7 1,836 -> 1,342; generated large (248 sessions)
    #: 9,835 -> 6,262; xl 42,910 -> 43,718 (no gain, no harm); the example 1,205 -> 1,147.
    lns: bool | None = None
    #: simulated annealing (planner/solver/anneal.py) from the rules-only phase's schedule,
    #: before the full model. Only with rules_first. None: when the annealer scores every
    #: weighted goal (see ``anneal.supports``), rules_first holds (per-person goals are
    #: weighted) and the meeting has ANNEAL_SESSIONS sessions or more; measured in
    #: benchmarks/results/itc2007-anneal.md.
    anneal: bool | None = None
    #: extra CP-SAT parameters by name, for experiments and benchmarks
    parameters: tuple[tuple[str, float | int | bool], ...] = ()


@dataclass(frozen=True)
class Progress:
    """A new best schedule during the search."""

    seconds: float
    objective: float
    #: the best lower bound proven so far; None where the schedule came from outside the
    #: full model (construction, rules only, annealing) before it proved any
    bound: float | None
    solutions: int


@dataclass(frozen=True)
class SolveResult:
    status: Status
    schedule: Schedule | None
    objective: int | None = None
    best_bound: float | None = None
    seconds: float = 0.0
    first_solution_seconds: float | None = None
    solutions: int = 0
    #: figure of each soft goal in the returned schedule, as the solver counted it
    soft: dict[str, int] = field(default_factory=dict)
    #: sessions that lost every start or room before the search (infeasible at once)
    blocked: tuple[Blocked, ...] = ()


class _Reporter:
    """Tells ``on_progress`` of each new best schedule, numbered on: the construction, the
    rules-only phase, the full model, the annealer and LNS may each find one, some of them at
    once (threads), and a schedule no better than one already shown is not shown again."""

    def __init__(self, started: float, on_progress: Callable[[Progress], None] | None):
        self.started = started
        self.on_progress = on_progress
        self.lock = threading.Lock()
        self.best = math.inf
        self.solutions = 0  # the schedules shown

    def offer(self, objective: float, bound: float | None) -> None:
        with self.lock:
            if objective >= self.best:
                return
            self.best = objective
            self.solutions += 1
            if self.on_progress is not None:
                seconds = time.perf_counter() - self.started
                self.on_progress(Progress(seconds, objective, bound, self.solutions))


class _Watcher(cp_model.CpSolverSolutionCallback):
    def __init__(self, reporter: _Reporter, should_stop: Callable[[], bool] | None):
        super().__init__()
        self.reporter = reporter
        self.should_stop = should_stop
        self.first: float | None = None  # when the full model found its first schedule

    def on_solution_callback(self) -> None:
        if self.first is None:
            self.first = time.perf_counter() - self.reporter.started
        self.reporter.offer(self.objective_value, self.best_objective_bound)
        if self.should_stop is not None and self.should_stop():
            self.stop_search()


def build(
    data: Prepared, config: ModelConfig = DEFAULT_CONFIG, previous: Schedule | None = None
) -> tuple[cp_model.CpModel, Variables, Objective]:
    """The CP-SAT model of a prepared problem (for solving, explaining and inspection);
    with a previous schedule, changes from it are a soft goal too."""
    model = cp_model.CpModel()
    variables = Variables(model, data, starts=not config.time_indexed)
    Constraints(model, data, variables, config, previous).add_all()
    objective = Objective(model, data, variables, config)
    objective.build(previous)
    return model, variables, objective


def solve(
    problem: Problem,
    options: Options = Options(),
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> SolveResult:
    """Find a schedule that breaks no hard rule and minimises the weighted soft goals.

    A construction heuristic runs beside the search throughout; its schedule is shown as
    progress the moment it is found. With ``rules_first`` (see Options) the search has
    three phases: the rules alone, until a first schedule (CP-SAT's or the construction's);
    the full model hinted with it, for a share of the time; large neighbourhood search for
    the rest. With ``anneal`` too (see Options), simulated annealing improves the first
    schedule for ANNEAL_SHARE of the time left before the full model (which, at 1, is
    never built). Otherwise the full model has all the time. The best schedule in hand when
    time is up is the answer, whichever search found it."""
    started = time.perf_counter()
    data = prepare(problem)
    if data.blocked:
        return SolveResult(
            Status.INFEASIBLE, None, seconds=time.perf_counter() - started, blocked=tuple(data.blocked)
        )

    def left() -> float:
        return max(0.1, options.time_limit - (time.perf_counter() - started))

    phased = _rules_first(problem, options)
    lns = _lns(problem, options)
    annealing = phased and _anneal(problem, options)
    config = _config(problem, options, phased or lns)
    running: list[cp_model.CpSolver] = []  # every search under way (a stop reaches them all)
    first_phase: list[cp_model.CpSolver] = []  # the rules-only search, while it runs
    done = threading.Event()
    built = threading.Event()  # the construction may stop: a schedule is in hand
    reporter = _Reporter(started, on_progress)
    #: schedules found outside the full model (construction, rules only), scored by the checker
    opening: list[_Found] = []
    #: with a previous schedule, the checker's figures leave out the changes from it, so a
    #: schedule from outside the full model is only a last resort (and not shown before)
    compare = options.previous is None

    def scored(placement: Placement, at: float) -> _Found:
        value, soft = _figures(problem, data.to_schedule(placement))
        return _Found(placement, value, soft, at)

    def build_first() -> None:
        placed = construct(
            data, seconds=options.time_limit, seed=options.seed, stop=lambda: done.is_set() or built.is_set()
        )
        if placed is not None:
            found = scored(placed, time.perf_counter() - started)
            opening.append(found)
            for solver in list(first_phase):  # the rules-only phase has its first schedule
                solver.stop_search()
            if compare:
                reporter.offer(found.objective, None)

    def watch_stop() -> None:  # a stop asked for between two schedules ends the search too
        while not done.wait(0.2):
            if should_stop is not None and should_stop():
                for solver in list(running):  # again every 0.2 s: a phase may start later
                    solver.stop_search()

    # The construction runs beside the search (which leaves Python's lock while it works),
    # so it costs the search no time.
    helpers = [threading.Thread(target=build_first, name="construct", daemon=True)]
    if should_stop is not None:
        helpers.append(threading.Thread(target=watch_stop, name="stop", daemon=True))
    for h in helpers:
        h.start()
    watcher = _Watcher(reporter, should_stop)
    annealed: _Found | None = None
    try:
        if phased:
            code, ruled = _rules_only(data, options, left(), [running, first_phase], opening)
            if code == cp_model.INFEASIBLE:
                return SolveResult(Status.INFEASIBLE, None, seconds=time.perf_counter() - started)
            if ruled is not None:
                opening.append(scored(ruled, time.perf_counter() - started))
                reporter.offer(opening[-1].objective, None)
        if annealing and opening:
            built.set()
            annealed = _annealed(data, options, _best(opening), left, reporter, should_stop)
            if ANNEAL_SHARE >= 1 or left() <= 1 or (should_stop is not None and should_stop()):
                return _annealed_result(problem, data, annealed, started, opening, reporter)
        model, v, objective = build(data, config, options.previous)
        if options.previous is not None:
            v.hint(options.previous)
        elif annealed is not None:
            v.hint(data.to_schedule(annealed.placement))
        elif phased and opening:
            v.hint(data.to_schedule(_best(opening).placement))
        # Otherwise the constructed schedule is not a hint: measured on 600 people, hinting
        # it made the search settle three times worse (12,516 against 4,063 at 60 s).
        solver = _solver(problem, options, left(), proving=not (phased or lns))
        running.append(solver)
        phase_over = threading.Event()
        if lns:  # the full model's share is up once spent and a schedule is in hand

            def hand_over() -> None:
                share_ends = time.perf_counter() + left() * LNS_FULL_SHARE
                while not phase_over.wait(0.2):
                    if time.perf_counter() >= share_ends and (watcher.first is not None or opening):
                        solver.stop_search()
                        return

            threading.Thread(target=hand_over, name="lns-share", daemon=True).start()
        code = solver.solve(model, watcher)
        phase_over.set()
        if code == cp_model.MODEL_INVALID:
            raise RuntimeError(f"internal error: invalid CP-SAT model: {model.validate()}")
        found = None
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            soft = {goal: int(solver.value(expr)) for goal, expr in objective.terms.items()}
            found = _Found(_placement(solver, v), round(solver.objective_value), soft, watcher.first or 0.0)
            found = _checked(problem, data, found)
        # The best in hand: the full model's, the annealer's or one found outside (a tie
        # goes to the full model's, which may be proven optimal).
        candidates = [c for c in (found, annealed) if c is not None]
        if compare or not candidates:
            candidates += opening
        best = min(candidates, key=lambda c: c.objective, default=None)
        bound = solver.best_objective_bound
        if lns and code in (cp_model.FEASIBLE, cp_model.UNKNOWN) and best is not None and left() > 1:
            done.set()  # a schedule is in hand: the construction can stop
            improved = improve(
                data,
                model,
                v,
                objective,
                best.placement,
                best.objective,
                deadline=started + options.time_limit,
                seed=options.seed,
                workers=min(2, options.workers) if options.workers > 0 else 2,
                should_stop=should_stop or (lambda: False),
                on_better=lambda imp: reporter.offer(imp.objective, bound),
            )
            if improved is not None:  # the neighbourhood search bettered it (its figures are
                # the model's: scored again, as the full model's schedule was)
                best = _checked(
                    problem, data, _Found(improved.placement, improved.objective, improved.soft, best.at)
                )
    finally:
        done.set()
        for h in helpers:
            h.join()
    seconds = time.perf_counter() - started
    status = {
        cp_model.OPTIMAL: Status.OPTIMAL,
        cp_model.FEASIBLE: Status.FEASIBLE,
        cp_model.INFEASIBLE: Status.INFEASIBLE,
    }.get(code, Status.UNKNOWN)
    if best is None:
        return SolveResult(status, None, seconds=seconds, solutions=reporter.solutions)
    if best is not found:
        status = Status.FEASIBLE
    reporter.offer(best.objective, bound)  # shown already, unless it was a last resort (or LNS's
    # last schedule was shown with a literal left above its figure)
    first = min(
        [o.at for o in opening] + ([watcher.first] if watcher.first is not None else []), default=seconds
    )
    return _result(
        problem,
        data,
        status,
        best.placement,
        best.objective,
        dict(best.soft),
        bound,
        seconds,
        first,
        max(1, reporter.solutions),
    )


@dataclass(frozen=True)
class _Found:
    """A schedule in hand: its weighted objective and figures, and when it was found."""

    placement: Placement
    objective: int
    soft: dict[str, int]
    at: float


def _checked(problem: Problem, data: Prepared, found: _Found) -> _Found:
    """A schedule in hand with its figures as the checker counts them. The model's figures
    are those of its literals, and some are only implied one way (an optional clash by the
    overlap, a group's extra room by its use): a search stopped before its optimum may
    leave one set where the schedule does not need it, above the true figure (seen once,
    150 points over, on an outside 120-person workbook). The changes from a previous
    schedule, which the checker does not count, stay the model's (their literals are the
    start and room literals themselves, so they are exact)."""
    value, soft = _figures(problem, data.to_schedule(found.placement))
    change = SoftGoal.CHANGE.value
    if change in found.soft:
        soft[change] = found.soft[change]
        value += problem.event.weight(change) * found.soft[change]
    return replace(found, objective=value, soft=soft)


def _best(found: list[_Found]) -> _Found:
    """The best of some schedules (not empty); of equals, the first found."""
    return min(found, key=lambda f: (f.objective, f.at))


#: with LNS to follow, the share of the time left that the full model's search gets
LNS_FULL_SHARE = 0.3
#: the share of the time left after the rules-only phase that the annealer gets; at 1 the
#: full model is never built (measured in benchmarks/results/itc2007-anneal.md). At 0.7,
#: the full model and LNS after it, ITC2007 at 60 s: #9 1,948 and #3 410, against 1,424
#: and 303 at 1 (the full model and LNS bettered the annealer's schedule by nothing or
#: a few points; the annealer's last minutes still do much).
ANNEAL_SHARE = 1.0
#: of the time left, the share that a first schedule with the days' last slots spared gets
#: (anneal.spared), before the annealer
SPARE_SHARE = 0.05


def _annealed(
    data: Prepared,
    options: Options,
    origin: _Found,
    left: Callable[[], float],
    reporter: _Reporter,
    should_stop: Callable[[], bool] | None,
) -> _Found:
    """Anneal the best first schedule for ANNEAL_SHARE of the time left: the best schedule
    (``origin`` if none was better)."""
    other = spared(data, left() * SPARE_SHARE, seed=options.seed, stop=should_stop or (lambda: False))
    if other is not None:
        value, soft = _figures(data.problem, data.to_schedule(other))
        if value < origin.objective:
            origin = _Found(other, value, soft, origin.at)
            reporter.offer(value, None)
    found = anneal_many(
        data,
        origin.placement,
        deadline=time.perf_counter() + left() * ANNEAL_SHARE,
        seed=options.seed,
        stop=should_stop or (lambda: False),
        on_better=lambda objective: reporter.offer(objective, None),
        annealers=_annealers(options),
    )
    if found is None:
        return origin
    placement, value, soft = found
    return _Found(placement, value, dict(soft), origin.at)


#: searches side by side when Options.workers is 0 (auto): one per core, at most this many
#: (each holds its own copy of the data: 170-590 MB on ITC2007)
ANNEALERS = 4


def _cores() -> int:
    """The cores this process may run on, at least 1: its CPU affinity where the system tells
    it (a container pinned to 2 of a host's 64 cores counts 2), and no more than a CPU quota
    (cgroup v2 ``cpu.max``, as ``docker --cpus 2`` sets; rounded up)."""
    if hasattr(os, "sched_getaffinity"):
        cores = len(os.sched_getaffinity(0))
    else:
        cores = os.cpu_count() or 1
    quota = _cpu_quota()
    if quota is not None:
        cores = min(cores, math.ceil(quota))
    return max(1, cores)


def _cpu_quota(path: str = "/sys/fs/cgroup/cpu.max") -> float | None:
    """Cores' worth of CPU time the cgroup allows ("200000 100000": 2.0), None when unlimited
    or not known."""
    try:
        quota, period = Path(path).read_text().split()[:2]
        return int(quota) / int(period)
    except (OSError, ValueError):  # no such file, "max", or not two numbers
        return None


def _annealers(options: Options) -> int:
    """How many annealing searches run at once: Options.workers, else one per core, at most
    ANNEALERS; never more than the cores."""
    cores = _cores()
    wanted = options.workers if options.workers > 0 else ANNEALERS
    return max(1, min(wanted, cores))


def _annealed_result(
    problem: Problem,
    data: Prepared,
    annealed: _Found,
    started: float,
    opening: list[_Found],
    reporter: _Reporter,
) -> SolveResult:
    """The annealer's schedule as the answer (no bound: nothing was proven), shown last."""
    annealed = _checked(problem, data, annealed)
    reporter.offer(annealed.objective, None)  # shown already, unless its figures changed
    seconds = time.perf_counter() - started
    first = min(o.at for o in opening)
    return _result(
        problem,
        data,
        Status.FEASIBLE,
        annealed.placement,
        annealed.objective,
        dict(annealed.soft),
        None,
        seconds,
        first,
        max(1, reporter.solutions),
    )


def _placement(solver: cp_model.CpSolver, v: Variables) -> Placement:
    return {
        i: (
            next(g for g, lit in v.x[i].items() if solver.boolean_value(lit)),
            next(k for k, lit in v.y[i].items() if solver.boolean_value(lit)),
        )
        for i in range(len(v.x))
    }


def _result(
    problem: Problem,
    data: Prepared,
    status: Status,
    placement: Placement,
    objective: int,
    soft: dict[str, int],
    bound: float | None,
    seconds: float,
    first: float,
    solutions: int,
) -> SolveResult:
    """A result with the model's figures, and the checker's for goals weighted 0."""
    schedule = data.to_schedule(placement)
    if any(goal.value not in soft for goal in SoftGoal if goal is not SoftGoal.CHANGE):
        from planner.checker import soft_figures  # goals weighted 0 are not in the model

        counted, _ = soft_figures(problem, schedule)
        soft.update({goal: n for goal, n in counted.items() if goal not in soft})
    return SolveResult(
        status,
        schedule,
        objective=objective,
        best_bound=bound,
        seconds=seconds,
        first_solution_seconds=first,
        solutions=solutions,
        soft=soft,
    )


#: goals that add variables per person (and day): they make the first schedule slow to find
PER_PERSON_GOALS = (
    SoftGoal.IDLE_GAP,
    SoftGoal.IN_A_ROW,
    SoftGoal.SINGLE_DAY,
    SoftGoal.FAIR_PERSON,
    SoftGoal.FAIR_INSTITUTION,
)


#: left-justified starts (ModelConfig.left_justified) by default only where the full model
#: has the whole time: with a first schedule from elsewhere to hint or to fix parts of
#: (rules first, LNS), that schedule would have to be left-justified too. Clashes as
#: clauses (ModelConfig.clash_clauses) there too: they serve the proof, and on the big
#: meetings that share the time with LNS their number would grow with pairs x starts x starts.
def _config(problem: Problem, options: Options, schedules_from_elsewhere: bool) -> ModelConfig:
    """The model's configuration, with what the options leave open decided."""
    config = options.model
    if config.left_justified is None:
        config = replace(config, left_justified=not schedules_from_elsewhere and shift_safe(problem))
    if config.clash_clauses is None:
        config = replace(config, clash_clauses=not schedules_from_elsewhere)
    if config.time_indexed is None:
        small = len(problem.sessions) <= TIME_INDEXED_SESSIONS
        config = replace(config, time_indexed=small and not schedules_from_elsewhere)
    return config


#: the time-indexed rules (ModelConfig.time_indexed) where the full model has the whole time
#: and the meeting has at most this many sessions. Measured on 2 cores: the example (41
#: sessions) proven optimal in 6.3-7.0 s against 11.7-12.6 s (seeds 0-3); generated
#: alliances (41-47 sessions, seeds 0-9, 10 s each, benchmarks/formulations.py, results in
#: benchmarks/results/time-indexed-alliance.md): 7 of 10 proven optimal either way, sooner on
#: 4 (2.2 against 5.9 s, 1.1/2.7, 3.0/3.9, 7.2/8.6), later on 2 by 0.1-0.3 s; the other
#: 3's bounds mixed (992/976 and 1,536/1,527 higher, 1,402/1,417 lower). With solver seed 0
#: throughout: 7 proven against 6. Generated meetings of
#: 88-90 sessions at 60 s, seeds 0-3: 1,796 / 1,529 / 2,230 / 1,152 against 1,548 / 1,595 /
#: 2,223 / 1,137 on intervals, no better; hence a limit between.
TIME_INDEXED_SESSIONS = 60


def _rules_first(problem: Problem, options: Options) -> bool:
    if options.previous is not None:  # the previous schedule is the hint
        return False
    if options.rules_first is not None:
        return options.rules_first
    return any(problem.event.weight(g.value) > 0 for g in PER_PERSON_GOALS)


#: meetings with more sessions than this get the neighbourhood search after the full model
LNS_SESSIONS = 100


def _lns(problem: Problem, options: Options) -> bool:
    if options.lns is not None:
        return options.lns
    return _rules_first(problem, options) or len(problem.sessions) > LNS_SESSIONS


def _anneal(problem: Problem, options: Options) -> bool:
    if options.previous is not None:  # the annealer does not score changes
        return False
    if options.anneal is not None:
        return options.anneal and supports(problem)
    return supports(problem) and len(problem.sessions) >= ANNEAL_SESSIONS


#: meetings with at least this many sessions get the annealer by default; smaller ones are
#: left to CP-SAT, which proves their optimum (the annealer proves nothing)
ANNEAL_SESSIONS = 50


def _solver(problem: Problem, options: Options, seconds: float, proving: bool = False) -> cp_model.CpSolver:
    """A CP-SAT solver set up from the options. ``proving``: the full model has the whole
    time, so the search is set up to prove its optimum (see _proof_portfolio)."""
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = seconds
    params.random_seed = options.seed
    params.log_search_progress = options.log
    if options.probing is not None:
        params.cp_model_probing_level = options.probing
    if options.workers > 0:
        params.num_workers = options.workers
    elif proving:
        params.num_workers, subsolvers = _proof_portfolio()
        params.subsolvers.extend(subsolvers)
    else:
        params.num_workers = _workers(problem)
    if proving:
        params.core_minimization_level = 0
    for name, value in options.parameters:
        setattr(params, name, value)
    return solver


#: full-problem searches beside the core-based one, in the order more cores add them
PROOF_COMPANIONS = ("default_lp", "max_lp", "quick_restart", "no_lp", "reduced_costs", "pseudo_costs")


def _proof_portfolio() -> tuple[int, list[str]]:
    """Threads and full-problem searches where the full model has the whole time: one
    thread per core (at least 2, at most 8); the core-based search (the one that raises the
    bound: it proves the optional clashes one by one, then the seats) first, and a thread
    left for the neighbourhood searches that find the schedules. Measured on 2 cores, the
    example proven optimal at 1,147: with CP-SAT's portfolio of 4 threads (core, default_lp,
    fixed, and the neighbourhood searches time-shared) in 85-90 s; with the core-based
    search alone beside the neighbourhood searches, in 13-15 s (seeds 0-4; 11-14 s since the
    clashes are clauses, ModelConfig.clash_clauses; 5.8-6.8 s with the rules per slot,
    ModelConfig.time_indexed). On generated meetings of 240 people and
    88-90 sessions, at 60 s: 1,582 and 1,592 against 2,090 and 1,749 with the 4 threads
    (seeds 0, 1). At 145 sessions it is not used (LNS): there, this portfolio for the whole
    time gave 2,534 (2,845 with left-justified starts) against LNS's 2,507 (seed 0). Of that, CP-SAT's
    core_minimization_level 0 (set with this portfolio): level 1, the default, 40 s; with
    the 4 threads, level 0 took 28.5 s. More cores (not measured) add full-problem searches
    from PROOF_COMPANIONS."""
    workers = min(8, max(2, _cores()))
    return workers, ["core", *PROOF_COMPANIONS[: max(0, workers - 2)]]


def _rules_only(
    data: Prepared,
    options: Options,
    seconds: float,
    registers: list[list[cp_model.CpSolver]],
    opening: list[_Found],
) -> tuple[int, Placement | None]:
    """Phase one: the hard rules without the objective; CP-SAT stops at its first schedule,
    or is stopped when the construction beside it has one (``opening``)."""
    model = cp_model.CpModel()
    v = Variables(model, data)
    Constraints(model, data, v, options.model).add_all()
    solver = _solver(data.problem, options, seconds)
    for register in registers:
        register.append(solver)
    code = cp_model.UNKNOWN if opening else solver.solve(model)
    for register in registers:
        register.remove(solver)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return code, None
    return code, _placement(solver, v)


def _figures(problem: Problem, schedule: Schedule) -> tuple[int, dict[str, int]]:
    """The weighted objective and the soft figures of a schedule, as the checker counts them."""
    from planner.checker import soft_figures  # evaluation only: the figures share one definition

    soft, _ = soft_figures(problem, schedule)
    return sum(problem.event.weight(goal) * n for goal, n in soft.items()), soft


def _workers(problem: Problem) -> int:
    """Search threads when not given, and CP-SAT's own portfolio, where the full model shares
    the time with other phases (where it has the whole time: _proof_portfolio). Up to
    LNS_SESSIONS sessions: two per core, 4 to 8. Measured on 2 cores with the example
    (before _proof_portfolio): its optimum proven in 90 and 88 s (seeds 0, 1) with 4, in
    166 and 150 s with 8 (time-shared), 155 s with 2; its bound at 30 s 985 with 4, 935
    with 8. Above: 8 (CP-SAT's full portfolio; on 600 people the bound at 30 s was 2,512
    with 8, 1,936 with 4). Above 500 sessions, where each worker's copy of the model costs
    memory, one per core, 2 to 4: generated xl (1,207 sessions, seed 1) at 120 s on 2 cores,
    2 workers 39,446 in 2.6 GB against 4 workers 40,011 in 3.3 GB (5.0 GB at 8); a 3,000-
    person workbook from an outside generator took 3.5 GB with 4."""
    if len(problem.sessions) <= LNS_SESSIONS:
        return min(8, max(4, 2 * _cores()))
    return 8 if len(problem.sessions) <= 500 else min(4, max(2, _cores()))
