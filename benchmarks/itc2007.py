"""ITC2007 track 2 benchmark: the planner's engine on the competition's 24 instances.

For each instance, in a fresh process (so peak memory is that instance's own):
read and map it onto the planner's model, time building the CP-SAT model (prepare
and build, measured on their own), solve with ``planner.solver.solve`` as
``planner itc2007`` does, and score the timetable with the competition's rules
(``planner.itc2007.evaluate``): DtF, soft cost, time to the first feasible
timetable. When the search finds no complete timetable, the greedy partial one is
scored, as the command line writes it. Every solution written is verified by the
evaluator; the table sets it beside the competition winner's (Cambazard) result
and the best published one (``published-results.csv``). The data are read where
they are, never copied.

    .venv/bin/python benchmarks/itc2007.py                               # all 24, 300 s each
    .venv/bin/python benchmarks/itc2007.py --instances 1 5 17 --time-limit 60
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "benchmarks" / "itc2007-track2"
OUT = ROOT / "benchmarks" / "results" / "itc2007"
COLUMNS = [
    "instance",
    "events",
    "rooms",
    "students",
    "status",
    "placed",
    "dtf",
    "soft",
    "last_slot",
    "in_a_row",
    "single_day",
    "first_feasible_s",
    "solve_s",
    "build_s",
    "peak_mb",
    "verified",
    "cambazard_itc2007",
    "best_published",
]


def _run(
    tim: Path, sln: Path, time_limit: float, seed: int, workers: int, anneal: bool | None, queue: mp.Queue
) -> None:
    from planner.itc2007.evaluate import describe, evaluate
    from planner.itc2007.greedy import greedy
    from planner.itc2007.mapping import to_problem, to_solution
    from planner.itc2007.sln import read_sln, write_sln
    from planner.itc2007.tim import read_tim
    from planner.solver import Options, build, solve
    from planner.solver.prepare import prepare

    inst = read_tim(tim)
    problem = to_problem(inst)
    t0 = time.perf_counter()
    build(prepare(problem))  # the model alone, for its build time; solve builds its own
    build_s = time.perf_counter() - t0
    result = solve(problem, Options(time_limit=time_limit, seed=seed, workers=workers, anneal=anneal))
    complete = result.schedule is not None
    solution = to_solution(inst, result.schedule) if result.schedule is not None else greedy(inst)
    write_sln(solution, sln)
    ev = evaluate(inst, read_sln(sln, inst.n_events))  # the file as written, by the competition's rules
    problems = describe(ev)
    queue.put(
        {
            "events": inst.n_events,
            "rooms": inst.n_rooms,
            "students": inst.n_students,
            "status": result.status.value if complete else f"{result.status.value}+greedy",
            "placed": inst.n_events - len(ev.unplaced),
            "dtf": ev.dtf,
            "soft": ev.soft,
            "last_slot": ev.last_slot,
            "in_a_row": ev.in_a_row,
            "single_day": ev.single_day,
            "first_feasible_s": None
            if not complete or result.first_solution_seconds is None
            else round(result.first_solution_seconds, 2),
            "solve_s": round(result.seconds, 2),
            "build_s": round(build_s, 2),
            # the largest process: this one, or one of the annealers beside it
            "peak_mb": round(
                max(
                    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                    resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                )
                / 1024
            ),
            "verified": "yes" if ev.valid else f"NO: {len(problems)} hard violations ({problems[0]})",
        }
    )


def _published(data: Path) -> dict[int, tuple[str, str]]:
    """Instance -> (Cambazard's ITC2007 soft cost, best in the sources), '-' where none."""
    path = data / "published-results.csv"
    if not path.exists():
        return {}
    with path.open(newline="") as f:
        return {
            int(row["instance"]): (
                row["cambazard_itc2007"] or "-",
                row["best_known_soft_in_these_sources"] or "-",
            )
            for row in csv.DictReader(f)
        }


def _markdown(rows: list[dict[str, object]], args: argparse.Namespace) -> str:
    head = [
        "# ITC2007 track 2 on the planner's engine",
        "",
        f"Time limit {args.time_limit:g} s per instance, seed {args.seed}, "
        f"workers {args.workers or 'default'}, annealer {args.anneal}; "
        "DtF and soft cost as the competition scores them "
        "(published results: soft cost at DtF 0).",
        "",
        "| # | events | students | status | DtF | soft (last, row, single) | first feasible | "
        "build | solve | peak MB | verified | Cambazard (ITC) | best published |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines = [
        f"| {r['instance']} | {r['events']} | {r['students']} | {r['status']} | {r['dtf']} | "
        f"{r['soft']} ({r['last_slot']}, {r['in_a_row']}, {r['single_day']}) | "
        f"{'-' if r['first_feasible_s'] is None else str(r['first_feasible_s']) + ' s'} | "
        f"{r['build_s']} s | {r['solve_s']} s | {r['peak_mb']} | {r['verified']} | "
        f"{r['cambazard_itc2007']} | {r['best_published']} |"
        for r in rows
    ]
    won = [
        str(r["instance"])
        for r in rows
        if r["dtf"] == 0
        and str(r["cambazard_itc2007"]).isdigit()
        and int(r["soft"]) <= int(r["cambazard_itc2007"])
    ]
    tail = [
        "",
        f"At or below the competition winner's soft cost (DtF 0) on {len(won)} of {len(rows)}: "
        f"{', '.join(won) or 'none'}.",
    ]
    return "\n".join(head + lines + tail) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA, help=f"folder of the .tim files (default {DATA})")
    ap.add_argument("--instances", type=int, nargs="+", default=list(range(1, 25)), help="numbers 1-24")
    ap.add_argument("--time-limit", type=float, default=300.0, help="seconds per instance (default 300)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=0, help="search threads (default: the solver's own)")
    ap.add_argument(
        "--anneal",
        choices=["auto", "on", "off"],
        default="auto",
        help="the annealer (Options.anneal): the solver's choice (default), always, never",
    )
    ap.add_argument("--out", type=Path, default=OUT, help=f"table path without suffix (default {OUT})")
    args = ap.parse_args()
    missing = [n for n in args.instances if not (args.data / f"comp-2007-2-{n}.tim").is_file()]
    if missing:  # say where the data was looked for, before any run
        names = ", ".join(f"comp-2007-2-{n}.tim" for n in missing)
        print(f"ITC2007 data not found in {args.data}: {names}; pass --data FOLDER", file=sys.stderr)
        return 2

    out = args.out.with_suffix("") if args.out.suffix in (".csv", ".md") else args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    sln_dir = out.parent / f"{out.name}-sln"
    sln_dir.mkdir(exist_ok=True)
    published = _published(args.data)
    rows: list[dict[str, object]] = []
    ctx = mp.get_context("spawn")
    for n in args.instances:
        tim = args.data / f"comp-2007-2-{n}.tim"
        queue: mp.Queue = ctx.Queue()
        proc = ctx.Process(
            target=_run,
            args=(
                tim,
                sln_dir / f"comp-2007-2-{n}.sln",
                args.time_limit,
                args.seed,
                args.workers,
                {"auto": None, "on": True, "off": False}[args.anneal],
                queue,
            ),
        )
        proc.start()
        try:
            row = queue.get(timeout=args.time_limit * 3 + 600)
        except Exception as err:  # a crash or a hang: say so in the table, go on
            row = {"status": f"failed: {type(err).__name__}", "verified": "-"}
        proc.join()
        row = {"instance": n, **row}
        camb, best = published.get(n, ("-", "-"))
        row["cambazard_itc2007"], row["best_published"] = camb, best
        row = {c: row.get(c) for c in COLUMNS}
        rows.append(row)
        print(
            f"#{n:<2} {row['status']:<16} DtF {row['dtf']!s:>5}  soft {row['soft']!s:>5}"
            f"  first {row['first_feasible_s']!s:>6} s  build {row['build_s']!s:>5} s"
            f"  peak {row['peak_mb']!s:>5} MB  verified {row['verified']}"
            f"  (Cambazard {camb}, best {best})",
            flush=True,
        )
    with out.with_suffix(".csv").open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)
    out.with_suffix(".md").write_text(_markdown(rows, args))
    print(f"written: {out.with_suffix('.csv')}, {out.with_suffix('.md')}, solutions in {sln_dir}")
    return 0 if all(r["verified"] == "yes" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
