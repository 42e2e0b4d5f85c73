"""Peer benchmark: the same generated alliance meetings solved by three tools.

    .venv/bin/python benchmarks/peers.py --presets small alliance large --time-limit 60 --seed 0 \\
        --out benchmarks/results/peers.md

Tools, each in a fresh process, one after the other, with the same wall-clock limit:

- ``planner``: this project's solver (``planner.solver.solve``, CP-SAT);
- ``conference-scheduler``: PyCon UK's ILP scheduler (PyPI ``conference-scheduler``,
  solved by CBC through PuLP; ``pip install -e '.[peers]'``);
- ``greedy``: a first-fit baseline written here: sessions by decreasing difficulty (fixed
  values, plenaries, required people, dependencies, duration), each at its first start
  and in the smallest room that break no hard rule given what is already placed. One
  pass, no backtracking: it may fail, and then returns None rather than a broken schedule;
- ``greedy-restarts``: the same, but a session that finds no place moves to the front of
  the order and the pass starts again, until the time limit (a squeaky-wheel restart).

Every schedule, whoever made it, is judged by planner's independent checker
(``planner.checker.check``) against every hard rule of the workbook spec, and scored by
the checker's ``soft_figures`` weighted with the Event's weights: all tools are scored the
same way. A schedule that breaks a rule is reported with the rules it breaks.

Figures per instance and tool: time to the first schedule (``first_s``: planner's first
solution; CBC's first integer solution, read from its log, counted from the start of the
tool's process work, model building included; greedy's finishing time), the objective of
the best schedule within the limit, and the checker's verdict.

What conference-scheduler's model cannot express, and how the instance is mapped
---------------------------------------------------------------------------------
Its model: ``Slot(venue, starts_at, duration, capacity, session)`` and ``Event(name,
duration, demand, tags, unavailability)``; each event goes into exactly one slot whose
duration is at least its own, each slot holds at most one event, an event is never in a
slot (or concurrent with an event) listed in its unavailability, and events sharing a tag
are never in concurrent slots. Mapped as follows:

- time: there is no free start time. Every day's window less its breaks is cut into
  fixed periods shared by all rooms (a stretch longer than the longest session loses a
  period of the commonest duration from its front until it is not); a Slot is a (room,
  period). Breaks and day windows hold by construction; a session starts at its
  period's start. Its concurrency test only sees slots nested in each other, so periods
  common to all rooms are needed for clashes to be seen at all. This costs it packing:
  a 60-minute session holds a 90-minute period;
- required people: one tag per required person (sessions sharing a person never run in
  concurrent slots);
- plenary exclusivity and ``not_parallel`` dependencies: event unavailability (the
  other events);
- unavailability of people, sessions and rooms; room capacity and features; fixed day,
  start and room: slot unavailability (the slots that would break them). Its own
  ``demand``/``capacity`` is not a hard rule in its ILP (only a bound for its equity
  objective), hence capacity as unavailability;
- DROPPED (not expressible): dependencies ``before``, ``same_day``, ``different_day``
  and ``back_to_back`` (it has no order or day relation between events); a fixed start
  that is no period's start cannot be met (the session gets no slot and the ILP is
  infeasible);
- objective: its ``objective_function`` hook is given our linear soft terms,
  ``room_fit`` (empty seats) and ``preference`` with the Event's weights; the optional
  attendees' clashes and ``group_room`` are pairwise and DROPPED from its objective (they
  still count in the score our checker gives its schedule);
- a quirk worked around: its clash constraint is only generated for events with a
  non-empty unavailability list, so every event gets a dummy unavailable slot.

The machine this was written on has 2 cores shared with other work: CP-SAT runs its
default portfolio time-shared on them, CBC runs one thread. Times are wall-clock.
"""

from __future__ import annotations

import argparse
import csv
import io
import multiprocessing as mp
import re
import sys
import time
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.model import (  # noqa: E402
    NOON,
    Assignment,
    Problem,
    Relation,
    Room,
    Schedule,
    Session,
    overlaps,
)

