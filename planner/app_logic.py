"""What the organisers' app shows and does, as pure functions (the pages only lay it out).

Never imports streamlit: every function takes and returns plain data (bytes, frozen
dataclasses, pandas DataFrames), so it is tested without a browser and the pages stay
thin. Input arrives as bytes (an upload or the built-in example) and becomes editable
tables of text; the same tables are validated again after every edit.
"""

from __future__ import annotations

import atexit
import csv
import io
import multiprocessing
import queue
import signal
import tempfile
import threading
import time
import weakref
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path

import pandas as pd

from planner import checker
from planner.changes import Change, diff
from planner.checker import CheckReport, check, describe_clash
from planner.errors import InputError, InputIssue
from planner.explain import explain, format_explanation
from planner.export.common import agendas
from planner.export.files import CALENDARS, WORKBOOK, export_files
from planner.export.names import safe_stems
from planner.export.xlsx import ROOM_USE_COLUMNS, room_use
from planner.model import DEFAULT_WEIGHTS, Assignment, Kind, Problem, Schedule, hhmm
from planner.reader import Table, load_tables
from planner.rules import SoftGoal
from planner.schedule_io import SCHEDULE_COLUMNS, schedule_rows
from planner.solver import Options, Progress, SolveResult, Status, solve
from planner.template import template_bytes
from planner.validation import SHEETS, Cell, build_problem, column_key, shown
from planner.workbook_writer import problem_tables, workbook_bytes

#: The largest upload accepted (an alliance meeting's workbook is well under 1 MB).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
#: A zip of CSV files may not unpack to more than this (a zip bomb is refused).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024

EXAMPLE_PATH = Path(__file__).resolve().parent.parent / "data" / "heroes-halmstad-2025.xlsx"
EXAMPLE_NAME = "heroes-halmstad-2025.xlsx"

#: Editable tables: sheet name -> DataFrame of text cells (columns as the header says).
Sheets = dict[str, pd.DataFrame]

ISSUE_COLUMNS = ["sheet", "row", "column", "value", "message"]

STATUS_WORDS: dict[Status, str] = {
    Status.OPTIMAL: "Best possible schedule found: no schedule breaks fewer wishes.",
    Status.FEASIBLE: "A schedule that keeps every rule was found; the search stopped before it could "
    "prove that none is better.",
    Status.INFEASIBLE: "No schedule exists: some rules cannot all hold at once.",
    Status.UNKNOWN: "No schedule was found within the time limit, and none is proven impossible: "
    "give the search more time.",
}

#: Background colours of the day grid by session kind (and for breaks).
KIND_COLOURS: dict[str, str] = {
    Kind.PLENARY.value: "#f4c7c3",
    Kind.WORKING_GROUP.value: "#c9daf8",
    Kind.CROSS_PACKAGE.value: "#d9ead3",
    Kind.OTHER.value: "#fff2cc",
    "break": "#d9d9d9",
}


# -- reading input ----------------------------------------------------------------------


def _issue(message: str, sheet: str = "upload") -> InputError:
    return InputError([InputIssue(sheet, None, None, "", message)])


def tables_to_sheets(tables: dict[str, Table]) -> Sheets:
    """The reader's raw tables as editable text tables (cells as an organiser reads them)."""
    out: Sheets = {}
    for name, table in tables.items():
        header = [h.strip() for h in table.header if h.strip()]
        keys = [column_key(h) for h in header]
        rows = [[shown(cells.get(k)) for k in keys] for _, cells in table.rows]
        numbers = pd.Index([number for number, _ in table.rows], name="row")
        out[name] = (
            pd.DataFrame(rows, columns=header, index=numbers, dtype="object") if header else pd.DataFrame()
        )
    return out


def sheets_to_tables(sheets: Sheets) -> dict[str, Table]:
    """Editable tables back as the reader's tables. A row keeps its number (the index: the
    row as the sheet showed it, header row 1); a row added in the editor comes after the last."""
    out: dict[str, Table] = {}
    for name, frame in sheets.items():
        header = tuple(str(c) for c in frame.columns)
        keys = [column_key(h) for h in header]
        rows = []
        last = 1
        for label, record in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
            number = int(label) if isinstance(label, int | float) and not pd.isna(label) else last + 1
            last = max(last, number)
            cells = {k: _cell(v) for k, v in zip(keys, record, strict=True) if k}
            if all(v is None for v in cells.values()):
                continue  # a blank row, as in a spreadsheet
            rows.append((number, cells))
        out[name] = Table(name, name, header, tuple(rows))
    return out


