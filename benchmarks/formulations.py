"""Formulation benchmark: one choice of the model (ModelConfig) on and off, side by side.

For each seed of a generated preset (or the built-in example), ``solve`` runs twice with
the solver's defaults but for the one choice, forced on and then off: status, objective,
best bound and seconds of each, every schedule verified by the independent checker. It is
how the choices' defaults were measured (see ModelConfig, _config, TIME_INDEXED_SESSIONS).

    .venv/bin/python benchmarks/formulations.py --choice time_indexed --preset alliance \\
        --seeds 0 1 2 3 4 5 6 7 8 9 --time-limit 10
    .venv/bin/python benchmarks/formulations.py --choice clash_clauses --preset example --seeds 0 1 2
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "heroes-halmstad-2025.xlsx"
PRESETS = ["example", "tiny", "small", "alliance", "large", "xl"]
#: the choices that are a yes or no (the redundant families are too, but off by default)
CHOICES = [
    "time_indexed",
    "clash_clauses",
    "left_justified",
    "person_time_indexed",
    "room_supply",
    "clash_cuts",
]


def _one(problem, choice: str, on: bool, seed: int, time_limit: float) -> str:  # noqa: ANN001
    from planner.checker import check
    from planner.solver import Options, solve
    from planner.solver.cpsat import ModelConfig

    model = replace(ModelConfig(), **{choice: on})
    r = solve(problem, Options(time_limit=time_limit, seed=seed, model=model))
    if r.schedule is None:
        return f"{r.status.value} | - | - | {r.seconds:.1f} | -"
    verified = "yes" if check(problem, r.schedule).ok else "**NO**"
    bound = "-" if r.best_bound is None else f"{r.best_bound:,.0f}"
    return f"{r.status.value} | {r.objective:,} | {bound} | {r.seconds:.1f} | {verified}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--choice", choices=CHOICES, required=True, help="the ModelConfig field to switch")
    ap.add_argument("--preset", choices=PRESETS, default="alliance")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="generator and solver seeds")
    ap.add_argument("--time-limit", type=float, default=10.0, help="seconds per solve (default 10)")
    ap.add_argument("--out", type=Path, help="also write the table to this markdown file")
    args = ap.parse_args()

    from planner.generator import generate
    from planner.reader import read_problem

    head = [
        f"`{args.choice}` on and off, {args.preset}, {args.time_limit:g} s each; ok: the checker's verdict",
        "",
        "| seed | sessions | on: status | objective | bound | s | ok "
        "| off: status | objective | bound | s | ok |",
        "| --- " * 12 + "|",
    ]
    print("\n".join(head), flush=True)
    lines = []
    for seed in args.seeds:
        problem = read_problem(EXAMPLE) if args.preset == "example" else generate(args.preset, seed).problem
        on = _one(problem, args.choice, True, seed, args.time_limit)
        off = _one(problem, args.choice, False, seed, args.time_limit)
        line = f"| {seed} | {len(problem.sessions)} | {on} | {off} |"
        print(line, flush=True)
        lines.append(line)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("\n".join(head + lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