PRESETS = ["small", "alliance", "large"]
TOOLS = ["planner", "conference-scheduler", "greedy", "greedy-restarts"]
CS_RELATIONS = {Relation.NOT_PARALLEL}  # the dependency relations conference-scheduler can express
#: conference-scheduler's ILP is not built when it would have more clash constraints than this
#: (its model builder is pure Python: about 10 µs and 1 kB per constraint).
CS_MAX_CONSTRAINTS = 3_000_000


# -- the greedy first-fit baseline ------------------------------------------------------------


def _difficulty(problem: Problem, s: Session, deps: int) -> tuple:
    """Larger is harder: fixed values, plenary, required people, dependencies, duration, attendance."""
    fixed = (s.day is not None) + (s.start is not None) + (s.room is not None)
    return (
        fixed,
        s.is_plenary,
        len(problem.required_people[s.id]),
        deps,
        s.duration,
        problem.attendance(s.id),
    )


def greedy_order(problem: Problem) -> list[Session]:
    """Sessions by decreasing difficulty: those with a fixed start first (their time is
    decided), then the rest, where the first of a ``before`` or ``back_to_back`` dependency
    comes before its second (Kahn's order, hardest ready first)."""
    pinned = [
        s for s in problem.sessions if s.start is not None and (s.day is not None or len(problem.days) == 1)
    ]
    count: Counter[str] = Counter()
    for d in problem.dependencies:
        count[d.first] += 1
        count[d.second] += 1
    after: dict[str, list[str]] = defaultdict(list)
    waiting: Counter[str] = Counter()
    for d in problem.dependencies:
        if d.relation in (Relation.BEFORE, Relation.BACK_TO_BACK) and d.first != d.second:
            after[d.first].append(d.second)
            waiting[d.second] += 1
    key = {s.id: _difficulty(problem, s, count[s.id]) for s in problem.sessions}
    order = [s.id for s in sorted(pinned, key=lambda s: (key[s.id], s.id), reverse=True)]
    for sid in order:
        for nxt in after[sid]:
            waiting[nxt] -= 1
    ready = [s.id for s in problem.sessions if not waiting[s.id] and s.id not in order]
    while ready:
        ready.sort(key=lambda i: (key[i], i), reverse=True)
        sid = ready.pop(0)
        order.append(sid)
        for nxt in after[sid]:
            waiting[nxt] -= 1
            if not waiting[nxt] and nxt not in order and nxt not in ready:
                ready.append(nxt)
    order += sorted(
        (s.id for s in problem.sessions if s.id not in set(order)), key=lambda i: key[i], reverse=True
    )
    return [problem.session_by_id[i] for i in order]


def _dependency_ok(
    problem: Problem, s: Session, day: date, start: int, placed: dict[str, Assignment]
) -> bool:
    """Whether s at (day, start) keeps every dependency with an already placed session."""
    end = start + s.duration
    for d in problem.dependencies:
        if s.id not in (d.first, d.second) or d.first == d.second:
            continue
        other = d.second if d.first == s.id else d.first
        if other not in placed:
            continue
        o = placed[other]
        o_end = o.start + problem.session_by_id[other].duration
        if d.first == s.id:
            f_day, f_end, s_day, s_start = day, end, o.date, o.start
        else:
            f_day, f_end, s_day, s_start = o.date, o_end, day, start
        rel = Relation(d.relation)
        if rel is Relation.BEFORE:
            if (s_day - f_day).days * 24 * 60 + s_start - f_end < d.gap:
                return False
        elif rel is Relation.SAME_DAY:
            if day != o.date:
                return False
        elif rel is Relation.DIFFERENT_DAY:
            if day == o.date:
                return False
        elif rel is Relation.NOT_PARALLEL:
            if day == o.date and overlaps(start, end, o.start, o_end):
                return False
        elif rel is Relation.BACK_TO_BACK:
            if f_day != s_day or s_start != f_end + d.gap:
                return False
    return True


