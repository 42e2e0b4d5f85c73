"""Large neighbourhood search on the planner's own CP-SAT model.

When the full model's search stalls (measured on ITC2007 with the people's-days
goals: CP-SAT kept the hinted timetable for a whole minute), this improves a
schedule by freeing a part of it and letting CP-SAT re-solve that part to the
optimum with everything else fixed: a copy of the same model, the kept sessions'
start and room literals fixed in their domains, the current schedule as the hint.
A neighbourhood is one of: random sessions; the sessions starting in a few
random slots; those on one or two days; a person's sessions and those running at
the same times; the two sessions of some optional attendees' clashes (drawn by
how many people clash) and about half of those running beside them. The last
one, measured on generated large meetings at 60 s (seeds 0-7, 2 cores): better
on 6 of 8, by 3.4% on average (e.g. 7,405 -> 6,661, 6,425 -> 5,676; worse by
257 and 44 on two). A neighbourhood's size grows while the parts are solved to the
optimum quickly and shrinks when they are not. A part's answer is taken only when it is better.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from planner.solver.cpsat import Objective, Variables, required_sessions
from planner.solver.prepare import Prepared

Placement = dict[int, tuple[int, int]]  # session index -> (start slot, room index)

#: the kinds of neighbourhood, drawn with equal chances (see _neighbourhood)
KINDS = 5


@dataclass
class Improvement:
    placement: Placement
    objective: int
    soft: dict[str, int]


def improve(
    data: Prepared,
    model: cp_model.CpModel,
    v: Variables,
    objective: Objective,
    start: Placement,
    start_objective: float,
    deadline: float,
    seed: int = 0,
    workers: int = 2,
    should_stop: Callable[[], bool] = lambda: False,
    on_better: Callable[[Improvement], None] = lambda _: None,
) -> Improvement | None:
    """The best schedule found from ``start`` by the deadline (time.perf_counter()), or None
    if no part could be solved at all (then ``start`` stands)."""
    n = len(data.starts)
    if n == 0:
        return None
    rng = random.Random(seed)
    xi = [{g: lit.Index() for g, lit in v.x[i].items()} for i in range(n)]
    yi = [{k: lit.Index() for k, lit in v.y[i].items()} for i in range(n)]
    people = [sorted(s) for s in required_sessions(data.problem).values() if s]
    clashes = objective.clash_pairs
    current, best = dict(start), None
    value = start_objective
    size = max(4, n // 10)
    part_seconds = 2.0
    it = 0
    while time.perf_counter() < deadline - 0.2 and not should_stop():
        it += 1
        free = _neighbourhood(data, current, people, clashes, size, rng)
        sub = cp_model.CpModel()
        sub.proto.copy_from(model.proto)
        sub.clear_hints()
        for i, (g, k) in current.items():
            keep = i not in free
            for h, idx in xi[i].items():
                if keep:
                    _fix(sub, idx, h == g)
                sub.add_hint(sub.get_bool_var_from_proto_index(idx), h == g)
            for h, idx in yi[i].items():
                if keep:
                    _fix(sub, idx, h == k)
                sub.add_hint(sub.get_bool_var_from_proto_index(idx), h == k)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = seed + it
        solver.parameters.max_time_in_seconds = max(0.05, min(part_seconds, deadline - time.perf_counter()))
        code = solver.solve(sub)
        if code == cp_model.OPTIMAL:  # solved to the optimum: a bigger part next time
            size = min(n, int(size * 1.15) + 1)
        else:
            size = max(4, int(size * 0.8))
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        found = solver.objective_value
        if found >= value:
            continue
        value = found
        current = {
            i: (
                next(
                    h
                    for h, idx in xi[i].items()
                    if solver.boolean_value(sub.get_bool_var_from_proto_index(idx))
                ),
                next(
                    h
                    for h, idx in yi[i].items()
                    if solver.boolean_value(sub.get_bool_var_from_proto_index(idx))
                ),
            )
            for i in range(n)
        }
        soft = {goal: int(solver.value(expr)) for goal, expr in objective.terms.items()}
        best = Improvement(dict(current), round(found), soft)
        on_better(best)
    return best


def _fix(model: cp_model.CpModel, index: int, value: bool) -> None:
    domain = model.proto.variables[index].domain
    domain[0] = domain[1] = int(value)


def _neighbourhood(
    data: Prepared,
    current: Placement,
    people: list[list[int]],
    clashes: list[tuple[int, int, int]],
    size: int,
    rng: random.Random,
    kind: int | None = None,
) -> set[int]:
    """The sessions to free: ``size`` of them, or about so, by one of five kinds (drawn
    unless given)."""
    n = len(current)
    if kind is None:
        kind = rng.randrange(KINDS)
    if kind == 4:  # the sessions of some optional attendees' clashes, and some beside them

        def meet(a: int, b: int) -> bool:
            (s, _), (t, _) = current[a], current[b]
            return s < t + data.length[b] and t < s + data.length[a]

        active = [(a, b, w) for a, b, w in clashes if meet(a, b)]
        free: set[int] = set()
        while active and len(free) < size:
            a, b, _ = rng.choices(active, weights=[w for _, _, w in active])[0]
            free |= {a, b} | {i for i in range(n) if (meet(i, a) or meet(i, b)) and rng.random() < 0.5}
            active = [c for c in active if not {c[0], c[1]} <= free]
        if not free:
            free = set(rng.sample(range(n), min(n, size)))
    elif kind == 1:  # the sessions starting in some random slots
        starts = sorted({g for g, _ in current.values()})
        free = set()
        for g in rng.sample(starts, len(starts)):
            free |= {i for i, (h, _) in current.items() if h == g}
            if len(free) >= size:
                break
    elif kind == 2:  # the sessions of one or two days
        days = sorted({data.slots[g].day for g, _ in current.values()})
        chosen = set(rng.sample(days, min(len(days), 2)))
        free = {i for i, (g, _) in current.items() if data.slots[g].day in chosen}
    elif kind == 3 and people:  # a person's sessions, and those running beside them
        mine = rng.choice(people)
        spans = [(current[i][0], current[i][0] + data.length[i]) for i in mine]
        free = set(mine) | {
            i for i, (g, _) in current.items() if any(g < b and a < g + data.length[i] for a, b in spans)
        }
    else:
        free = set(rng.sample(range(n), min(n, size)))
    if len(free) > size:
        free = set(rng.sample(sorted(free), size))
    return free
