"""End-to-end tests of the ``planner`` command line (contract: shared/spec/cli.md).

Most runs call ``planner.cli.main`` in-process (fast, output captured by capsys);
one real run of the installed console script proves the entry point: it solves
the built-in HEROES example, and the tests of its outputs share that run.
Searches are short and seeded: --time-limit 5 --workers 2 --seed 1 (10 s for the
built-in example, as a user would run it).
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from planner.checker import check
from planner.cli import main
from planner.examples import heroes_halmstad_generated
from planner.generator import generate
from planner.model import Assignment, Break, Group, Kind, Problem, Schedule
from planner.reader import read_problem
from planner.schedule_io import SCHEDULE_COLUMNS, read_schedule, write_schedule_csv
from planner.workbook_writer import problem_tables, write_csv_folder, write_workbook
from tests.builders import D1, D2, away, day, dep, person, problem, room, session, t

ROOT = Path(__file__).resolve().parent.parent
HEROES = ROOT / "data" / "heroes-halmstad-2025.xlsx"
FAST = ["--time-limit", "5", "--workers", "2", "--seed", "1"]

# A progress line: "     1.29 s  schedule #1   objective      18763  bound        803  gap  95.7%"
# (no bound and gap for a schedule found before the full model proved any bound)
PROGRESS = re.compile(
    r"^\s+(\d+\.\d+) s\s+schedule #(\d+)\s+objective\s+-?\d+(\s+bound\s+-?\d+\s+gap\s+[\d.]+%)?$"
)

Tables = dict[str, list[list[Any]]]
Edit = Callable[[Tables], None]


# -- helpers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def invoke(capsys: pytest.CaptureFixture[str], *argv: object) -> Run:
    """``planner ARGV`` in-process; never a traceback, whatever the outcome."""
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err, out + err
    return Run(code, out, err)


def base_problem() -> Problem:
    """A small valid meeting; its sheets' rows (as the spreadsheet numbers them) are:

    Event 2 name, 3 timezone, 4 slot_minutes (15) | Days 2 2025-10-21, 3 2025-10-22 (09:00-17:00)
    Breaks 2 Lunch 12:00-13:00 | Rooms 2 R1 (30, projector), 3 R2 (10) | Groups 2 WP1 (lead P1), 3 WP2
    Participants 2 P1 (WP1), 3 P2 (WP1, WP2), 4 P3 (WP2), 5 P4
    Sessions 2 S1 plenary 60, 3 S2 WP1 60 projector, 4 S3 WP2 90, 5 S4 other 30 (P4; optional WP1)
    Unavailability 2 P3 2025-10-21 09:00-10:00 | Dependencies 2 S2 before S3
    """
    return problem(
        sessions=[
            session("S1", 60, Kind.PLENARY),
            session("S2", 60, groups=("WP1",), features=frozenset({"projector"})),
            session("S3", 90, groups=("WP2",)),
            session("S4", 30, Kind.OTHER, required=("P4",), optional=("WP1",)),
        ],
        rooms=[room("R1", 30, "projector"), room("R2", 10)],
        people=[person("P1", ("WP1",)), person("P2", ("WP1", "WP2")), person("P3", ("WP2",)), person("P4")],
        groups=[Group("WP1", "Work package 1", ("P1",)), Group("WP2", "Work package 2")],
        days=[day(D1, "09:00", "17:00"), day(D2, "09:00", "17:00")],
        breaks=[Break(None, t("12:00"), t("13:00"), "Lunch")],
        unavailable=[away("P3", "09:00", "10:00")],
        dependencies=[dep("S2", "S3", "before")],
    )


def write_xlsx(tables: Tables, path: Path) -> Path:
    """The tables as a workbook, cell by cell as given (dates as date cells, "HH:MM" as text)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in tables.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def edited(*edits: Edit, tables: Tables | None = None) -> Tables:
    out = copy.deepcopy(tables if tables is not None else problem_tables(base_problem()))
    for e in edits:
        e(out)
    return out


def put(sheet: str, row: int, column: str, value: Any) -> Edit:
    """Sets one cell; ``row`` as the spreadsheet numbers it (the header is row 1)."""

    def edit(tables: Tables) -> None:
        tables[sheet][row - 1][tables[sheet][0].index(column)] = value

    return edit


def add_row(sheet: str, **values: Any) -> Edit:
    def edit(tables: Tables) -> None:
        tables[sheet].append([values.get(h) for h in tables[sheet][0]])

    return edit


def drop_sheet(sheet: str) -> Edit:
    def edit(tables: Tables) -> None:
        del tables[sheet]

    return edit