def greedy(problem: Problem, deadline: float | None = None, restarts: bool = False) -> Schedule | None:
    """First fit: each session, hardest first, at its earliest start and in the smallest room
    that break no hard rule with what is placed; None when a session finds no place (or the
    deadline, a ``time.perf_counter()`` value, passes). With ``restarts``, a session that
    found no place moves to the front and the pass starts again, until the deadline."""
    order = greedy_order(problem)
    tried: set[tuple[str, ...]] = set()
    while True:
        schedule, failed = first_fit(problem, order, deadline)
        tried.add(tuple(s.id for s in order))
        if schedule is not None or not restarts or failed is None:
            return schedule
        order = [failed] + [s for s in order if s is not failed]
        if tuple(s.id for s in order) in tried:  # the restarts go round in a circle
            return None


def first_fit(
    problem: Problem, order: list[Session], deadline: float | None = None
) -> tuple[Schedule | None, Session | None]:
    """One first-fit pass in the given order: the schedule, or None and the session that found no place."""
    step = problem.event.slot_minutes
    required = problem.required_people
    placed: dict[str, Assignment] = {}
    on_day: dict[date, list[Assignment]] = defaultdict(list)
    rooms = sorted(problem.rooms, key=lambda r: (r.capacity, r.id))
    for s in order:
        if deadline is not None and time.perf_counter() > deadline:
            return None, None
        need = problem.attendance(s.id)
        fitting = [
            r
            for r in rooms
            if r.capacity >= need and s.features <= r.features and (s.room is None or r.id == s.room)
        ]
        found = None
        for day in sorted(problem.days, key=lambda d: d.date):
            if s.day is not None and day.date != s.day:
                continue
            for start in range(day.start, day.end - s.duration + 1, step):
                end = start + s.duration
                if s.start is not None and start != s.start:
                    continue
                if any(overlaps(start, end, b.start, b.end) for b in problem.breaks_on(day.date)):
                    continue
                if problem.is_unavailable(s.id, day.date, start, end):
                    continue
                if any(problem.is_unavailable(p, day.date, start, end) for p in required[s.id]):
                    continue
                running = [
                    a
                    for a in on_day[day.date]
                    if overlaps(start, end, a.start, a.start + problem.session_by_id[a.session_id].duration)
                ]
                if running and (
                    s.is_plenary or any(problem.session_by_id[a.session_id].is_plenary for a in running)
                ):
                    continue
                if any(required[s.id] & required[a.session_id] for a in running):
                    continue
                if not _dependency_ok(problem, s, day.date, start, placed):
                    continue
                taken = {a.room_id for a in running}
                for r in fitting:
                    if r.id not in taken and not problem.is_unavailable(r.id, day.date, start, end):
                        found = Assignment(s.id, day.date, start, r.id)
                        break
                if found:
                    break
            if found:
                break
        if found is None:
            return None, s
        placed[s.id] = found
        on_day[found.date].append(found)
    return Schedule(tuple(placed[s.id] for s in problem.sessions if s.id in placed)), None


# -- conference-scheduler ---------------------------------------------------------------------


def periods(problem: Problem) -> list[tuple[date, int, int]]:
    """The fixed periods, common to all rooms, that conference-scheduler's slots are cut into:
    each day's window less its breaks, a stretch longer than the longest session cut from
    its front into periods of the commonest duration."""
    longest = max(s.duration for s in problem.sessions)
    commonest = Counter(s.duration for s in problem.sessions).most_common(1)[0][0]
    out = []
    for day in sorted(problem.days, key=lambda d: d.date):
        cuts = sorted((max(b.start, day.start), min(b.end, day.end)) for b in problem.breaks_on(day.date))
        free, at = [], day.start
        for b_start, b_end in cuts:
            if b_start > at:
                free.append((at, b_start))
            at = max(at, b_end)
        if at < day.end:
            free.append((at, day.end))
        for lo, hi in free:
            while hi - lo > longest and hi - lo - commonest > 0:
                out.append((day.date, lo, lo + commonest))
                lo += commonest
            out.append((day.date, lo, hi))
    return out


