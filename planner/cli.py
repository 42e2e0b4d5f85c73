"""The ``planner`` command line (contract: shared/spec/cli.md).

Exit codes: 0 done; 1 ``check`` found a broken rule; 2 the input could not be
read or is not valid (every problem listed, never a traceback); 3 the input is
valid but no schedule exists or none was found in the time limit; 4 an
internal error (a bug: please report it; PLANNER_DEBUG=1 shows the traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from planner.errors import InputError, InputIssue

EXIT_OK, EXIT_BROKEN, EXIT_INPUT, EXIT_NO_SCHEDULE, EXIT_INTERNAL = 0, 1, 2, 3, 4


def _seconds(text: str) -> float:
    """--time-limit: a number of seconds above 0 (argparse reports anything else, exit 2)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text} seconds: give a time above 0")
    return value


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="planner", description="Plan a conference or a multi-institution meeting."
    )
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("solve", help="read a workbook, solve, write the schedule")
    s.add_argument("input", help="workbook (.xlsx) or folder of CSV files")
    s.add_argument("--out", default="out", help="output folder (default: out/)")
    s.add_argument("--time-limit", type=_seconds, default=30.0, help="seconds of search (default 30)")
    s.add_argument("--seed", type=int, default=0, help="random seed of the search (default 0)")
    s.add_argument(
        "--workers",
        type=int,
        default=0,
        help="search threads (default: from the cores and the meeting's size; "
        "a number given keeps CP-SAT's own mix of searches)",
    )
    s.add_argument(
        "--previous", help="a schedule to start from (schedule.csv or schedule.xlsx of an earlier run)"
    )
    s.add_argument("--quiet", action="store_true", help="do not show the search's progress")

    c = sub.add_parser("check", help="check a schedule against every hard rule")
    c.add_argument("input", help="workbook (.xlsx) or folder of CSV files")
    c.add_argument("schedule", help="schedule.csv to check")

    e = sub.add_parser("explain", help="say why an input cannot be scheduled, in the organiser's terms")
    e.add_argument("input", help="workbook (.xlsx) or folder of CSV files")
    e.add_argument(
        "--time-limit", type=_seconds, default=20.0, help="seconds for the explanation (default 20)"
    )
    e.add_argument("--seed", type=int, default=0, help="random seed of the search (default 0)")
    e.add_argument("--workers", type=int, default=1, help="search threads (default 1)")

    t = sub.add_parser("template", help="write a blank input workbook with notes, drop-downs and examples")
    t.add_argument("file", help="the .xlsx file to write")

    i = sub.add_parser("itc2007", help="solve an ITC2007 track 2 instance (.tim), write its .sln")
    i.add_argument("file", help="the instance (.tim)")
    i.add_argument("--out", required=True, help="the solution file (.sln) to write")
    i.add_argument("--time-limit", type=_seconds, default=300.0, help="seconds of search (default 300)")
    i.add_argument("--seed", type=int, default=0, help="random seed of the search (default 0)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    _tolerate_unencodable_output()
    args = _parser().parse_args(argv)
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "solve": cmd_solve,
        "check": cmd_check,
        "explain": cmd_explain,
        "template": cmd_template,
        "itc2007": cmd_itc2007,
    }
    try:
        return handlers[args.command](args)
    except InputError as err:
        _print_input_error(err)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return EXIT_NO_SCHEDULE
    except Exception as err:  # a bug: say so in one line, never a wall of traceback
        if os.environ.get("PLANNER_DEBUG"):
            traceback.print_exc()
        print(
            f"internal error: {type(err).__name__}: {err} (set PLANNER_DEBUG=1 for details)", file=sys.stderr
        )
        return EXIT_INTERNAL


def _tolerate_unencodable_output() -> None:
    """A console or pipe that cannot show a name (Č on cp1252, → on ascii) gets an escape, not a crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _say(text: str) -> None:
    """Print a line now; a reader that went away (``planner solve ... | head``) must not stop the work."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        try:  # what is still buffered, and every later line, goes nowhere
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass


def _check_out_folder(out: Path) -> None:
    """--out must be (or become) a folder solve can write in, with nothing of the wrong
    kind where it writes: said before the search, not as an internal error after it."""
    from planner.export.files import CALENDARS, FRAB, WORKBOOK

    files = ("schedule.csv", WORKBOOK, FRAB, "summary.json", "changes.csv")
    folders = (CALENDARS, f"{CALENDARS}/people", f"{CALENDARS}/rooms")
    existing = next(p for p in (out, *out.parents) if p.exists())
    if not existing.is_dir():
        then = "" if existing == out else f", so {out} cannot be made"
        raise InputError([InputIssue("--out", None, None, "", f"{existing} is a file, not a folder{then}")])
    issues = [
        InputIssue("--out", None, None, "", f"{out / name} is a folder; solve writes a file of that name")
        for name in files
        if (out / name).is_dir()
    ] + [
        InputIssue("--out", None, None, "", f"{out / name} is a file; solve writes a folder of that name")
        for name in folders
        if (out / name).exists() and not (out / name).is_dir()
    ]
    if not os.access(existing, os.W_OK | os.X_OK):
        issues.append(InputIssue("--out", None, None, "", f"{existing} cannot be written in"))
    if issues:
        raise InputError(issues)


@contextmanager
def _writing_to(out: Path) -> Iterator[None]:
    """A folder that turns out not to be writable after all (a full disk, a read-only or
    virtual file system) is the command line's problem, said as such: exit 2, not an
    internal error."""
    try:
        yield
    except OSError as err:
        where = err.filename or out
        raise InputError(
            [InputIssue("--out", None, None, "", f"cannot write {where}: {err.strerror or err}")]
        ) from None


def _print_input_error(err: InputError) -> None:
    n = len(err.issues)
    print(f"The input is not valid: {n} problem{'s' if n != 1 else ''} found.", file=sys.stderr)
    for issue in err.issues:
        print(f"  - {issue}", file=sys.stderr)


def _read(path: str):  # noqa: ANN202 - Problem, imported lazily to keep --help fast
    from planner.reader import read_problem

    return read_problem(path)