def _cell(value: object) -> Cell:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def load_upload(name: str, data: bytes) -> Sheets:
    """The tables of an uploaded ``.xlsx`` workbook or a ``.zip`` of CSV files.

    Raises InputError with a message an organiser can act on for anything else:
    too large, empty, a single CSV file, a zip without CSV files, a damaged file."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise _issue(
            f"the file is {len(data) / 1e6:.1f} MB; the limit is {MAX_UPLOAD_BYTES / 1e6:.0f} MB. "
            "A meeting's workbook is much smaller: is this the right file?"
        )
    if not data:
        raise _issue("the file is empty")
    lower = name.lower()
    if lower.endswith(".csv"):
        raise _issue(
            "this is a single CSV file: put all the CSV files (event.csv, days.csv, rooms.csv, "
            "participants.csv, sessions.csv, ...) in one .zip and upload that, or upload an .xlsx workbook"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _issue(
            "this is not an Excel workbook (.xlsx) nor a zip of CSV files. An old .xls or an .ods "
            "file: open it in Excel or LibreOffice and save it as .xlsx"
        )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        is_workbook = "[Content_Types].xml" in names
        csv_members = [
            m for m in archive.infolist() if m.filename.lower().endswith(".csv") and not m.is_dir()
        ]
        if not is_workbook and not csv_members:
            raise _issue("this zip holds no CSV files and is not an .xlsx workbook")
        if sum(m.file_size for m in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise _issue(f"the file unpacks to more than {MAX_UNPACKED_BYTES / 1e6:.0f} MB; refused")
        with tempfile.TemporaryDirectory() as tmp:
            if is_workbook:
                path = Path(tmp) / "upload.xlsx"
                path.write_bytes(data)
                return tables_to_sheets(load_tables(path))
            seen: set[str] = set()
            for member in csv_members:
                base = Path(member.filename).name  # never a path from the zip (zip slip)
                if base.lower() in seen or base.startswith("."):
                    continue
                seen.add(base.lower())
                (Path(tmp) / base).write_bytes(archive.read(member))
            return tables_to_sheets(load_tables(Path(tmp)))


def example_bytes() -> bytes:
    """The built-in example workbook (HEROES, Halmstad 2025)."""
    if EXAMPLE_PATH.exists():
        return EXAMPLE_PATH.read_bytes()
    from planner.examples import heroes_halmstad

    return workbook_bytes(heroes_halmstad())


def load_example() -> Sheets:
    return load_upload(EXAMPLE_NAME, example_bytes())


def blank_template() -> bytes:
    return template_bytes()


@dataclass(frozen=True)
class Validated:
    """The outcome of validating tables: a Problem, or every issue found."""

    problem: Problem | None
    issues: tuple[InputIssue, ...] = ()


def validate(sheets: Sheets) -> Validated:
    """Validate (edited) tables; every problem at once, never an exception."""
    try:
        return Validated(build_problem(sheets_to_tables(sheets)))
    except InputError as err:
        return Validated(None, tuple(err.issues))


def issues_frame(issues: tuple[InputIssue, ...] | list[InputIssue]) -> pd.DataFrame:
    """Validation issues as rows: sheet, row, column, value, message."""
    rows = [[i.sheet, i.row, i.column or "", i.value, i.message] for i in issues]
    frame = pd.DataFrame(rows, columns=ISSUE_COLUMNS)
    frame["row"] = frame["row"].astype("Int64")
    return frame


def sheets_workbook_bytes(sheets: Sheets) -> bytes:
    """The (edited) tables as an .xlsx workbook, one sheet each, every cell as text;
    a cell that starts like a formula stays text (never a formula)."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook()
    book.remove(book.active)
    order = [s for s in SHEETS if s in sheets] + [s for s in sheets if s not in SHEETS]
    for name in order:
        ws = book.create_sheet(name[:31])
        frame = sheets[name]
        ws.append([str(c) for c in frame.columns])
        for record in frame.itertuples(index=False, name=None):
            row = [_cell(v) for v in record]
            ws.append(row)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def problem_sheets(problem: Problem) -> Sheets:
    """A Problem as editable tables (e.g. the built-in example made in code)."""
    out: Sheets = {}
    for name, rows in problem_tables(problem).items():
        header, body = [str(h) for h in rows[0]], rows[1:]
        numbers = pd.Index(range(2, len(body) + 2), name="row")
        out[name] = pd.DataFrame(
            [[shown(v) for v in r] for r in body],  # type: ignore[arg-type]  # the writer's cells are cells
            columns=header,
            index=numbers,
            dtype="object",
        )
    return out