def drop_column(sheet: str, column: str) -> Edit:
    def edit(tables: Tables) -> None:
        i = tables[sheet][0].index(column)
        for row in tables[sheet]:
            del row[i]

    return edit


def read_csv_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def summary_of(out: Path) -> dict[str, Any]:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def broken_rules(report: str) -> dict[str, list[str]]:
    """``check``'s report as {rule: [its detail lines]}; a rule's line may appear only once."""
    found: dict[str, list[str]] = {}
    current: str | None = None
    for line in report.splitlines():
        m = re.match(r"BROKEN (\w+): ", line)
        if m:
            current = m.group(1)
            assert current not in found, f"rule {current} reported on two lines"
            found[current] = []
        elif current and line.startswith("    - "):
            found[current].append(line)
        else:
            current = None
    return found


def assert_schedule_file(path: Path, problem: Problem) -> list[dict[str, str]]:
    """schedule.csv: the spec's columns in order, one row per session, as the problem implies."""
    header, rows = read_csv_rows(path)
    assert tuple(header) == SCHEDULE_COLUMNS
    assert sorted(r["session_id"] for r in rows) == sorted(s.id for s in problem.sessions)
    for r in rows:
        s = problem.session_by_id[r["session_id"]]
        assert (r["title"], r["kind"]) == (s.title, s.kind.value)
        assert r["room_name"] == problem.room_by_id[r["room_id"]].name
        assert int(r["attendance"]) == problem.attendance(s.id)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["date"])
        assert re.fullmatch(r"\d{2}:\d{2}", r["start"]) and re.fullmatch(r"\d{2}:\d{2}", r["end"])
        assert t(r["end"]) - t(r["start"]) == s.duration
    return rows


# -- help ----------------------------------------------------------------------------------


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "usage: planner" in out
    assert "solve" in out and "check" in out


