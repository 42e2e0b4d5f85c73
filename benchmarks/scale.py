"""Scale benchmark: generated alliance meetings from small to xl.

For each size, in a fresh process (so peak memory is that size's own): time to
generate, time to the first valid schedule, time to a proven optimum or the gap
at the time limit, and peak memory. Every schedule is verified by the
independent checker.

    .venv/bin/python benchmarks/scale.py                       # all sizes, 60 s each
    .venv/bin/python benchmarks/scale.py --sizes small alliance --time-limit 20
    .venv/bin/python benchmarks/scale.py --example             # the built-in example too
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SIZES = ["small", "alliance", "large", "xl"]
EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "heroes-halmstad-2025.xlsx"


def _run(size: str, seed: int, time_limit: float, workers: int, slack: int, queue: mp.Queue) -> None:
    from planner.checker import check
    from planner.generator import generate
    from planner.reader import read_problem
    from planner.solver import Options, solve

    t0 = time.perf_counter()
    problem = read_problem(EXAMPLE) if size == "example" else generate(size, seed).problem
    if slack:  # the generator packs days to the limit; real meetings leave some room
        days = tuple(replace(d, end=min(d.end + slack, 24 * 60)) for d in problem.days)
        problem = replace(problem, days=days)
    made = time.perf_counter() - t0
    result = solve(problem, Options(time_limit=time_limit, seed=seed, workers=workers))
    verified = None
    if result.schedule is not None:
        verified = check(problem, result.schedule).ok
    gap = None
    if result.objective is not None and result.best_bound is not None:
        gap = abs(result.objective - result.best_bound) / max(1, abs(result.objective))
    queue.put(
        {
            "size": size + (f"+{slack}min" if slack else ""),
            "people": len(problem.participants),
            "sessions": len(problem.sessions),
            "rooms": len(problem.rooms),
            "days": len(problem.days),
            "generate_s": round(made, 2),
            "status": result.status.value,
            "first_valid_s": None
            if result.first_solution_seconds is None
            else round(result.first_solution_seconds, 2),
            "solve_s": round(result.seconds, 2),
            "objective": result.objective,
            "bound": result.best_bound,
            "gap": None if gap is None else round(gap, 4),
            "checker_ok": verified,
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="*", default=SIZES, choices=SIZES + ["example"])
    ap.add_argument("--example", action="store_true", help="also solve the built-in example")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument(
        "--slack",
        type=int,
        nargs="*",
        default=[0],
        help="minutes added to every day's end after generating (0: as generated)",
    )
    ap.add_argument("--json", help="also write the rows to this file")
    args = ap.parse_args()
    sizes = (["example"] if args.example else []) + list(args.sizes)

    rows = []
    ctx = mp.get_context("spawn")
    for size in sizes:
        for slack in args.slack if size != "example" else [0]:
            queue: mp.Queue = ctx.Queue()
            proc = ctx.Process(
                target=_run, args=(size, args.seed, args.time_limit, args.workers, slack, queue)
            )
            proc.start()
            row = queue.get()
            proc.join()
            rows.append(row)
            print(json.dumps(row), flush=True)

    cols = ["size", "people", "sessions", "rooms", "status", "first_valid_s", "solve_s", "gap", "checker_ok"]
    cols.append("peak_mb")
    print()
    print(" | ".join(cols))
    print(" | ".join("---" for _ in cols))
    for row in rows:
        print(" | ".join(str(row[c]) for c in cols))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