# -- solving ------------------------------------------------------------------------------


def with_weights(problem: Problem, weights: dict[str, int]) -> Problem:
    """The problem with the given soft-goal weights (others as the Event sheet says)."""
    merged = dict(problem.event.weights)
    merged.update({goal: int(w) for goal, w in weights.items()})
    return replace(problem, event=replace(problem.event, weights=tuple(sorted(merged.items()))))


def same_input(a: Problem | None, b: Problem | None) -> bool:
    """Whether two problems differ at most in their soft-goal weights (chosen on the Solve page)."""
    if a is None or b is None:
        return a is b

    def bare(p: Problem) -> Problem:
        return replace(p, event=replace(p.event, weights=()))

    return bare(a) == bare(b)


def weights_of(problem: Problem) -> dict[str, int]:
    """The weight of every soft goal the solver scores, and of changes (used when re-planning)."""
    goals = [g.value for g in SoftGoal] + [g for g in DEFAULT_WEIGHTS if g not in set(SoftGoal)]
    return {goal: problem.event.weight(goal) for goal in goals}


def _search(
    target: Callable[..., SolveResult],
    problem: Problem,
    options: Options,
    messages: Queue,
    stop: Event,
) -> None:
    """A search in its own process: progress, then the result or an error, as messages."""
    try:
        result = target(problem, options, lambda p: messages.put(("progress", p)), stop.is_set)
        messages.put(("result", result))
    except Exception as err:  # shown as a sentence, never a traceback on the page
        messages.put(("error", f"internal error while solving (please report it): {err}"))


#: the app's searches run in their own processes (see SolveJob); spawned, not forked, because
#: the app's process runs threads, and a fork copies their locks in whatever state they are
_PROCESSES = multiprocessing.get_context("spawn")


