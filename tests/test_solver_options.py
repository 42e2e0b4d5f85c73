"""Solver options that change how the search runs, not what it finds."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest

from planner.model import Problem, Schedule
from planner.solver import Progress, _workers
from planner.solver.construct import Placement
from tests.builders import problem, session

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "heroes-halmstad-2025.xlsx"


@pytest.mark.parametrize(("cores", "workers"), [(1, 2), (2, 2), (3, 3), (4, 4), (16, 4)])
def test_default_workers_drop_to_one_per_core_above_500_sessions(
    monkeypatch: pytest.MonkeyPatch, cores: int, workers: int
) -> None:
    """Each CP-SAT worker keeps its own copy of the model: big meetings get fewer, one per
    core, 2 to 4; up to 500 sessions (with LNS after the full model), 8."""
    monkeypatch.setattr("planner.solver._cores", lambda: cores)
    small = problem([session(f"S{i}") for i in range(101)])
    assert _workers(small) == 8
    big = replace(small, sessions=tuple(session(f"S{i}") for i in range(501)))
    assert _workers(big) == workers


@pytest.mark.parametrize(("cores", "workers"), [(1, 4), (2, 4), (3, 6), (4, 8), (16, 8)])
def test_default_workers_of_a_small_meeting_are_two_per_core(
    monkeypatch: pytest.MonkeyPatch, cores: int, workers: int
) -> None:
    """Up to 100 sessions (where the full model has the whole time): two per core, 4 to 8."""
    monkeypatch.setattr("planner.solver._cores", lambda: cores)
    assert _workers(problem([session("S0")])) == workers


@pytest.mark.parametrize(
    ("cores", "workers", "subsolvers"),
    [
        (1, 2, ["core"]),
        (2, 2, ["core"]),
        (4, 4, ["core", "default_lp", "max_lp"]),
        (16, 8, ["core", "default_lp", "max_lp", "quick_restart", "no_lp", "reduced_costs", "pseudo_costs"]),
    ],
)
def test_the_proof_portfolio_is_the_core_search_and_a_thread_for_schedules(
    monkeypatch: pytest.MonkeyPatch, cores: int, workers: int, subsolvers: list[str]
) -> None:
    """Where the full model has the whole time: one thread per core (2 to 8), the core-based
    search first, one thread left over for the neighbourhood searches."""
    from planner.solver import _proof_portfolio

    monkeypatch.setattr("planner.solver._cores", lambda: cores)
    assert _proof_portfolio() == (workers, subsolvers)


def _parameters_used(monkeypatch: pytest.MonkeyPatch, options) -> list:  # noqa: ANN001
    """Solve a tiny meeting with ``options``; the parameters of each CP-SAT search it made."""
    import planner.solver
    from tests.builders import person, room

    made: list = []
    real = planner.solver._solver

    def keep(*args, **kw):  # noqa: ANN002, ANN003, ANN202 - the real one's signature
        solver = real(*args, **kw)
        made.append(solver.parameters)
        return solver

    monkeypatch.setattr(planner.solver, "_solver", keep)
    tiny = problem(
        [session("A", required=("p",)), session("B", required=("p",))],
        people=[person("p")],
        rooms=[room("R", 10)],
    )
    assert planner.solver.solve(tiny, options).status is planner.solver.Status.OPTIMAL
    return made


def test_cores_are_the_ones_this_process_may_use(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process pinned to 2 cores of a bigger machine counts 2."""
    import os

    from planner.solver import _cores

    if not hasattr(os, "sched_getaffinity"):
        pytest.skip("no CPU affinity on this system")
    monkeypatch.setattr("planner.solver.os.cpu_count", lambda: 64)
    monkeypatch.setattr("planner.solver.os.sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr("planner.solver._cpu_quota", lambda: None)
    assert _cores() == 2


@pytest.mark.parametrize(
    ("text", "quota"), [("200000 100000\n", 2.0), ("150000 100000", 1.5), ("max 100000\n", None), ("", None)]
)
def test_a_cpu_quota_is_read_from_the_cgroup(tmp_path: Path, text: str, quota: float | None) -> None:
    from planner.solver import _cpu_quota

    (tmp_path / "cpu.max").write_text(text)
    assert _cpu_quota(str(tmp_path / "cpu.max")) == quota
    assert _cpu_quota(str(tmp_path / "missing")) is None


def test_a_cpu_quota_caps_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """docker --cpus 1.5 on 8 cores: 2 (rounded up); with no quota, the 8."""
    from planner.solver import _cores

    monkeypatch.setattr("planner.solver.os.sched_getaffinity", lambda pid: set(range(8)), raising=False)
    monkeypatch.setattr("planner.solver._cpu_quota", lambda: 1.5)
    assert _cores() == 2
    monkeypatch.setattr("planner.solver._cpu_quota", lambda: None)
    assert _cores() == 8


def test_the_full_model_with_the_whole_time_gets_the_proof_portfolio(monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.solver import Options, _proof_portfolio

    (params,) = _parameters_used(monkeypatch, Options(time_limit=5))
    workers, subsolvers = _proof_portfolio()
    assert params.num_workers == workers
    assert list(params.subsolvers) == subsolvers
    assert params.core_minimization_level == 0


def test_workers_given_keep_cp_sats_own_portfolio(monkeypatch: pytest.MonkeyPatch) -> None:
    """The closest case: --workers 3 means three of CP-SAT's own searches."""
    from planner.solver import Options

    (params,) = _parameters_used(monkeypatch, Options(time_limit=5, workers=3))
    assert params.num_workers == 3
    assert list(params.subsolvers) == []
    assert params.core_minimization_level == 0


def test_a_full_model_before_the_neighbourhood_search_keeps_cp_sats_portfolio(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With LNS after it, the full model's share is for schedules, not for a proof."""
    from planner.solver import Options

    params = _parameters_used(monkeypatch, Options(time_limit=5, lns=True))[-1]
    assert list(params.subsolvers) == []
    assert params.core_minimization_level != 0


def test_a_stop_ends_the_search_even_between_schedules() -> None:
    """The app's Stop: asked for at once, the search ends long before its time limit, even
    on a meeting where it finds no schedule to report (a packed 600-person one)."""
    import time

    from planner.generator import generate
    from planner.solver import Options, solve

    problem = generate("large", 1).problem
    started = time.perf_counter()
    result = solve(problem, Options(time_limit=60, seed=1, workers=2), should_stop=lambda: True)
    assert time.perf_counter() - started < 20
    assert result.seconds < 20


def test_rules_first_finds_a_schedule_then_improves_it() -> None:
    """Two phases: the rules alone give a first schedule (reported as progress, scored by
    the checker), the full model then improves on it; an impossibility proved by the
    search is reported as such."""
    from planner.checker import check
    from planner.generator import generate
    from planner.solver import Options, Status, solve
    from tests.builders import day, problem, session

    meeting = generate("small", 3).problem
    seen: list[Progress] = []
    result = solve(
        meeting, Options(time_limit=10, seed=0, workers=2, rules_first=True), on_progress=seen.append
    )
    assert result.status is Status.OPTIMAL
    assert check(meeting, result.schedule).ok
    assert seen[0].bound is None and seen[0].objective >= result.objective  # the rules-only schedule
    assert [p.solutions for p in seen] == list(range(1, len(seen) + 1))  # numbered on, never twice
    # three one-hour sessions for one person in a two-hour day: no schedule
    impossible = problem([session(f"S{i}", required=("P1",)) for i in range(3)], days=[day(end="11:00")])
    assert solve(impossible, Options(time_limit=10, workers=2, rules_first=True)).status is Status.INFEASIBLE


def test_which_meetings_get_the_phases_and_the_neighbourhood_search() -> None:
    """Two phases when a per-person goal is weighted; LNS then, and for meetings of more than
    LNS_SESSIONS sessions; an explicit option wins either way."""
    from dataclasses import replace

    from planner.generator import generate
    from planner.solver import LNS_SESSIONS, Options, _lns, _rules_first

    small = generate("small", 0).problem
    big = generate("large", 0).problem
    assert len(small.sessions) <= LNS_SESSIONS < len(big.sessions)
    assert not _rules_first(small, Options()) and not _lns(small, Options())
    assert not _rules_first(big, Options()) and _lns(big, Options())
    people = replace(small, event=replace(small.event, weights=(("single_day", 1),)))
    assert _rules_first(people, Options()) and _lns(people, Options())
    assert not _lns(big, Options(lns=False)) and _lns(small, Options(lns=True))
    assert not _rules_first(
        people, Options(previous=generate("small", 0).planted)
    )  # the hint is the previous


def _search_after_the_construction(
    monkeypatch: pytest.MonkeyPatch, seconds: float | None = None
) -> tuple[list[Placement], list[list[float]]]:
    """The full model's search starts only once the construction beside it is done and its
    schedule shown (or 30 s), with ``seconds`` if given. Returns the constructed
    placements and, per search, the objectives shown before it started."""
    import planner.solver

    constructed: list[Placement] = []
    before: list[list[float]] = []
    real_construct = planner.solver.construct

    def construct(*args, **kw):  # noqa: ANN002, ANN003, ANN202 - the real one's signature
        placed = real_construct(*args, **kw)
        constructed.append(placed)
        return placed

    real_solver = planner.solver._solver
    real_offer = planner.solver._Reporter.offer
    shown = threading.Event()

    def offer(self, objective, bound):  # noqa: ANN001, ANN202
        real_offer(self, objective, bound)
        self.seen = [*getattr(self, "seen", []), objective]
        shown.set()

    def late(*args, **kw):  # noqa: ANN002, ANN003, ANN202
        solver = real_solver(*args, **kw)
        search = solver.solve

        def solve_late(model, callback=None):  # noqa: ANN001, ANN202
            shown.wait(30)
            before.append(list(getattr(callback.reporter, "seen", [])) if callback is not None else [])
            if seconds is not None:
                solver.parameters.max_time_in_seconds = seconds
            return search(model, callback)

        solver.solve = solve_late
        return solver

    monkeypatch.setattr(planner.solver, "construct", construct)
    monkeypatch.setattr(planner.solver, "_solver", late)
    monkeypatch.setattr(planner.solver._Reporter, "offer", offer)
    return constructed, before


def _objective(problem: Problem, schedule: Schedule) -> int:
    from planner.checker import check

    return check(problem, schedule).objective(problem)


def test_a_constructed_schedule_that_stands_as_the_answer_is_reported_as_progress(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When the search finds nothing in its time and the construction's schedule is the
    answer, the organiser sees it as schedule #1 too (the CLI printed no progress line)."""
    from planner.reader import read_problem
    from planner.solver import Options, Status, solve

    _search_after_the_construction(monkeypatch, seconds=0.0)
    problem = read_problem(EXAMPLE)
    seen: list[Progress] = []
    result = solve(problem, Options(time_limit=5, seed=0, workers=1, lns=False), on_progress=seen.append)
    assert result.status is Status.FEASIBLE and result.schedule is not None
    assert [p.solutions for p in seen] == [1]
    assert seen[0].objective == result.objective == _objective(problem, result.schedule)


@pytest.mark.parametrize("lns", [False, True])
def test_the_constructed_schedule_is_shown_before_the_full_model_finds_one(
    monkeypatch: pytest.MonkeyPatch, lns: bool
) -> None:
    """On a big meeting the full model may take many seconds to its first schedule, and LNS
    starts only after its share: the construction's schedule (found in a second) is shown
    the moment it is found, scored by the checker, with no bound yet."""
    from planner.generator import generate
    from planner.solver import Options, prepare, solve

    constructed, before = _search_after_the_construction(monkeypatch)
    problem = generate("small", 2).problem
    seen: list[Progress] = []
    result = solve(problem, Options(time_limit=3, seed=0, workers=1, lns=lns), on_progress=seen.append)
    data = prepare(problem)
    assert len(constructed) == 1 and constructed[0] is not None
    shown = _objective(problem, data.to_schedule(constructed[0]))
    assert before == [[shown]]  # shown before the full model began
    assert seen[0].objective == shown and seen[0].bound is None and seen[0].solutions == 1
    objectives = [p.objective for p in seen]
    assert objectives == sorted(objectives, reverse=True) and len(set(objectives)) == len(objectives)
    assert result.objective == objectives[-1]


def test_the_answer_is_the_best_schedule_in_hand(monkeypatch: pytest.MonkeyPatch) -> None:
    """The full model's schedule is not the answer when the construction's is better: here
    CP-SAT stops at its first schedule, which (on the example, one worker, seed 0) is worse
    than the constructed one; it is not shown, and the constructed one is the answer."""
    from planner.reader import read_problem
    from planner.solver import Options, Status, prepare, solve

    constructed, _ = _search_after_the_construction(monkeypatch)
    problem = read_problem(EXAMPLE)
    seen: list[Progress] = []
    first_only = (("stop_after_first_solution", True),)
    options = Options(time_limit=10, seed=0, workers=1, lns=False, parameters=first_only)
    result = solve(problem, options, on_progress=seen.append)
    shown = _objective(problem, prepare(problem).to_schedule(constructed[0]))
    assert result.status is Status.FEASIBLE and result.schedule is not None
    assert result.objective == shown == _objective(problem, result.schedule)
    assert [(p.objective, p.solutions) for p in seen] == [(shown, 1)]
    # the closest case: CP-SAT's first schedule alone (no construction to compare) is worse
    monkeypatch.undo()
    monkeypatch.setattr("planner.solver.construct", lambda *a, **k: None)
    alone = solve(problem, options)
    assert alone.objective is not None and alone.objective > shown


def test_the_rules_are_time_indexed_for_small_meetings_with_the_whole_time() -> None:
    """Per slot where the full model has the whole time and the meeting has at most
    TIME_INDEXED_SESSIONS sessions; on intervals above, or with a schedule from elsewhere to
    improve (rules first, LNS); an explicit choice wins."""
    from planner.solver import TIME_INDEXED_SESSIONS, Options, _config
    from planner.solver.cpsat import ModelConfig

    few = problem([session(f"S{i}") for i in range(TIME_INDEXED_SESSIONS)])
    many = problem([session(f"S{i}") for i in range(TIME_INDEXED_SESSIONS + 1)])
    assert _config(few, Options(), schedules_from_elsewhere=False).time_indexed is True
    assert _config(many, Options(), schedules_from_elsewhere=False).time_indexed is False
    assert _config(few, Options(), schedules_from_elsewhere=True).time_indexed is False
    forced = Options(model=ModelConfig(time_indexed=True))
    assert _config(many, forced, schedules_from_elsewhere=True).time_indexed is True
    kept = Options(model=ModelConfig(time_indexed=False))
    assert _config(few, kept, schedules_from_elsewhere=False).time_indexed is False


def test_a_schedule_in_hand_is_scored_by_the_checker_but_its_changes_by_the_model() -> None:
    """A figure the model left above the truth (a literal set that the schedule does not
    need) is not what the organiser sees: the answer's figures are the checker's, and the
    changes from a previous schedule (which the checker does not count) stay the model's."""
    from planner.checker import check
    from planner.generator import generate
    from planner.solver import _checked, _Found, prepare
    from planner.solver.construct import construct

    meeting = generate("small", 1).problem
    data = prepare(meeting)
    placed = construct(data, seconds=10, seed=0)
    report = check(meeting, data.to_schedule(placed))
    true = report.objective(meeting)
    inflated = _Found(
        placed, true + 150, {**report.soft, "optional_clash": report.soft["optional_clash"] + 3}, 0.0
    )
    assert _checked(meeting, data, inflated) == _Found(placed, true, report.soft, 0.0)
    weighted = replace(
        meeting, event=replace(meeting.event, weights=meeting.event.weights + (("change", 7),))
    )
    moved = _Found(placed, 0, {"change": 4}, 0.0)
    assert _checked(weighted, data, moved) == _Found(placed, true + 28, {**report.soft, "change": 4}, 0.0)