def _slot_cost(problem: Problem, s: Session, room: Room, day: date, start: int) -> int:
    """Our linear soft terms of s at (day, start) in room: weighted empty seats and missed preferences."""
    cost = problem.event.weight("room_fit") * max(0, room.capacity - problem.attendance(s.id))
    missed = bool(s.prefer_day and day not in s.prefer_day)
    missed += bool(s.prefer_time and (start < NOON) != (s.prefer_time == "morning"))
    return cost + problem.event.weight("preference") * missed


def cs_instance(
    problem: Problem,
) -> tuple[list, list, list[list[int]], list[tuple[str, int, int, str]], list[str]]:
    """conference-scheduler's events and slots for a problem, the cost of each (event, slot),
    each slot's (date, start, end, room) and what was dropped, in words."""
    from conference_scheduler.resources import Event as CsEvent
    from conference_scheduler.resources import Slot as CsSlot

    cuts = periods(problem)
    where = [(d, lo, hi, r.id) for d, lo, hi in cuts for r in problem.rooms]
    slots = [
        CsSlot(
            venue=rid,
            starts_at=datetime(d.year, d.month, d.day) + timedelta(minutes=lo),
            duration=hi - lo,
            capacity=problem.room_by_id[rid].capacity,
            session=f"{d.isoformat()} {lo}",
        )
        for d, lo, hi, rid in where
    ]
    dummy = CsSlot(venue="(none)", starts_at=datetime(1970, 1, 1), duration=0, capacity=0, session="(none)")
    required = problem.required_people
    events = []
    costs = []
    for s in problem.sessions:
        need = problem.attendance(s.id)
        away = [dummy]  # the library's clash constraint skips events with no unavailability
        cost = []
        for slot, (d, lo, hi, rid) in zip(slots, where, strict=True):
            room = problem.room_by_id[rid]
            end = lo + s.duration
            bad = (
                s.duration > hi - lo
                or room.capacity < need
                or not s.features <= room.features
                or (s.day is not None and d != s.day)
                or (s.start is not None and lo != s.start)
                or (s.room is not None and rid != s.room)
                or problem.is_unavailable(rid, d, lo, end)
                or problem.is_unavailable(s.id, d, lo, end)
                or any(problem.is_unavailable(p, d, lo, end) for p in required[s.id])
            )
            if bad:
                away.append(slot)
            cost.append(0 if bad else _slot_cost(problem, s, room, d, lo))
        events.append(
            CsEvent(
                name=s.id, duration=s.duration, demand=need, tags=sorted(required[s.id]), unavailability=away
            )
        )
        costs.append(cost)
    index = {s.id: i for i, s in enumerate(problem.sessions)}
    for i, s in enumerate(problem.sessions):  # one side of each pair only: Event's repr recurses
        if s.is_plenary:
            events[i].add_unavailability(*(events[j] for j in range(i + 1, len(events))))
            for j in range(i):
                if not problem.sessions[j].is_plenary:
                    events[i].add_unavailability(events[j])
    dropped: Counter[str] = Counter()
    for d in problem.dependencies:
        if Relation(d.relation) in CS_RELATIONS:
            events[index[d.first]].add_unavailability(events[index[d.second]])
        else:
            dropped[Relation(d.relation).value] += 1
    notes = [f"{n} {rel} dependencies" for rel, n in sorted(dropped.items())]
    period_starts = {(d, lo) for d, lo, _ in cuts}
    off = [
        s.id
        for s in problem.sessions
        if s.start is not None and not any(lo == s.start for _, lo in period_starts)
    ]
    if off:
        notes.append(f"fixed starts off the periods ({', '.join(off)})")
    notes.append("optional_clash and group_room in its objective")
    return events, slots, costs, where, notes