def test_solve_help_lists_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["solve", "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    for option in ("INPUT", "--out", "--time-limit", "--seed", "--workers", "--previous"):
        assert option.lower() in out.lower()


@pytest.mark.parametrize("argv", [[], ["solve"], ["check", "only-one-argument"], ["frobnicate"]])
def test_a_wrong_command_line_is_a_usage_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "usage: planner" in err and "Traceback" not in err


# -- 1. the built-in example, through the installed console script ------------------------------


@dataclass(frozen=True)
class HeroesRun:
    proc: subprocess.CompletedProcess[str]
    out: Path
    problem: Problem


@pytest.fixture(scope="module")
def heroes(tmp_path_factory: pytest.TempPathFactory) -> HeroesRun:
    """The one real run of ``.venv/bin/planner``: the built-in example, as a user would solve it."""
    exe = Path(sys.executable).with_name("planner")
    if not exe.exists():
        exe = Path(shutil.which("planner") or exe)
    assert exe.exists(), f"the console script is not installed next to {sys.executable}"
    out = tmp_path_factory.mktemp("heroes") / "out"
    argv = [str(exe), "solve", str(HEROES), "--out", str(out), "--time-limit", "10", "--workers", "2"]
    proc = subprocess.run(
        [*argv, "--seed", "1"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    return HeroesRun(proc, out, read_problem(HEROES))


def test_console_script_solves_the_built_in_example(heroes: HeroesRun) -> None:
    proc = heroes.proc
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("Solving HEROES alliance semi-annual meeting")
    assert "41 sessions, 120 participants, 11 rooms, 3 days" in lines[0]
    # Progress while searching: one line per better schedule, before the summary.
    progress = [PROGRESS.match(line) for line in lines]
    shown = [m for m in progress if m]
    assert shown, proc.stdout
    assert [int(m.group(2)) for m in shown] == list(range(1, len(shown) + 1))
    times = [float(m.group(1)) for m in shown]
    assert times == sorted(times)
    last_progress = max(i for i, m in enumerate(progress) if m)
    status_line = next(i for i, line in enumerate(lines) if line.startswith("status"))
    assert last_progress < status_line
    assert re.search(r"^hard rules broken\s+0$", proc.stdout, re.M)
    assert "written:" in lines[-1]


def test_built_in_example_schedule_csv(heroes: HeroesRun) -> None:
    assert heroes.proc.returncode == 0
    rows = assert_schedule_file(heroes.out / "schedule.csv", heroes.problem)
    assert len(rows) == len(heroes.problem.sessions) == 41


def test_built_in_example_summary(heroes: HeroesRun) -> None:
    assert heroes.proc.returncode == 0
    summary = summary_of(heroes.out)
    assert summary["status"] in ("optimal", "feasible")
    assert isinstance(summary["objective"], int)
    assert isinstance(summary["best_bound"], int | float)
    assert summary["best_bound"] <= summary["objective"]
    assert 0 < summary["solve_seconds"] < 10 + 5
    assert summary["sessions"] == 41 and summary["participants"] == 120
    assert summary["hard_violations"] == 0
    # Each soft goal's value, as the independent checker counts it in the written schedule.
    report = check(heroes.problem, read_schedule(heroes.out / "schedule.csv"))
    assert report.ok, report.violations
    for goal in ("optional_clash", "room_fit"):
        assert summary[goal] == report.soft[goal]
    # The solver's objective is the checker's weighted total.
    assert summary["objective"] == report.objective(heroes.problem)


def test_check_accepts_the_built_in_example_schedule(
    heroes: HeroesRun, capsys: pytest.CaptureFixture[str]
) -> None:
    assert heroes.proc.returncode == 0
    run = invoke(capsys, "check", HEROES, heroes.out / "schedule.csv")
    assert run.code == 0, run.out
    assert re.search(r"^All \d+ hard rules hold\.$", run.out, re.M)
    assert "BROKEN" not in run.out
    assert "Soft figures:" in run.out and "optional_clash" in run.out and "room_fit" in run.out


def test_built_in_example_calendars_and_workbook(heroes: HeroesRun) -> None:
    assert heroes.proc.returncode == 0
    assert (heroes.out / "schedule.xlsx").is_file() and (heroes.out / "schedule.frab.json").is_file()
    assert (heroes.out / "calendars" / "event.ics").is_file()
    for p in heroes.problem.participants:
        name = re.sub(r"[^\w.-]", "_", p.id)
        assert (heroes.out / "calendars" / "people" / f"{name}.ics").is_file()
    for r in heroes.problem.rooms:
        name = re.sub(r"[^\w.-]", "_", r.id)
        assert (heroes.out / "calendars" / "rooms" / f"{name}.ics").is_file()


# -- 2. the other input forms ---------------------------------------------------------------------


def test_a_csv_folder_solves_and_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gen = generate("small", 1)
    folder = write_csv_folder(gen.problem, tmp_path / "meeting")
    out = tmp_path / "out"
    run = invoke(capsys, "solve", folder, "--out", out, *FAST)
    assert run.code == 0, run.out + run.err
    assert any(PROGRESS.match(line) for line in run.out.splitlines())
    assert_schedule_file(out / "schedule.csv", gen.problem)
    assert summary_of(out)["status"] in ("optimal", "feasible")
    assert invoke(capsys, "check", folder, out / "schedule.csv").code == 0


def test_a_schedule_found_before_any_bound_shows_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With a per-person goal weighted, the first schedule comes from the rules alone,
    before the full model has proved any bound: its progress line shows no bound and no
    gap (a gap to nothing read "gap 100%")."""
    gen = generate("small", 1)
    weighted = replace(gen.problem, event=replace(gen.problem.event, weights=(("single_day", 5),)))
    folder = write_csv_folder(weighted, tmp_path / "meeting")
    run = invoke(capsys, "solve", folder, "--out", tmp_path / "out", *FAST)
    assert run.code == 0, run.out + run.err
    lines = [m for m in map(PROGRESS.match, run.out.splitlines()) if m]
    assert lines and lines[0].group(2) == "1" and lines[0].group(3) is None, run.out


def _odd(name: str, i: int) -> str:
    """The name as a careless organiser types it: odd case and stray spaces."""
    styles = [str.upper, str.title, str.swapcase, lambda s: s[:1].upper() + s[1:]]
    return f"{' ' * (i % 2)}{styles[i % len(styles)](name)}{' ' * (i % 3)}"


def test_odd_capitalisation_and_extra_sheets_and_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gen = generate("small", 2)
    tables: Tables = {}
    for i, (name, rows) in enumerate(problem_tables(gen.problem).items()):
        header = [_odd(h, i + j) for j, h in enumerate(rows[0])]
        body = [list(r) for r in rows[1:]]
        # An extra column in the middle, holding anything (text that looks like a formula, numbers).
        header.insert(1, "Notes")
        for k, row in enumerate(body):
            row.insert(1, f"=note {k}" if k % 2 else k)
        if i % 2:  # columns in another order
            order = list(reversed(range(len(header))))
            header = [header[k] for k in order]
            body = [[row[k] for k in order] for row in body]
        tables[_odd(name, i)] = [header, *body]
    tables["Read me"] = [["Fill in every sheet"], ["then run: planner solve this.xlsx"]]
    tables["Sessions (old)"] = [["session_id", "kind"], ["ZZ", "nonsense"]]
    odd = write_xlsx(tables, tmp_path / "odd.xlsx")
    plain = write_workbook(gen.problem, tmp_path / "plain.xlsx")
    assert read_problem(odd) == read_problem(plain)

    out = tmp_path / "out"
    run = invoke(capsys, "solve", odd, "--out", out, *FAST)
    assert run.code == 0, run.out + run.err
    assert_schedule_file(out / "schedule.csv", gen.problem)


# -- 3. check: a hand-broken schedule -----------------------------------------------------------------


def _heroes_planted_csv(
    path: Path, edit: Callable[[list[Assignment]], list[Assignment]] | None = None
) -> Path:
    gen = heroes_halmstad_generated()
    assignments = list(gen.planted.assignments)
    if edit is not None:
        assignments = edit(assignments)
    write_schedule_csv(gen.problem, Schedule(tuple(assignments)), path)
    return path


def test_check_accepts_the_planted_schedule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = invoke(capsys, "check", HEROES, _heroes_planted_csv(tmp_path / "schedule.csv"))
    assert run.code == 0, run.out
    assert "BROKEN" not in run.out


def test_check_names_each_broken_rule_and_its_sessions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = read_problem(HEROES)
    free = sorted(
        s.id
        for s in problem.sessions
        if s.kind is not Kind.PLENARY and s.day is None and s.start is None and s.room is None
    )
    a, b, c, d = free[:4]

    def breaking(rows: list[Assignment]) -> list[Assignment]:
        by_id = {x.session_id: x for x in rows}
        out = []
        for x in rows:
            if x.session_id == b:  # into a's room at a's time
                x = Assignment(b, by_id[a].date, by_id[a].start, by_id[a].room_id)
            elif x.session_id == c:  # into the lunch break, 12:00-13:00 every day
                x = Assignment(c, x.date, t("12:00"), x.room_id)
            elif x.session_id == d:  # left out
                continue
            out.append(x)
        return out

    run = invoke(capsys, "check", HEROES, _heroes_planted_csv(tmp_path / "schedule.csv", breaking))
    assert run.code == 1, run.out
    rules = broken_rules(run.out)
    assert {"room_no_overlap", "clear_of_breaks", "scheduled_once"} <= set(rules), run.out
    assert any(a in line and b in line for line in rules["room_no_overlap"]), rules["room_no_overlap"]
    assert any(c in line and "Lunch" in line for line in rules["clear_of_breaks"])
    assert any(d in line and "not scheduled" in line for line in rules["scheduled_once"])
    assert "Soft figures:" in run.out


def test_check_reports_an_unreadable_schedule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _heroes_planted_csv(tmp_path / "schedule.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[2].split(",")
    cells[SCHEDULE_COLUMNS.index("date")] = "21/10/2025"
    lines[2] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = invoke(capsys, "check", HEROES, path)
    assert run.code == 2
    assert "schedule.csv, row 3, column date" in run.err and "'21/10/2025'" in run.err

    run = invoke(capsys, "check", HEROES, tmp_path / "missing.csv")
    assert run.code == 2 and "missing.csv" in run.err and "no such file" in run.err


def test_check_holds_an_edited_end_to_the_duration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The end is the input's duration from the start: an end edited in the schedule (a
    session made longer by hand) is reported where it is, not silently read as the
    duration; a blank end (a hand-made schedule need not say it) is fine."""
    path = _heroes_planted_csv(tmp_path / "schedule.csv")
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    blank = [dict(r, end="") for r in rows]
    longer = [dict(r) for r in rows]
    longer[1]["end"] = f"{int(longer[1]['end'][:2]) + 1:02d}{longer[1]['end'][2:]}"
    for name, table in (("blank.csv", blank), ("longer.csv", longer)):
        with (tmp_path / name).open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=SCHEDULE_COLUMNS)
            writer.writeheader()
            writer.writerows(table)
    assert invoke(capsys, "check", HEROES, tmp_path / "blank.csv").code == 0
    run = invoke(capsys, "check", HEROES, tmp_path / "longer.csv")
    assert run.code == 2, run.out
    assert "longer.csv, row 3, column end" in run.err and f"ends at {rows[1]['end']}" in run.err


def test_check_reports_an_invalid_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xlsx = write_xlsx(edited(put("Rooms", 3, "capacity", "ten")), tmp_path / "bad.xlsx")
    schedule = tmp_path / "schedule.csv"
    schedule.write_text(",".join(SCHEDULE_COLUMNS) + "\n", encoding="utf-8")
    run = invoke(capsys, "check", xlsx, schedule)
    assert run.code == 2
    assert "Rooms, row 3, column capacity" in run.err and "'ten'" in run.err


def test_the_unedited_base_workbook_solves(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """So that each malformed case below is invalid for its one edit only."""
    out = tmp_path / "out"
    run = invoke(capsys, "solve", write_xlsx(edited(), tmp_path / "meeting.xlsx"), "--out", out, *FAST)
    assert run.code == 0, run.out + run.err
    assert any(PROGRESS.match(line) for line in run.out.splitlines())
    assert_schedule_file(out / "schedule.csv", base_problem())
    assert summary_of(out)["status"] == "optimal"


# -- 4. malformed inputs: exit 2, every problem located, nothing written ---------------------------------

MALFORMED = [
    pytest.param(drop_sheet("Rooms"), ["Rooms", "sheet Rooms is missing"], id="missing-sheet"),
    pytest.param(
        drop_column("Sessions", "duration_min"),
        ["Sessions, column duration_min", "missing"],
        id="missing-column",
    ),
    pytest.param(
        put("Days", 3, "date", "2025-02-30"), ["Days, row 3, column date", "'2025-02-30'"], id="no-such-date"
    ),
    pytest.param(
        put("Days", 3, "date", "22/10/2025"), ["Days, row 3, column date", "'22/10/2025'"], id="bad-date"
    ),
    pytest.param(put("Breaks", 2, "start", "noon"), ["Breaks, row 2, column start", "'noon'"], id="bad-time"),
    pytest.param(put("Days", 2, "end", "25:00"), ["Days, row 2, column end", "'25:00'"], id="time-past-24"),
    pytest.param(
        put("Rooms", 3, "capacity", "ten"), ["Rooms, row 3, column capacity", "'ten'"], id="capacity-text"
    ),
    pytest.param(put("Rooms", 2, "capacity", 0), ["Rooms, row 2, column capacity", "'0'"], id="capacity-0"),
    pytest.param(
        put("Participants", 3, "participant_id", "P1"),
        ["Participants, row 3, column participant_id", "'P1'", "row 2"],
        id="duplicate-id",
    ),
    pytest.param(
        add_row("Participants", participant_id="R2", name="Room Two"),
        ["Participants, row 6, column participant_id", "'R2'", "room"],
        id="id-of-a-room-and-a-person",
    ),
    pytest.param(
        put("Participants", 4, "groups", "WP2, WP9"),
        ["Participants, row 4, column groups", "'WP9'"],
        id="unknown-group",
    ),
    pytest.param(
        put("Sessions", 5, "required", "P4, P44"),
        ["Sessions, row 5, column required", "'P44'"],
        id="unknown-participant",
    ),
    pytest.param(
        put("Dependencies", 2, "second", "S9"),
        ["Dependencies, row 2, column second", "'S9'"],
        id="unknown-session",
    ),
    pytest.param(
        put("Sessions", 3, "room", "R9"), ["Sessions, row 3, column room", "'R9'"], id="unknown-fixed-room"
    ),
    pytest.param(
        put("Sessions", 3, "duration_min", 50),
        ["Sessions, row 3, column duration_min", "'50'", "15-minute"],
        id="duration-off-grid",
    ),
    pytest.param(
        put("Sessions", 3, "duration_min", "an hour"),
        ["Sessions, row 3, column duration_min", "'an hour'"],
        id="duration-text",
    ),
    pytest.param(
        put("Sessions", 4, "kind", "keynote"),
        ["Sessions, row 4, column kind", "'keynote'"],
        id="unknown-kind",
    ),
    pytest.param(
        put("Sessions", 4, "session_id", None), ["Sessions, row 4, column session_id"], id="blank-id"
    ),
    pytest.param(
        put("Dependencies", 2, "relation", "after"),
        ["Dependencies, row 2, column relation", "'after'"],
        id="unknown-relation",
    ),
    pytest.param(
        add_row("Dependencies", first="S3", second="S2", relation="before"),
        ["Dependencies, row 2", "rows 2, 3", "cycle", "S2 → S3 → S2"],
        id="dependency-cycle",
    ),
    pytest.param(
        put("Event", 3, "value", "Mars/Olympus"),
        ["Event, row 3, column value", "'Mars/Olympus'"],
        id="unknown-timezone",
    ),
    pytest.param(
        put("Unavailability", 2, "end", "08:00"),
        ["Unavailability, row 2, column end", "'08:00'"],
        id="end-before-start",
    ),
]


@pytest.mark.parametrize(("edit", "expected"), MALFORMED)
def test_malformed_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: Edit, expected: list[str]
) -> None:
    xlsx = write_xlsx(edited(edit), tmp_path / "meeting.xlsx")
    out = tmp_path / "out"
    run = invoke(capsys, "solve", xlsx, "--out", out, *FAST)
    assert run.code == 2, run.out + run.err
    assert re.match(r"The input is not valid: \d+ problems? found\.", run.err)
    for fragment in expected:
        assert fragment in run.err, run.err
    assert not out.exists()
    assert "Solving" not in run.out


def _text_renamed_xlsx(tmp: Path) -> tuple[Path, list[str]]:
    path = tmp / "meeting.xlsx"
    path.write_text("session_id,title\nS1,Opening\n", encoding="utf-8")
    return path, [str(path), "not an Excel workbook"]


def _missing_path(tmp: Path) -> tuple[Path, list[str]]:
    return tmp / "nowhere.xlsx", [str(tmp / "nowhere.xlsx"), "no such file"]


def _empty_folder(tmp: Path) -> tuple[Path, list[str]]:
    (tmp / "empty").mkdir()
    return tmp / "empty", [str(tmp / "empty"), "no CSV files"]


def _single_csv(tmp: Path) -> tuple[Path, list[str]]:
    folder = write_csv_folder(base_problem(), tmp / "meeting")
    return folder / "sessions.csv", ["sessions.csv", "single CSV file"]


def _csv_bad_cell(tmp: Path) -> tuple[Path, list[str]]:
    folder = write_csv_folder(base_problem(), tmp / "meeting")
    rooms = folder / "rooms.csv"
    rooms.write_text(rooms.read_text(encoding="utf-8").replace("R2,Room R2,10", "R2,Room R2,ten"), "utf-8")
    return folder, ["rooms.csv, row 3, column capacity", "'ten'"]


def _csv_control_character(tmp: Path) -> tuple[Path, list[str]]:
    """A workbook cannot hold it, and the schedule workbook repeats the input: refused
    before solving, with the cell (it once stopped the export, after the solve)."""
    folder = write_csv_folder(base_problem(), tmp / "meeting")
    rooms = folder / "rooms.csv"
    rooms.write_text(rooms.read_text(encoding="utf-8").replace("Room R2", "Room\x07 R2"), "utf-8")
    return folder, ["rooms.csv, row 3, column name", "control character (U+0007)"]


def _csv_missing_file(tmp: Path) -> tuple[Path, list[str]]:
    folder = write_csv_folder(base_problem(), tmp / "meeting")
    (folder / "sessions.csv").unlink()
    return folder, ["Sessions", "missing", "sessions.csv"]


def _csv_not_utf8(tmp: Path) -> tuple[Path, list[str]]:
    folder = write_csv_folder(base_problem(), tmp / "meeting")
    (folder / "participants.csv").write_bytes("participant_id,name\nP1,Jörg\n".encode("latin-1"))
    return folder, ["participants.csv", "UTF-8"]


@pytest.mark.parametrize(
    "make",
    [
        _text_renamed_xlsx,
        _missing_path,
        _empty_folder,
        _single_csv,
        _csv_bad_cell,
        _csv_control_character,
        _csv_missing_file,
        _csv_not_utf8,
    ],
)
def test_malformed_input_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], tuple[Path, list[str]]]
) -> None:
    path, expected = make(tmp_path)
    out = tmp_path / "out"
    run = invoke(capsys, "solve", path, "--out", out, *FAST)
    assert run.code == 2, run.out + run.err
    for fragment in expected:
        assert fragment in run.err, run.err
    assert not out.exists()


