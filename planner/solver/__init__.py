"""Solve a Problem with OR-Tools CP-SAT.

The only module that imports OR-Tools. ``solve`` takes a Problem and options
and returns a SolveResult (status enum, schedule, figures); the outcome of a
search is never an exception.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from ortools.sat.python import cp_model

from planner.model import Problem, Schedule
from planner.rules import SoftGoal
from planner.solver.construct import Placement, construct
from planner.solver.cpsat import DEFAULT_CONFIG, Constraints, ModelConfig, Objective, Variables
from planner.solver.lns import Improvement, improve
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
    workers: int = 0  # 0: auto (see _workers)
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
    #: the time left. None: as rules_first. Measured on ITC2007 #7: the full model kept its
    #: hinted timetable (soft 1,637) for a minute; LNS brought it to 1,141 in 80 s.
    lns: bool | None = None
    #: extra CP-SAT parameters by name, for experiments and benchmarks
    parameters: tuple[tuple[str, float | int | bool], ...] = ()


@dataclass(frozen=True)
class Progress:
    """A new best schedule during the search."""

    seconds: float
    objective: float
    bound: float
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


class _Watcher(cp_model.CpSolverSolutionCallback):
    def __init__(
        self,
        started: float,
        on_progress: Callable[[Progress], None] | None,
        should_stop: Callable[[], bool] | None,
    ):
        super().__init__()
        self.started = started
        self.on_progress = on_progress
        self.should_stop = should_stop
        self.solutions = 0
        self.first: float | None = None

    def on_solution_callback(self) -> None:
        self.solutions += 1
        now = time.perf_counter() - self.started
        if self.first is None:
            self.first = now
        if self.on_progress is not None:
            self.on_progress(Progress(now, self.objective_value, self.best_objective_bound, self.solutions))
        if self.should_stop is not None and self.should_stop():
            self.stop_search()


def build(
    data: Prepared, config: ModelConfig = DEFAULT_CONFIG, previous: Schedule | None = None
) -> tuple[cp_model.CpModel, Variables, Objective]:
    """The CP-SAT model of a prepared problem (for solving, explaining and inspection);
    with a previous schedule, changes from it are a soft goal too."""
    model = cp_model.CpModel()
    variables = Variables(model, data)
    Constraints(model, data, variables, config).add_all()
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

    With ``options.rules_first`` the search runs in two phases: the rules alone (no
    objective: CP-SAT stops at the first schedule), then the full model, hinted with that
    schedule, for the time left. A construction heuristic runs beside both; whichever
    schedule is best when time is up is the answer."""
    started = time.perf_counter()
    data = prepare(problem)
    if data.blocked:
        return SolveResult(
            Status.INFEASIBLE, None, seconds=time.perf_counter() - started, blocked=tuple(data.blocked)
        )

    def left() -> float:
        return max(0.1, options.time_limit - (time.perf_counter() - started))

    current: list[cp_model.CpSolver] = []
    first_phase: list[cp_model.CpSolver] = []  # the rules-only search, while it runs
    done = threading.Event()
    constructed: list[tuple[Placement, float]] = []

    def build_first() -> None:
        placed = construct(data, seconds=options.time_limit, seed=options.seed, stop=done.is_set)
        if placed is not None:
            constructed.append((placed, time.perf_counter() - started))
            for solver in list(first_phase):  # the rules-only phase has its first schedule
                solver.stop_search()

    def watch_stop() -> None:  # a stop asked for between two schedules ends the search too
        while not done.wait(0.2):
            if should_stop is not None and should_stop():
                for solver in list(current):  # again every 0.2 s: a phase may start later
                    solver.stop_search()

    # The construction runs beside the search (which leaves Python's lock while it works),
    # so it costs the search no time; its schedule is the answer only if the search has none.
    helpers = [threading.Thread(target=build_first, name="construct", daemon=True)]
    if should_stop is not None:
        helpers.append(threading.Thread(target=watch_stop, name="stop", daemon=True))
    for h in helpers:
        h.start()
    try:
        ruled: tuple[Placement, float] | None = None
        reported = 0  # schedules reported as progress before the full model's search
        if _rules_first(problem, options):
            code, ruled = _rules_only(data, options, left(), [current, first_phase], started, constructed)
            if code == cp_model.INFEASIBLE:
                return SolveResult(Status.INFEASIBLE, None, seconds=time.perf_counter() - started)
            opening = [f for f in (ruled, *constructed) if f is not None]
            if opening and on_progress is not None:  # phase one's schedule, scored by the checker
                reported = 1
                placement, at = min(opening, key=lambda f: f[1])
                objective, _ = _figures(problem, data.to_schedule(placement))
                on_progress(Progress(at, objective, 0.0, 1))
        model, v, objective = build(data, options.model, options.previous)
        if options.previous is not None:
            v.hint(options.previous)
        elif _rules_first(problem, options) and (first := _earliest(ruled, constructed)) is not None:
            v.hint(data.to_schedule(first))
        # The constructed schedule is not given as a hint: measured on 600 people, hinting it
        # made the search settle three times worse (12,516 against 4,063 at 60 s).
        lns = _rules_first(problem, options) if options.lns is None else options.lns
        # with LNS to follow, the full model gets a share of the time: it proves small
        # meetings optimal at once, and on big ones it stalls where LNS does not
        solver = _solver(problem, options, left())
        current.append(solver)
        watcher = _Watcher(started, on_progress, should_stop)
        watcher.solutions = reported  # numbered on from phase one's schedule
        phase_over = threading.Event()
        if lns:  # the full model's share is up once spent and a schedule is in hand

            def hand_over() -> None:
                share_ends = time.perf_counter() + left() * LNS_FULL_SHARE
                while not phase_over.wait(0.2):
                    in_hand = watcher.first is not None or constructed or ruled is not None
                    if time.perf_counter() >= share_ends and in_hand:
                        solver.stop_search()
                        return

            threading.Thread(target=hand_over, name="lns-share", daemon=True).start()
        code = solver.solve(model, watcher)
        phase_over.set()
        if code == cp_model.MODEL_INVALID:
            raise RuntimeError(f"internal error: invalid CP-SAT model: {model.validate()}")
        found = _placement(solver, v) if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
        improved: Improvement | None = None
        if lns and code != cp_model.OPTIMAL and code != cp_model.INFEASIBLE and left() > 1.0:
            origin = found if found is not None else _earliest(ruled, constructed)
            if origin is not None:
                done.set()  # a schedule is in hand: the construction can stop
                value = (
                    solver.objective_value
                    if found is not None
                    else _figures(problem, data.to_schedule(origin))[0]
                )
                bound = solver.best_objective_bound

                def better(imp: Improvement) -> None:
                    if on_progress is not None:
                        watcher.solutions += 1
                        on_progress(
                            Progress(time.perf_counter() - started, imp.objective, bound, watcher.solutions)
                        )

                improved = improve(
                    data,
                    model,
                    v,
                    objective,
                    origin,
                    value,
                    deadline=started + options.time_limit,
                    seed=options.seed,
                    workers=min(2, options.workers) if options.workers > 0 else 2,
                    should_stop=should_stop or (lambda: False),
                    on_better=better,
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
    firsts = [t for t in (watcher.first, ruled[1] if ruled else None) if t is not None]
    if constructed:
        firsts.append(constructed[0][1])
    if improved is not None:
        return _result(
            problem,
            data,
            Status.FEASIBLE,
            improved.placement,
            improved.objective,
            improved.soft,
            solver.best_objective_bound,
            seconds,
            min(firsts, default=seconds),
            watcher.solutions,
        )
    if found is None:
        if status is Status.UNKNOWN:  # the search found nothing better: the first schedule found
            first = _earliest(ruled, constructed)
            if first is not None:
                at = min(f[1] for f in (ruled, *constructed) if f is not None)
                return _fallback(problem, data, (first, at), at, seconds, solver.best_objective_bound)
        return SolveResult(status, None, seconds=seconds, solutions=watcher.solutions)
    return _result(
        problem,
        data,
        status,
        found,
        round(solver.objective_value),
        {goal: int(solver.value(expr)) for goal, expr in objective.terms.items()},
        solver.best_objective_bound,
        seconds,
        min(firsts, default=seconds),
        watcher.solutions,
    )


#: with LNS to follow, the share of the time left that the full model's search gets
LNS_FULL_SHARE = 0.3


def _placement(solver: cp_model.CpSolver, v: Variables) -> Placement:
    return {
        i: (
            next(g for g, lit in v.x[i].items() if solver.boolean_value(lit)),
            next(k for k, lit in v.y[i].items() if solver.boolean_value(lit)),
        )
        for i in range(len(v.x))
    }


def _earliest(*found: tuple[Placement, float] | list[tuple[Placement, float]] | None) -> Placement | None:
    """The placement found first among phase one's and the construction's, if any."""
    candidates: list[tuple[Placement, float]] = []
    for f in found:
        if isinstance(f, list):
            candidates.extend(f)
        elif f is not None:
            candidates.append(f)
    return min(candidates, key=lambda c: c[1])[0] if candidates else None


def _result(
    problem: Problem,
    data: Prepared,
    status: Status,
    placement: Placement,
    objective: int,
    soft: dict[str, int],
    bound: float,
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


def _rules_first(problem: Problem, options: Options) -> bool:
    if options.previous is not None:  # the previous schedule is the hint
        return False
    if options.rules_first is not None:
        return options.rules_first
    return any(problem.event.weight(g.value) > 0 for g in PER_PERSON_GOALS)


def _solver(problem: Problem, options: Options, seconds: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = seconds
    params.random_seed = options.seed
    params.num_workers = options.workers if options.workers > 0 else _workers(problem)
    params.log_search_progress = options.log
    if options.probing is not None:
        params.cp_model_probing_level = options.probing
    for name, value in options.parameters:
        setattr(params, name, value)
    return solver


def _rules_only(
    data: Prepared,
    options: Options,
    seconds: float,
    registers: list[list[cp_model.CpSolver]],
    started: float,
    constructed: list[tuple[Placement, float]],
) -> tuple[int, tuple[Placement, float] | None]:
    """Phase one: the hard rules without the objective; CP-SAT stops at its first schedule
    (or when the construction beside it has one: then the construction's is phase one's)."""
    model = cp_model.CpModel()
    v = Variables(model, data)
    Constraints(model, data, v, options.model).add_all()
    solver = _solver(data.problem, options, seconds)
    for register in registers:
        register.append(solver)
    code = cp_model.UNKNOWN if constructed else solver.solve(model)
    for register in registers:
        register.remove(solver)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return code, None
    return code, (_placement(solver, v), time.perf_counter() - started)


def _figures(problem: Problem, schedule: Schedule) -> tuple[int, dict[str, int]]:
    """The weighted objective and the soft figures of a schedule, as the checker counts them."""
    from planner.checker import soft_figures  # evaluation only: the figures share one definition

    soft, _ = soft_figures(problem, schedule)
    return sum(problem.event.weight(goal) * n for goal, n in soft.items()), soft


def _workers(problem: Problem) -> int:
    """Search threads when not given: 8 (CP-SAT's full portfolio, time-shared on small
    machines), 4 above 500 sessions, where each worker's copy of the model costs memory
    (3,000 people: 5.0 GB at 8 workers, 3.3 GB at 4)."""
    return 8 if len(problem.sessions) <= 500 else 4


def _fallback(
    problem: Problem,
    data: Prepared,
    first: tuple[Placement, float] | None,
    first_at: float | None,
    seconds: float,
    bound: float | None,
) -> SolveResult:
    """A schedule found before or beside the search (rules only, or constructed) as the
    result, when the search itself found none in time."""
    if first is None:
        return SolveResult(Status.UNKNOWN, None, seconds=seconds)
    schedule = data.to_schedule(first[0])
    objective, soft = _figures(problem, schedule)
    return SolveResult(
        Status.FEASIBLE,
        schedule,
        objective=objective,
        best_bound=bound,
        seconds=seconds,
        first_solution_seconds=first_at if first_at is not None else first[1],
        solutions=1,
        soft=soft,
    )