def _cs_clash_constraints(problem: Problem, cuts: list[tuple[date, int, int]]) -> int:
    """How many clash constraints conference-scheduler would build (pairs of nested slots
    times pairs of events that may not run together), to skip a model it cannot build."""
    required = problem.required_people
    n = len(problem.sessions)
    clashing = sum(
        1
        for i in range(n)
        for j in range(i + 1, n)
        if problem.sessions[i].is_plenary
        or problem.sessions[j].is_plenary
        or required[problem.sessions[i].id] & required[problem.sessions[j].id]
    )
    rooms = len(problem.rooms)
    nested = 0
    for a, (d, lo, hi) in enumerate(cuts):
        for d2, lo2, hi2 in cuts[a:]:
            if d == d2 and ((lo <= lo2 and hi2 <= hi) or (lo2 <= lo and hi <= hi2)):
                nested += rooms * (rooms - 1) // 2 if (lo, hi) == (lo2, hi2) else rooms * rooms
    return 2 * clashing * nested


def solve_cs(problem: Problem, time_limit: float, started: float, log_path: Path) -> dict:
    """Solve with conference-scheduler (CBC) within what is left of the limit; its result
    as a planner Schedule (or None) and its timings."""
    import pulp
    from conference_scheduler import scheduler
    from pulp.apis import coin_api

    cuts = periods(problem)
    estimate = _cs_clash_constraints(problem, cuts)
    if estimate > CS_MAX_CONSTRAINTS:
        return {"schedule": None, "note": f"model too large to build: ~{estimate:,} clash constraints"}
    events, slots, costs, where, notes = cs_instance(problem)

    def objective(events, slots, X, **_):  # noqa: N803 (the library's name)
        return pulp.lpSum(c * X[i, j] for i, row in enumerate(costs) for j, c in enumerate(row) if c)

    launched: list[float] = []
    real_popen = coin_api.subprocess.Popen

    def popen(*args, **kwargs):  # when CBC starts: its log's times count from there
        launched.append(time.perf_counter())
        return real_popen(*args, **kwargs)

    remaining = time_limit - (time.perf_counter() - started)
    if remaining <= 1:
        return {"schedule": None, "note": "its model was not built within the limit", "dropped": notes}
    coin_api.subprocess.Popen = popen
    try:
        solved = scheduler.solution(
            events,
            slots,
            objective_function=objective,
            solver=pulp.PULP_CBC_CMD(msg=False, timeLimit=max(1, int(remaining)), logPath=str(log_path)),
        )
    except ValueError:  # the library's "No valid solution found"
        solved = None
    finally:
        coin_api.subprocess.Popen = real_popen
    text = log_path.read_text() if log_path.exists() else ""
    found = [float(t) for t in re.findall(r"Integer solution of .*?\(([\d.]+) seconds\)", text)]
    first = None
    if solved is not None and launched:
        first = launched[0] - started + (found[0] if found else _cbc_total(text))
    note = "infeasible under its model" if solved is None and "Infeasible" in text else ""
    if solved is None and not note:
        note = "no schedule within the limit"
    schedule = None
    if solved is not None:
        rows = []
        for i, j in solved:
            d, lo, _, rid = where[j]
            rows.append(Assignment(problem.sessions[i].id, d, lo, rid))
        schedule = Schedule(tuple(sorted(rows, key=lambda a: a.session_id)))
    return {"schedule": schedule, "first_s": first, "dropped": notes, "note": note, "slots": len(slots)}


def _cbc_total(text: str) -> float:
    m = re.search(r"Total time \(CPU seconds\):\s+([\d.]+)\s+\(Wallclock seconds\):\s+([\d.]+)", text)
    return float(m.group(2)) if m else 0.0


# -- running and scoring ----------------------------------------------------------------------