def cmd_solve(args: argparse.Namespace) -> int:
    from planner.changes import diff
    from planner.checker import check, soft_details
    from planner.export.files import FRAB, WORKBOOK, export_files, now, write_exports
    from planner.export.sync import read_previous
    from planner.schedule_io import write_schedule_csv
    from planner.solver import Options, Progress, solve

    out = Path(args.out)
    _check_out_folder(out)
    problem = _read(args.input)
    # A previous schedule.xlsx also tells the calendars' last SEQUENCE and who attended what.
    before = read_previous(args.previous) if args.previous else None
    previous = before.schedule if before is not None else None

    def show(p: Progress) -> None:
        line = f"  {p.seconds:7.2f} s  schedule #{p.solutions:<3d} objective {p.objective:>10.0f}"
        if p.bound is not None:  # none yet: a gap to nothing would read as 100%
            gap = abs(p.objective - p.bound) / max(1.0, abs(p.objective))
            line += f"  bound {p.bound:>10.0f}  gap {gap:6.1%}"
        _say(line)

    _say(
        f"Solving {problem.event.name}: {len(problem.sessions)} sessions, "
        f"{len(problem.participants)} participants, {len(problem.rooms)} rooms, {len(problem.days)} days "
        f"(time limit {args.time_limit:g} s)"
    )
    options = Options(time_limit=args.time_limit, seed=args.seed, workers=args.workers, previous=previous)
    result = solve(problem, options, on_progress=None if args.quiet else show)

    summary: dict[str, object] = {
        "status": result.status.value,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "solve_seconds": round(result.seconds, 3),
        "first_solution_seconds": None
        if result.first_solution_seconds is None
        else round(result.first_solution_seconds, 3),
        "sessions": len(problem.sessions),
        "participants": len(problem.participants),
        "rooms": len(problem.rooms),
        "seed": args.seed,
        "time_limit": args.time_limit,
    }
    if result.schedule is None:
        reasons = _print_no_schedule(problem, result, args.time_limit)
        summary["hard_violations"] = None
        summary["reasons"] = reasons
        with _writing_to(out):
            out.mkdir(parents=True, exist_ok=True)
            for stale in ("schedule.csv", WORKBOOK, FRAB):  # a stale one would contradict this summary
                (out / stale).unlink(missing_ok=True)
            (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        return EXIT_NO_SCHEDULE

    report = check(problem, result.schedule)
    if not report.ok:  # the solver and the independent checker disagree: a bug, never ship it
        print("internal error: the solver's schedule breaks these rules:", file=sys.stderr)
        for v in report.violations:
            print(f"  - [{v.rule.value}] {v.message}", file=sys.stderr)
        return EXIT_INTERNAL

    files = export_files(problem, result.schedule, stamp=now(), previous=before, report=report)
    summary["hard_violations"] = 0
    summary.update(report.soft)
    summary["weighted"] = {g: problem.event.weight(g) * n for g, n in report.soft.items()}
    summary["details"] = soft_details(problem, result.schedule)  # who and what is behind each figure
    changes = diff(problem, previous, result.schedule) if previous is not None else None
    if changes is not None:
        summary["changes"] = len(changes)
        summary["change_points"] = sum(c.points for c in changes)
    with _writing_to(out):
        out.mkdir(parents=True, exist_ok=True)
        write_schedule_csv(problem, result.schedule, out / "schedule.csv")
        write_exports(files, out)
        (out / "changes.csv").unlink(missing_ok=True)  # a stale one would describe another re-plan
        if changes is not None:
            _write_changes(changes, out / "changes.csv")
        (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")

    rows = [
        ("status", result.status.value),
        (
            "objective",
            f"{result.objective}"
            + ("" if result.best_bound is None else f" (bound {result.best_bound:.0f})"),
        ),
        (
            "first schedule",
            f"{result.first_solution_seconds:.2f} s" if result.first_solution_seconds else "-",
        ),
        ("solve time", f"{result.seconds:.2f} s"),
        ("hard rules broken", "0"),
    ] + [(goal.replace("_", " "), str(n)) for goal, n in report.soft.items()]
    width = max(len(k) for k, _ in rows)
    for k, val in rows:
        _say(f"{k:<{width}}  {val}")
    if changes is not None:
        _say(f"changes from the previous schedule: {len(changes)}")
        for c in changes:
            _say(f"  {c.session_id}: {c.kind}: {c.was or '-'} -> {c.now or '-'}")
    people = sum(1 for name in files if name.startswith("calendars/people/"))
    _say(
        f"written: {out / 'schedule.csv'}, {out / WORKBOOK}, {out / FRAB}, {out / 'summary.json'}, "
        f"{out / 'calendars'} ({people} people, {len(problem.rooms)} rooms, event.ics)"
    )
    return EXIT_OK


def _write_changes(changes: list, path: Path) -> None:  # list[Change]
    """changes.csv: session, was, now (date, start and room), and what kind of change."""
    import csv

    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["session", "was", "now", "change"])
        for c in changes:
            w.writerow([c.session_id, c.was, c.now, c.kind])


def _print_no_schedule(problem, result, time_limit: float) -> list[str]:  # noqa: ANN001 - Problem, SolveResult
    """Say why there is no schedule (as ``planner explain`` would); the reasons, for summary.json."""
    from planner.explain import explain, format_explanation
    from planner.solver import Status

    if result.status is not Status.INFEASIBLE:
        _say(
            "No schedule was found within the time limit (none was proven impossible either): "
            "try a longer --time-limit."
        )
        return []
    explanation = explain(problem, time_limit=time_limit, known_infeasible=True)
    if explanation.schedule_exists:  # the two models disagree: a bug, but never a false reason
        _say("No schedule exists (the search proved it), but no reason was found: please report this input.")
        return []
    _say(format_explanation(problem, explanation))
    return [r.message for r in explanation.reasons]


def cmd_template(args: argparse.Namespace) -> int:
    """Write the blank workbook; exit 2 when the file cannot be written there."""
    from planner.errors import InputIssue
    from planner.template import write_template

    path = Path(args.file)
    if path.suffix.lower() != ".xlsx":
        raise InputError(
            [
                InputIssue(
                    str(path),
                    None,
                    None,
                    path.name,
                    "the template is an .xlsx workbook: give a file name ending in .xlsx",
                )
            ]
        )
    try:
        write_template(path)
    except OSError as err:
        raise InputError(
            [InputIssue(str(path), None, None, "", f"cannot write the file: {err.strerror}")]
        ) from None
    _say(f"written: {path} (every sheet, a note on each column, drop-down lists and one example per sheet)")
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    """Exit 0 when a schedule exists; 3 when none does (the reasons printed), as for every
    command, and 3 too when the time limit left it unsure (said so)."""
    from planner.explain import explain, format_explanation

    problem = _read(args.input)
    explanation = explain(problem, time_limit=args.time_limit, workers=args.workers, seed=args.seed)
    _say(format_explanation(problem, explanation))
    return EXIT_OK if explanation.schedule_exists else EXIT_NO_SCHEDULE


def cmd_check(args: argparse.Namespace) -> int:
    from planner.checker import check, format_report
    from planner.schedule_io import read_schedule

    problem = _read(args.input)
    schedule = read_schedule(args.schedule, problem)
    report = check(problem, schedule)
    _say(format_report(problem, report))
    return EXIT_OK if report.ok else EXIT_BROKEN


def cmd_itc2007(args: argparse.Namespace) -> int:
    """Solve an ITC2007 track 2 instance on the planner's engine and write the .sln.

    Exit 0 when every event is placed; 3 (with a valid partial .sln: unplaced events
    ``-1 -1``, no hard rule broken) when no complete timetable was found."""
    from planner.itc2007.evaluate import describe, evaluate
    from planner.itc2007.greedy import greedy
    from planner.itc2007.mapping import to_problem, to_solution
    from planner.itc2007.sln import write_sln
    from planner.itc2007.tim import read_tim
    from planner.solver import Options, Status, solve

    out = Path(args.out)
    if out.is_dir() or not out.parent.is_dir():
        raise InputError([InputIssue("--out", None, None, str(out), "must be a file in an existing folder")])
    inst = read_tim(args.file)
    problem = to_problem(inst)
    _say(
        f"Solving {inst.name}: {inst.n_events} events, {inst.n_rooms} rooms, {inst.n_students} students "
        f"(time limit {args.time_limit:g} s)"
    )
    result = solve(problem, Options(time_limit=args.time_limit, seed=args.seed))
    complete = result.schedule is not None
    solution = to_solution(inst, result.schedule) if result.schedule is not None else greedy(inst)
    ev = evaluate(inst, solution)
    if not ev.valid:  # the solver and the competition's rules disagree: a bug, never ship it
        print("internal error: the timetable breaks these ITC2007 rules:", file=sys.stderr)
        for line in describe(ev)[:20]:
            print(f"  - {line}", file=sys.stderr)
        return EXIT_INTERNAL
    write_sln(solution, out)
    first = result.first_solution_seconds if complete else None
    rows = [
        (
            "status",
            result.status.value
            if complete
            else f"{result.status.value}: the search found no timetable, this one is the greedy fallback's",
        ),
        ("placed", f"{inst.n_events - len(ev.unplaced)} of {inst.n_events} events"),
        ("DtF", str(ev.dtf)),
        (
            "soft cost",
            f"{ev.soft} (last slot {ev.last_slot}, in a row {ev.in_a_row}, single day {ev.single_day})",
        ),
        ("first feasible", "-" if first is None else f"{first:.2f} s"),
        ("solve time", f"{result.seconds:.2f} s"),
    ]
    width = max(len(k) for k, _ in rows)
    for k, val in rows:
        _say(f"{k:<{width}}  {val}")
    _say(f"written: {out}")
    if ev.feasible:
        return EXIT_OK
    if result.status is Status.INFEASIBLE:
        why = "; ".join(b.message for b in result.blocked[:5]) or "the search proved it"
        _say(f"No complete timetable exists: {why}")
    else:
        _say("No complete timetable was found within the time limit: try a longer --time-limit.")
    return EXIT_NO_SCHEDULE


if __name__ == "__main__":
    sys.exit(main())