def test_every_problem_is_listed_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tables = edited(
        put("Days", 3, "date", "2025-02-30"),
        put("Rooms", 3, "capacity", "ten"),
        put("Participants", 4, "groups", "WP9"),
        put("Sessions", 4, "kind", "keynote"),
        put("Dependencies", 2, "relation", "after"),
    )
    out = tmp_path / "out"
    run = invoke(capsys, "solve", write_xlsx(tables, tmp_path / "meeting.xlsx"), "--out", out, *FAST)
    assert run.code == 2
    assert run.err.startswith("The input is not valid: 5 problems found.")
    for fragment in (
        "Days, row 3, column date",
        "Rooms, row 3, column capacity",
        "Participants, row 4, column groups",
        "Sessions, row 4, column kind",
        "Dependencies, row 2, column relation",
    ):
        assert fragment in run.err
    assert len([line for line in run.err.splitlines() if line.startswith("  - ")]) == 5
    assert not out.exists()


@pytest.mark.parametrize("seconds", ["-1", "0", "nan", "inf", "soon"])
def test_a_time_limit_is_seconds_above_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], seconds: str
) -> None:
    xlsx = write_xlsx(edited(), tmp_path / "meeting.xlsx")
    for command in (["solve", xlsx, "--out", tmp_path / "out"], ["explain", xlsx]):
        with pytest.raises(SystemExit) as stop:
            invoke(capsys, *command, "--time-limit", seconds)
        assert stop.value.code == 2
        assert "--time-limit" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_out_must_be_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xlsx = write_xlsx(edited(), tmp_path / "meeting.xlsx")
    a_file = tmp_path / "a-file"
    a_file.write_text("keep me", encoding="utf-8")
    for out in (a_file, a_file / "sub"):
        run = invoke(capsys, "solve", xlsx, "--out", out, *FAST)
        assert run.code == 2, run.err
        assert "--out" in run.err and "is a file, not a folder" in run.err
        assert "Solving" not in run.out  # said before any search
    assert a_file.read_text(encoding="utf-8") == "keep me"