def score(problem: Problem, schedule: Schedule | None) -> dict:
    """Our checker's verdict, the rules broken and the weighted soft objective."""
    from planner.checker import check

    if schedule is None:
        return {"checker": "no schedule", "objective": None, "broken": ""}
    report = check(problem, schedule)
    broken = Counter(v.rule.value for v in report.violations)
    return {
        "checker": "ok" if report.ok else "BROKEN",
        "objective": report.objective(problem),
        "broken": ", ".join(f"{rule} x{n}" for rule, n in sorted(broken.items())),
        "soft": dict(report.soft),
    }


def run_tool(tool: str, preset: str, seed: int, time_limit: float, workers: int, log_dir: str) -> dict:
    """One tool on one instance, measured from after the instance is generated."""
    from planner.generator import generate

    problem = generate(preset, seed).problem
    started = time.perf_counter()
    out: dict = {"note": "", "dropped": []}
    if tool == "planner":
        from planner.solver import Options, solve

        result = solve(problem, Options(time_limit=time_limit, seed=seed, workers=workers))
        schedule = result.schedule
        out["first_s"] = result.first_solution_seconds if schedule is not None else None
        out["note"] = result.status.value
    elif tool in ("greedy", "greedy-restarts"):
        schedule = greedy(problem, deadline=started + time_limit, restarts=tool == "greedy-restarts")
        out["first_s"] = time.perf_counter() - started if schedule is not None else None
        out["note"] = "" if schedule is not None else "a session found no place"
    elif tool == "conference-scheduler":
        try:
            import conference_scheduler  # noqa: F401
        except ImportError as e:
            return {"note": f"not installed ({e}); pip install -e '.[peers]'", "checker": "not run"}
        got = solve_cs(problem, time_limit, started, Path(log_dir) / f"cbc-{preset}-{seed}.log")
        schedule = got.pop("schedule")
        out.update(got)
    else:
        raise ValueError(tool)
    out["seconds"] = time.perf_counter() - started
    out.update(score(problem, schedule))
    out["sessions"] = len(problem.sessions)
    return out


def _child(tool: str, preset: str, seed: int, time_limit: float, workers: int, log_dir: str, queue) -> None:
    try:
        queue.put(run_tool(tool, preset, seed, time_limit, workers, log_dir))
    except Exception as e:  # reported, not hidden
        queue.put({"note": f"error: {type(e).__name__}: {e}", "checker": "not run"})


