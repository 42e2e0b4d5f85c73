"""Construction benchmark: time from prepared data to the first valid schedule, alone.

For each preset and seed, in a fresh process (so peak memory is that run's own):
time to generate, to prepare, to construct (``planner.solver.construct.construct``),
whether a schedule was found, whether the independent checker accepts it, and the
process's peak memory (``ru_maxrss``). No CP-SAT search runs beside it.

    .venv/bin/python benchmarks/construct.py                          # large 0-3, xl 0-1
    .venv/bin/python benchmarks/construct.py --presets large --seeds 1 2 --seconds 20
    .venv/bin/python benchmarks/construct.py --profile large:1        # cProfile, top 25

The machine's load matters (two cores): say what else ran beside it.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

#: Per preset: the construction's time limit by default (the goal: large < 5 s, xl < 60 s).
LIMITS = {"tiny": 5.0, "small": 5.0, "alliance": 10.0, "large": 20.0, "xl": 120.0}
DEFAULT = [("large", s) for s in range(4)] + [("xl", s) for s in range(2)]


def _run(preset: str, seed: int, seconds: float, queue: mp.Queue) -> None:
    from planner.checker import check
    from planner.generator import generate
    from planner.solver.construct import construct
    from planner.solver.prepare import prepare

    t0 = time.perf_counter()
    problem = generate(preset, seed).problem
    t1 = time.perf_counter()
    data = prepare(problem)
    t2 = time.perf_counter()
    c2 = time.process_time()
    placed = construct(data, seconds=seconds, seed=seed)
    t3 = time.perf_counter()
    c3 = time.process_time()
    ok = None
    if placed is not None:
        ok = check(problem, data.to_schedule(placed)).ok
    queue.put(
        {
            "preset": preset,
            "seed": seed,
            "sessions": len(problem.sessions),
            "people": len(problem.participants),
            "rooms": len(problem.rooms),
            "slots": len(data.slots),
            "generate_s": round(t1 - t0, 2),
            "prepare_s": round(t2 - t1, 2),
            "construct_s": round(t3 - t2, 2),
            "construct_cpu_s": round(c3 - c2, 2),  # below construct_s when the machine is busy
            "found": placed is not None,
            "checker_ok": ok,
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "load1": round(os.getloadavg()[0], 1),
        }
    )


def _profile(preset: str, seed: int, seconds: float) -> None:
    import cProfile
    import pstats

    from planner.generator import generate
    from planner.solver.construct import construct
    from planner.solver.prepare import prepare

    data = prepare(generate(preset, seed).problem)
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    placed = construct(data, seconds=seconds, seed=seed)
    prof.disable()
    print(f"{preset} seed {seed}: found={placed is not None} in {time.perf_counter() - t0:.2f} s (profiled)")
    pstats.Stats(prof).sort_stats("tottime").print_stats(25)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--presets", nargs="*", help="presets (default: large seeds 0-3, xl seeds 0-1)")
    ap.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2, 3])
    ap.add_argument("--seconds", type=float, help="construction time limit (default: per preset)")
    ap.add_argument("--profile", help="PRESET:SEED, profiled in this process")
    ap.add_argument("--json", help="also write the rows to this file")
    args = ap.parse_args()
    if args.profile:
        preset, seed = args.profile.split(":")
        _profile(preset, int(seed), args.seconds or LIMITS[preset])
        return
    runs = [(p, s) for p in args.presets for s in args.seeds] if args.presets else DEFAULT

    rows = []
    ctx = mp.get_context("spawn")
    for preset, seed in runs:
        queue: mp.Queue = ctx.Queue()
        limit = args.seconds or LIMITS[preset]
        proc = ctx.Process(target=_run, args=(preset, seed, limit, queue))
        proc.start()
        row = queue.get()
        proc.join()
        rows.append(row)
        print(json.dumps(row), flush=True)

    cols = ["preset", "seed", "sessions", "rooms", "prepare_s", "construct_s", "construct_cpu_s", "found"]
    cols += ["checker_ok"]
    cols += ["peak_mb", "load1"]
    print()
    print(" | ".join(cols))
    print(" | ".join("---" for _ in cols))
    for row in rows:
        print(" | ".join(str(row[c]) for c in cols))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