def test_what_is_in_the_way_in_out_is_said_before_the_search(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file where solve writes the calendars folder, a folder where it writes a file:
    both said at once, before any search (it was an internal error after the solve)."""
    xlsx = write_xlsx(edited(), tmp_path / "meeting.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    (out / "calendars").write_text("keep me", encoding="utf-8")
    (out / "summary.json").mkdir()
    run = invoke(capsys, "solve", xlsx, "--out", out, *FAST)
    assert run.code == 2, run.err
    assert "calendars is a file; solve writes a folder" in run.err
    assert "summary.json is a folder; solve writes a file" in run.err
    assert "Solving" not in run.out and not (out / "schedule.csv").exists()
    assert (out / "calendars").read_text(encoding="utf-8") == "keep me"


def test_a_folder_that_cannot_be_written_after_all_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk that fills up (or a file system that refuses) while the files are written:
    the command line's problem, said with the path, not an internal error."""
    import planner.export.files

    def full(*_: object) -> None:
        raise OSError(28, "No space left on device", str(tmp_path / "out" / "schedule.xlsx"))

    monkeypatch.setattr(planner.export.files, "write_exports", full)
    run = invoke(
        capsys, "solve", write_xlsx(edited(), tmp_path / "meeting.xlsx"), "--out", tmp_path / "out", *FAST
    )
    assert run.code == 2, run.err
    assert "cannot write" in run.err and "schedule.xlsx: No space left on device" in run.err
    assert "internal error" not in run.err


# -- 5. valid input without a schedule: exit 3 ----------------------------------------------------


def assert_no_schedule(out: Path, status: str) -> dict[str, Any]:
    assert not (out / "schedule.csv").exists()
    summary = summary_of(out)
    assert summary["status"] == status
    assert summary["objective"] is None
    assert summary["sessions"] == 4 and summary["participants"] == 4
    return summary


def test_a_session_bigger_than_every_room(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xlsx = write_xlsx(edited(put("Sessions", 3, "attendance", 500)), tmp_path / "meeting.xlsx")
    out = tmp_path / "out"
    run = invoke(capsys, "solve", xlsx, "--out", out, *FAST)
    assert run.code == 3, run.out + run.err
    assert "No schedule exists" in run.out
    reason = next(line for line in run.out.splitlines() if line.startswith("  - "))
    assert "S2" in reason and "500" in reason and "30" in reason
    summary = assert_no_schedule(out, "infeasible")
    assert any("S2" in r and "500" in r for r in summary["reasons"])


def _same_person_fixed_twice() -> Tables:
    # S2 (WP1: P1, P2) and S3 (WP2: P2, P3) both fixed on 2025-10-22 at 13:00; P2 must attend both.
    tables = edited(
        put("Sessions", 3, "day", D2),
        put("Sessions", 3, "start", "13:00"),
        put("Sessions", 4, "day", D2),
        put("Sessions", 4, "start", "13:00"),
    )
    del tables["Dependencies"][1:]
    return tables


def test_the_same_person_fixed_in_two_places(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xlsx = write_xlsx(_same_person_fixed_twice(), tmp_path / "meeting.xlsx")
    out = tmp_path / "out"
    run = invoke(capsys, "solve", xlsx, "--out", out, *FAST)
    assert run.code == 3, run.out + run.err
    assert "No schedule exists" in run.out
    assert_no_schedule(out, "infeasible")


def test_the_same_person_fixed_in_two_places_is_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    xlsx = write_xlsx(_same_person_fixed_twice(), tmp_path / "meeting.xlsx")
    run = invoke(capsys, "solve", xlsx, "--out", tmp_path / "out", *FAST)
    assert run.code == 3
    assert "P2" in run.out and "S2" in run.out and "S3" in run.out


def test_no_schedule_within_the_time_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A generated 600-person meeting is packed to the limit: 0.1 s of search finds no schedule
    # for it (it has one: the generator planted it). The construction finds one in about 0.2 s
    # now, so it is told to find none, as on a slower machine.
    import planner.solver

    monkeypatch.setattr(planner.solver, "construct", lambda *args, **kw: None)
    xlsx = tmp_path / "large.xlsx"
    write_workbook(generate("large", 1).problem, xlsx)
    out = tmp_path / "out"
    run = invoke(capsys, "solve", xlsx, "--out", out, "--time-limit", "0.1", "--workers", "2", "--seed", "1")
    assert run.code == 3, run.out
    assert "No schedule was found within the time limit" in run.out
    assert "No schedule exists" not in run.out  # said distinctly from a proven impossibility
    assert not (out / "schedule.csv").exists()
    assert summary_of(out)["status"] == "unknown"


def test_a_stale_schedule_does_not_survive_an_infeasible_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    ok = write_xlsx(edited(), tmp_path / "ok.xlsx")
    assert invoke(capsys, "solve", ok, "--out", out, *FAST).code == 0
    assert (out / "schedule.csv").exists()
    bad = write_xlsx(edited(put("Sessions", 3, "attendance", 500)), tmp_path / "bad.xlsx")
    assert invoke(capsys, "solve", bad, "--out", out, *FAST).code == 3
    assert_no_schedule(out, "infeasible")


# -- output that a console cannot show ----------------------------------------------------------------


def test_a_console_that_cannot_show_names_gets_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Windows console (cp1252) or an ASCII pipe must not turn a name into an internal error."""
    tables = edited(put("Event", 2, "value", "Möte i Brno: Černý → Kučerová"))
    tables["Dependencies"].append(["S3", "S2", "before", None])
    broken = write_xlsx(tables, tmp_path / "broken.xlsx")
    stderr = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    monkeypatch.setattr(sys, "stderr", stderr)
    assert main(["solve", str(broken), "--out", str(tmp_path / "o1"), *FAST]) == 2
    stderr.flush()
    assert "S2 \\u2192 S3" in stderr.buffer.getvalue().decode("ascii")

    del tables["Dependencies"][2:]
    fine = write_xlsx(tables, tmp_path / "fine.xlsx")
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="cp1252")
    monkeypatch.setattr(sys, "stdout", stdout)
    assert main(["solve", str(fine), "--out", str(tmp_path / "o2"), *FAST]) == 0
    stdout.flush()
    expected = "Solving Möte i Brno: \\u010cerný \\u2192 Ku\\u010derová: 4 sessions"
    assert expected.encode("cp1252") in stdout.buffer.getvalue()


def test_previous_schedule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--previous: a schedule to start from, even one that no longer fits, or one that is unreadable."""
    xlsx = write_xlsx(edited(), tmp_path / "meeting.xlsx")
    first = tmp_path / "first"
    assert invoke(capsys, "solve", xlsx, "--out", first, *FAST).code == 0
    previous = tmp_path / "previous.csv"
    text = (first / "schedule.csv").read_text(encoding="utf-8")
    previous.write_text(text.replace("R1,", "R9,") + "S9,x,other,2031-01-01,09:00,10:00,R1,x,1\n", "utf-8")
    second = tmp_path / "second"
    run = invoke(capsys, "solve", xlsx, "--out", second, "--previous", previous, *FAST)
    assert run.code == 0, run.out + run.err
    assert_schedule_file(second / "schedule.csv", read_problem(xlsx))

    previous.write_text(",".join(SCHEDULE_COLUMNS) + "\nS1,x,plenary,someday,09:00,10:00,R1,x,1\n", "utf-8")
    run = invoke(capsys, "solve", xlsx, "--out", tmp_path / "third", "--previous", previous, *FAST)
    assert run.code == 2
    assert "previous.csv, row 2, column date" in run.err and "'someday'" in run.err
    assert not (tmp_path / "third").exists()


class _ClosedPipe(io.TextIOBase):
    """stdout of ``planner solve ... | head -1`` once head has gone: every write fails."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_reader_that_goes_away_does_not_stop_the_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    xlsx = write_xlsx(edited(), tmp_path / "meeting.xlsx")
    out = tmp_path / "out"
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    assert main(["solve", str(xlsx), "--out", str(out), *FAST]) == 0
    assert_schedule_file(out / "schedule.csv", base_problem())
    assert main(["check", str(xlsx), str(out / "schedule.csv")]) == 0
    assert "internal error" not in capsys.readouterr().err


def test_the_constructed_schedule_is_written_when_the_search_has_no_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 0.1 s is too little for the search on the example, but its first construction pass succeeds
    out = tmp_path / "out"
    run = invoke(
        capsys, "solve", HEROES, "--out", out, "--time-limit", "0.1", "--workers", "2", "--seed", "1"
    )
    assert run.code == 0, run.out
    assert summary_of(out)["status"] in ("feasible", "optimal")
    assert check(read_problem(HEROES), read_schedule(out / "schedule.csv")).ok