def run(tool: str, preset: str, seed: int, time_limit: float, workers: int, log_dir: str) -> dict:
    """run_tool in a fresh process, killed (and so reported) if it runs far past the limit."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(tool, preset, seed, time_limit, workers, log_dir, queue))
    proc.start()
    grace = 30 + time_limit  # building and reading its model; CBC itself keeps the limit
    try:
        row = queue.get(timeout=time_limit + grace)
    except Exception:
        proc.kill()
        row = {"note": f"killed after {time_limit + grace:.0f} s", "checker": "no schedule"}
    proc.join()
    return row


COLUMNS = ["instance", "sessions", "tool", "first_s", "seconds", "objective", "checker", "broken", "note"]


def _fmt(v: object) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.2f}"
    return str(v)


def comparison(rows: list[dict]) -> list[str]:
    """Per instance, planner's first schedule and objective against conference-scheduler's, in words."""
    lines = []
    for inst in dict.fromkeys(r["instance"] for r in rows):
        by_tool = {r["tool"]: r for r in rows if r["instance"] == inst}
        ours, peer = by_tool.get("planner"), by_tool.get("conference-scheduler")
        if ours is None or peer is None:
            continue
        if ours.get("first_s") is None:
            lines.append(f"{inst}: planner found no schedule ({ours.get('note')})")
            continue
        valid = "a valid" if ours.get("checker") == "ok" else "an INVALID"
        head = f"{inst}: planner's first schedule ({valid} one) after {ours['first_s']:.2f} s"
        if peer.get("first_s") is None:
            lines.append(
                f"{head}; conference-scheduler none within the limit "
                f"({peer.get('note') or peer.get('checker')})"
            )
            continue
        ratio = peer["first_s"] / max(ours["first_s"], 1e-3)
        verdict = "valid" if peer.get("checker") == "ok" else "breaking our rules: " + str(peer.get("broken"))
        lines.append(
            f"{head}, conference-scheduler's after {peer['first_s']:.2f} s "
            f"({ratio:.0f}x; its schedule {verdict}); "
            f"objective {ours.get('objective')} against {peer.get('objective')}"
        )
    return lines


def markdown(rows: list[dict], args: argparse.Namespace, dropped: dict[str, list[str]]) -> str:
    out = io.StringIO()
    out.write("# Peer benchmark\n\n")
    out.write(
        f"`python benchmarks/peers.py --presets {' '.join(args.presets)} --time-limit {args.time_limit:g} "
        f"--seed {' '.join(map(str, args.seed))}`; each tool in a fresh process, one after the other, "
        f"{args.time_limit:g} s wall-clock each. Machine: {mp.cpu_count()} cores shared with other work "
        "(CP-SAT time-shares its portfolio on them; CBC uses one thread).\n\n"
        "`first_s`: seconds to the tool's first schedule; `objective`: our checker's weighted soft "
        "objective of its best schedule within the limit (lower is better); `checker`: planner's "
        "independent checker on that schedule (`BROKEN` lists the hard rules broken).\n\n"
    )
    out.write("| " + " | ".join(COLUMNS) + " |\n|" + "---|" * len(COLUMNS) + "\n")
    for r in rows:
        out.write("| " + " | ".join(_fmt(r.get(c)) for c in COLUMNS) + " |\n")
    out.write(
        "\nplanner against conference-scheduler (target: at least 10x faster to a first valid schedule, "
    )
    out.write("objective better or equal at equal time):\n\n")
    for line in comparison(rows):
        out.write(f"- {line}\n")
    out.write("\nDropped from conference-scheduler's model (still checked against by our checker):\n\n")
    for inst, notes in dropped.items():
        out.write(f"- {inst}: {'; '.join(notes) if notes else 'nothing'}\n")
    return out.getvalue()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--presets", nargs="+", default=PRESETS)
    ap.add_argument("--seed", type=int, nargs="+", default=[0])
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--tools", nargs="+", default=TOOLS, choices=TOOLS)
    ap.add_argument("--workers", type=int, default=0, help="CP-SAT workers (0: planner's default)")
    ap.add_argument("--out", help="markdown file to write (a .csv is written beside it)")
    args = ap.parse_args(argv)

    log_dir = Path(args.out).parent if args.out else Path(".")
    log_dir.mkdir(parents=True, exist_ok=True)
    rows: list[dict] = []
    dropped: dict[str, list[str]] = {}
    for preset in args.presets:
        for seed in args.seed:
            inst = f"{preset}/{seed}"
            for tool in args.tools:
                row = {
                    "instance": inst,
                    "tool": tool,
                    **run(tool, preset, seed, args.time_limit, args.workers, str(log_dir)),
                }
                rows.append(row)
                if tool == "conference-scheduler":
                    dropped[inst] = row.get("dropped") or []
                print(" | ".join(f"{c}={_fmt(row.get(c))}" for c in COLUMNS), flush=True)
    text = markdown(rows, args, dropped)
    print()
    print(text)
    if args.out:
        Path(args.out).write_text(text)
        with open(Path(args.out).with_suffix(".csv"), "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=COLUMNS + ["dropped"], extrasaction="ignore")
            w.writeheader()
            for r in rows:
                rounded = {k: round(v, 3) if isinstance(v, float) else v for k, v in r.items()}
                w.writerow({**rounded, "dropped": "; ".join(r.get("dropped") or [])})


if __name__ == "__main__":
    main()