@dataclass(eq=False)  # one job is one search: compared, hashed (in _RUNNING) by identity
class SolveJob:
    """A search running beside the page: the page polls ``progress`` and ``result``;
    ``stop()`` ends the search at its next schedule, keeping the best so far.

    The search runs in a process of its own. The solver is native code with threads of its
    own; if it ever crashes, only that process ends: the app stays up with everything the
    organiser entered, and the job says what happened (``error``)."""

    problem: Problem
    options: Options
    progress: list[Progress] = field(default_factory=list)
    result: SolveResult | None = None
    error: str = ""
    started: float = field(default_factory=time.perf_counter)
    #: what the process runs: solve, or a stand-in of the same signature (tests)
    target: Callable[..., SolveResult] = solve
    _stop: Event = field(default_factory=_PROCESSES.Event)
    _thread: threading.Thread | None = None

    def start(self) -> SolveJob:
        messages = _PROCESSES.Queue()
        process = _PROCESSES.Process(
            target=_search,
            args=(self.target, self.problem, self.options, messages, self._stop),
            name="planner-solve",
        )
        process.start()
        _RUNNING.add(self)
        self._thread = threading.Thread(
            target=self._follow, args=(process, messages), name="planner-solve-follow", daemon=True
        )
        self._thread.start()
        return self

    def _follow(self, process: multiprocessing.process.BaseProcess, messages: Queue) -> None:
        """Take the search's messages until its result, its error or its end."""
        try:
            while not self.done:
                message = _next_message(messages, process)
                if message is None:  # ended without a result
                    process.join()
                    self.error = _ended_words(process.exitcode)
                    break
                kind, value = message
                if kind == "progress":
                    self.progress.append(value)
                elif kind == "result":
                    self.result = value
                else:
                    self.error = value
            process.join()
        finally:
            _RUNNING.discard(self)
            messages.close()
            messages.join_thread()

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    @property
    def done(self) -> bool:
        return self.result is not None or bool(self.error)

    def wait(self, seconds: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(seconds)
        return self.done

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    @property
    def fraction(self) -> float:
        """Share of the time limit used (1.0 when done)."""
        return 1.0 if self.done else min(0.99, self.elapsed / max(self.options.time_limit, 0.1))


def _next_message(messages: Queue, process: multiprocessing.process.BaseProcess) -> tuple[str, object] | None:
    """A search's next message; None once its process has ended with nothing more sent."""
    while True:
        try:
            return messages.get(timeout=0.2)
        except queue.Empty:
            if not process.is_alive():
                break
        except (EOFError, OSError):  # a message cut off as the process ended
            return None
    try:  # ended: what it sent before its end is in the pipe already
        return messages.get(timeout=0.5)
    except (queue.Empty, EOFError, OSError):
        return None


def _ended_words(exitcode: int | None) -> str:
    """Why a search's process ended without a result, in the organiser's terms."""
    if exitcode is not None and exitcode < 0:
        try:
            how = f"with signal {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"with signal {-exitcode}"
        if -exitcode == signal.SIGKILL:  # what the kernel sends when memory runs out
            how += ", which usually means the computer ran out of memory"
    else:
        how = f"with exit code {exitcode}"
    return (
        f"The search stopped unexpectedly (the solver's process ended {how}). Nothing you entered "
        "is lost: press Solve to try again, perhaps with another seed. If it happens again, please "
        "report it with your workbook."
    )


#: searches under way; when the app's process ends, they are asked to stop (a spawned process
#: is joined at exit, and would otherwise hold the app's exit up until its time limit)
_RUNNING: weakref.WeakSet[SolveJob] = weakref.WeakSet()


@atexit.register
def _stop_running() -> None:
    for job in list(_RUNNING):
        job.stop()


def start_solve(
    problem: Problem,
    time_limit: float,
    seed: int = 0,
    weights: dict[str, int] | None = None,
    previous: Schedule | None = None,
    workers: int = 0,
) -> SolveJob:
    """Start a search in the background with these settings."""
    chosen = with_weights(problem, weights) if weights else problem
    options = Options(time_limit=float(time_limit), seed=int(seed), workers=workers, previous=previous)
    return SolveJob(chosen, options).start()


def solve_now(problem: Problem, time_limit: float, seed: int = 0, **kwargs: object) -> SolveJob:
    """Solve and wait (for tests and scripts)."""
    job = start_solve(problem, time_limit, seed, **kwargs)  # type: ignore[arg-type]
    job.wait()
    return job


def progress_frame(progress: list[Progress]) -> pd.DataFrame:
    """Objective and bound of each new best schedule, by seconds since the start."""
    rows = [(p.seconds, p.objective, p.bound) for p in list(progress)]
    return pd.DataFrame(rows, columns=["seconds", "objective", "bound"]).set_index("seconds")


def status_words(result: SolveResult) -> str:
    """The outcome as a sentence, with the figures when there is a schedule."""
    text = STATUS_WORDS[result.status]
    if result.status.has_schedule and result.objective is not None:
        text += f" Penalty {result.objective:,}"
        if result.best_bound is not None:
            text += f" (lower bound {result.best_bound:,.0f})"
        text += f", {result.seconds:.1f} s."
    return text


def why_no_schedule(problem: Problem, result: SolveResult, time_limit: float = 20.0, seed: int = 0) -> str:
    """planner.explain's explanation, as text, when the search found no schedule."""
    found = explain(
        problem, time_limit=time_limit, seed=seed, known_infeasible=result.status is Status.INFEASIBLE
    )
    return format_explanation(problem, found)


# -- review ------------------------------------------------------------------------------


def _session_label(problem: Problem, sid: str) -> str:
    s = problem.session_by_id.get(sid)
    return f"{sid}: {s.title}" if s else sid


def schedule_frame(problem: Problem, schedule: Schedule) -> pd.DataFrame:
    """The schedule as schedule.csv's rows."""
    return pd.DataFrame(schedule_rows(problem, schedule), columns=list(SCHEDULE_COLUMNS))


def day_grid(problem: Problem, schedule: Schedule, day: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A day as a grid: rows are the slot times, columns the rooms; cells name the session
    (or the break). The second frame holds each cell's kind ("" when empty) for colouring."""
    d = problem.day_by_date[day]
    step = problem.event.slot_minutes
    times = list(range(d.start, d.end, step))
    rooms = [r.id for r in problem.rooms]
    text = pd.DataFrame("", index=[hhmm(t) for t in times], columns=rooms)
    kind = pd.DataFrame("", index=text.index, columns=rooms)
    for b in problem.breaks_on(day):
        for t in times:
            if b.start <= t < b.end:
                text.loc[hhmm(t), :] = b.label or "break"
                kind.loc[hhmm(t), :] = "break"
    for a in schedule.assignments:
        s = problem.session_by_id.get(a.session_id)
        if s is None or a.date != day or a.room_id not in rooms:
            continue
        for t in times:
            if a.start <= t < a.start + s.duration:
                text.loc[hhmm(t), a.room_id] = _session_label(problem, s.id)
                kind.loc[hhmm(t), a.room_id] = s.kind.value
    return text, kind


def day_grid_styled(problem: Problem, schedule: Schedule, day: date):  # noqa: ANN201 - a pandas Styler
    """The day grid coloured by kind, breaks grey."""
    text, kind = day_grid(problem, schedule, day)
    css = kind.apply(lambda col: [f"background-color: {KIND_COLOURS[k]}" if k else "" for k in col])
    return text.style.apply(lambda _: css, axis=None)


def timeline_frame(problem: Problem, schedule: Schedule) -> pd.DataFrame:
    """One row per session with local start and end datetimes, for a timeline chart."""
    rows = []
    for a in sorted(schedule.assignments, key=lambda a: (a.date, a.start, a.room_id)):
        s = problem.session_by_id.get(a.session_id)
        if s is None:
            continue
        start = datetime(a.date.year, a.date.month, a.date.day) + pd.Timedelta(minutes=a.start)
        rows.append(
            {
                "session": _session_label(problem, s.id),
                "kind": s.kind.value,
                "room": a.room_id,
                "day": a.date.isoformat(),
                "start": start,
                "end": start + pd.Timedelta(minutes=s.duration),
            }
        )
    return pd.DataFrame(rows, columns=["session", "kind", "room", "day", "start", "end"])


def timeline_spec() -> dict:
    """A Vega-Lite Gantt chart over :func:`timeline_frame` (rooms down, time across, one row per day)."""
    return {
        "mark": {"type": "bar", "cornerRadius": 2},
        "encoding": {
            "y": {"field": "room", "type": "nominal", "title": None},
            "x": {"field": "start", "type": "temporal", "timeUnit": "hoursminutes", "title": None},
            "x2": {"field": "end", "timeUnit": "hoursminutes"},
            "row": {"field": "day", "type": "nominal", "title": None},
            "color": {
                "field": "kind",
                "type": "nominal",
                "scale": {
                    "domain": [k.value for k in Kind],
                    "range": [KIND_COLOURS[k.value] for k in Kind],
                },
            },
            "tooltip": [{"field": "session"}, {"field": "room"}, {"field": "kind"}],
        },
    }


def people_frame(problem: Problem) -> pd.DataFrame:
    """Every participant: id, name, institution, role, groups."""
    rows = [[p.id, p.name, p.institution, p.role, ", ".join(p.groups)] for p in problem.participants]
    return pd.DataFrame(rows, columns=["participant_id", "name", "institution", "role", "groups"])


def find_people(problem: Problem, text: str) -> list[str]:
    """Participant ids whose id, name, institution or group (id or name) contains ``text``."""
    needle = text.strip().lower()
    if not needle:
        return [p.id for p in problem.participants]
    out = []
    for p in problem.participants:
        group_names = [problem.group_by_id[g].name for g in p.groups if g in problem.group_by_id]
        hay = [p.id, p.name, p.institution, *p.groups, *group_names]
        if any(needle in h.lower() for h in hay):
            out.append(p.id)
    return out


def person_label(problem: Problem, pid: str) -> str:
    p = problem.participant_by_id[pid]
    return f"{p.name} ({p.institution})" if p.institution else p.name


def agenda_frame(problem: Problem, schedule: Schedule, pid: str) -> pd.DataFrame:
    """A person's sessions in time order: day, start, end, session, room, required or optional."""
    rows = []
    for item in agendas(problem, schedule).get(pid, []):
        a = item.assignment
        s = problem.session_by_id[a.session_id]
        room = problem.room_by_id.get(a.room_id)
        rows.append(
            [
                a.date.isoformat(),
                hhmm(a.start),
                hhmm(a.start + s.duration),
                _session_label(problem, s.id),
                room.name if room else a.room_id,
                "required" if item.required else "optional",
            ]
        )
    return pd.DataFrame(rows, columns=["date", "start", "end", "session", "room", "attendance"])


def institutions(problem: Problem) -> list[str]:
    return sorted({p.institution for p in problem.participants if p.institution})


def institution_frame(problem: Problem, schedule: Schedule, institution: str, day: date) -> pd.DataFrame:
    """Where an institution's delegation is on a day, hour by hour: one row per member,
    one column per hour; a cell names the session(s) the member is in that hour
    (optional ones marked "(opt)")."""
    d = problem.day_by_date[day]
    hours = list(range(d.start // 60, (d.end + 59) // 60))
    members = [p for p in problem.participants if p.institution == institution]
    agenda = agendas(problem, schedule)
    rows = []
    for p in members:
        row = {"person": p.name}
        for h in hours:
            here = []
            for item in agenda.get(p.id, []):
                a = item.assignment
                end = a.start + problem.session_by_id[a.session_id].duration
                if a.date == day and a.start < (h + 1) * 60 and h * 60 < end:
                    here.append(a.session_id + ("" if item.required else " (opt)"))
            row[f"{h:02d}:00"] = ", ".join(here)
        rows.append(row)
    return pd.DataFrame(rows, columns=["person"] + [f"{h:02d}:00" for h in hours])


@dataclass(frozen=True)
class Quality:
    """The quality report: soft figures, every optional clash, counts by person and
    institution, and idle gaps per person and day."""

    figures: pd.DataFrame
    clashes: pd.DataFrame
    by_person: pd.DataFrame
    by_institution: pd.DataFrame
    gaps: pd.DataFrame
    report: CheckReport
    #: who and what is behind each soft figure, a table per goal
    details: dict[str, pd.DataFrame] = field(default_factory=dict)


def quality(problem: Problem, schedule: Schedule) -> Quality:
    report = check(problem, schedule)
    figures = pd.DataFrame(
        [[g, v, problem.event.weight(g), v * problem.event.weight(g)] for g, v in report.soft.items()],
        columns=["goal", "figure", "weight", "penalty"],
    )
    crow = []
    for c in report.clashes:
        p = problem.participant_by_id.get(c.person)
        crow.append(
            [
                c.person,
                p.name if p else c.person,
                p.institution if p else "",
                c.date.isoformat(),
                f"{hhmm(c.start)}-{hhmm(c.end)}",
                describe_clash(problem, c),
            ]
        )
    clashes = pd.DataFrame(crow, columns=["participant_id", "name", "institution", "date", "time", "clash"])
    by_person = (
        clashes.groupby(["participant_id", "name", "institution"]).size().reset_index(name="clashes")
        if len(clashes)
        else pd.DataFrame(columns=["participant_id", "name", "institution", "clashes"])
    ).sort_values("clashes", ascending=False)
    by_institution = (
        clashes.groupby("institution").size().reset_index(name="clashes")
        if len(clashes)
        else pd.DataFrame(columns=["institution", "clashes"])
    ).sort_values("clashes", ascending=False)
    return Quality(
        figures,
        clashes,
        by_person,
        by_institution,
        idle_gaps(problem, schedule),
        report,
        soft_detail_frames(problem, schedule),
    )


def idle_gaps(problem: Problem, schedule: Schedule) -> pd.DataFrame:
    """Per person and day: the minutes they wait between their sessions, as the idle_gap
    goal counts them (breaks and time away not counted; required sessions only)."""
    total: dict[tuple[str, date], int] = defaultdict(int)
    for f in checker.idle_gaps(problem, schedule):
        total[(f.who, f.date)] += f.amount
    rows = []
    for (pid, day), idle in total.items():
        p = problem.participant_by_id.get(pid)
        rows.append([pid, p.name if p else pid, p.institution if p else "", day.isoformat(), idle])
    frame = pd.DataFrame(rows, columns=["participant_id", "name", "institution", "date", "idle_minutes"])
    return frame.sort_values(["idle_minutes", "participant_id"], ascending=[False, True]).reset_index(
        drop=True
    )


def soft_detail_frames(problem: Problem, schedule: Schedule) -> dict[str, pd.DataFrame]:
    """Who and what is behind each soft figure, a table per goal (as in summary.json)."""
    out = {}
    for goal, items in checker.soft_details(problem, schedule).items():
        out[goal] = pd.DataFrame(
            [{k: ", ".join(map(str, v)) if isinstance(v, list) else v for k, v in i.items()} for i in items]
        )
    return out


def room_use_frame(problem: Problem, schedule: Schedule) -> pd.DataFrame:
    """Use of each room per day (the schedule workbook's Room use sheet)."""
    return pd.DataFrame(room_use(problem, schedule), columns=list(ROOM_USE_COLUMNS))


# -- adjusting -------------------------------------------------------------------------------


def pinned_problem(problem: Problem, schedule: Schedule, pins: set[str] | frozenset[str]) -> Problem:
    """The problem with each pinned session fixed to its day, start and room in ``schedule``."""
    sessions = []
    for s in problem.sessions:
        a = schedule.by_session.get(s.id)
        if s.id in pins and a is not None:
            s = replace(s, day=a.date, start=a.start, room=a.room_id)
        sessions.append(s)
    return replace(problem, sessions=tuple(sessions))


def move(schedule: Schedule, session_id: str, day: date, start: int, room_id: str) -> Schedule:
    """The schedule with one session moved by hand (nothing else changes)."""
    moved = Assignment(session_id, day, start, room_id)
    return Schedule(tuple(moved if a.session_id == session_id else a for a in schedule.assignments))


def broken_rules(problem: Problem, schedule: Schedule) -> pd.DataFrame:
    """Every hard rule the schedule breaks, by the independent checker: rule, message, sessions."""
    report = check(problem, schedule)
    rows = [[v.rule.value, v.message, ", ".join(v.sessions)] for v in report.violations]
    return pd.DataFrame(rows, columns=["rule", "message", "sessions"])


def start_choices(problem: Problem, day: date) -> list[int]:
    """Start times on the day's slot grid (minutes after midnight)."""
    d = problem.day_by_date[day]
    return list(range(d.start, d.end, problem.event.slot_minutes))


@dataclass(frozen=True)
class Difference:
    """What a re-plan changed: each change, and how many sessions moved, got another
    room only, or stayed where they were."""

    changes: tuple[Change, ...]
    moved: int
    re_roomed: int
    unchanged: int

    def frame(self) -> pd.DataFrame:
        rows = [[c.session_id, c.kind, c.was, c.now] for c in self.changes]
        return pd.DataFrame(rows, columns=["session_id", "change", "was", "now"])


def difference(problem: Problem, previous: Schedule, schedule: Schedule) -> Difference:
    changes = tuple(diff(problem, previous, schedule))
    re_roomed = sum(1 for c in changes if c.kind == "new room")
    moved = len(changes) - re_roomed
    return Difference(changes, moved, re_roomed, len(problem.sessions) - len(changes))


# -- downloads ------------------------------------------------------------------------------


def exports(problem: Problem, schedule: Schedule, stamp: datetime | None = None) -> dict[str, bytes]:
    """Every export (schedule.xlsx, schedule.frab.json, calendars/...) as bytes by path."""
    stamp = stamp or datetime.now(UTC)
    return export_files(problem, schedule, stamp=stamp, report=check(problem, schedule))


def schedule_workbook(files: dict[str, bytes]) -> bytes:
    return files[WORKBOOK]


def calendars_zip(files: dict[str, bytes]) -> bytes:
    """Every calendar (event, people, rooms) in one zip, as the calendars/ folder."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            if name.startswith(f"{CALENDARS}/"):
                archive.writestr(name, files[name])
    return out.getvalue()


def person_calendar(problem: Problem, files: dict[str, bytes], pid: str) -> tuple[str, bytes]:
    """One person's calendar: its file name and bytes."""
    stem = safe_stems(p.id for p in problem.participants)[pid]
    return f"{stem}.ics", files[f"{CALENDARS}/people/{stem}.ics"]


def schedule_csv(problem: Problem, schedule: Schedule) -> bytes:
    """schedule.csv as bytes (UTF-8)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(SCHEDULE_COLUMNS))
    writer.writeheader()
    writer.writerows(schedule_rows(problem, schedule))
    return out.getvalue().encode("utf-8")


Callback = Callable[[Progress], None]
