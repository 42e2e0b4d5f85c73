"""The app's logic layer (planner.app_logic): reading uploads, validation rows, review tables,
moves and re-plans, downloads. No streamlit here."""

from __future__ import annotations

import csv
import io
import os
import time
import zipfile

import pytest

from planner import app_logic as logic
from planner.errors import InputError
from planner.model import Problem, Schedule
from planner.schedule_io import SCHEDULE_COLUMNS
from planner.solver import Options, Progress, SolveResult, Status


@pytest.fixture(scope="module")
def example() -> logic.Sheets:
    return logic.load_example()


@pytest.fixture(scope="module")
def problem(example: logic.Sheets) -> Problem:
    found = logic.validate(example)
    assert found.issues == ()
    assert found.problem is not None
    return found.problem


@pytest.fixture(scope="module")
def schedule(problem: Problem) -> Schedule:
    job = logic.solve_now(problem, 3, seed=1)
    assert job.result is not None and job.result.status.has_schedule
    assert job.progress, "the callback reported progress"
    return job.result.schedule


def _edited(sheets: logic.Sheets, sheet: str, row: int, column: str, value: str) -> logic.Sheets:
    frame = sheets[sheet].copy()
    frame.loc[frame.index[row], column] = value
    return {**sheets, sheet: frame}


def test_example_round_trips_through_the_edited_workbook(example: logic.Sheets) -> None:
    again = logic.load_upload("meeting.xlsx", logic.sheets_workbook_bytes(example))
    assert logic.validate(again).problem == logic.validate(example).problem


def test_a_zip_of_csv_files_is_read(example: logic.Sheets) -> None:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for name, frame in example.items():
            archive.writestr(f"meeting/{name.lower()}.csv", frame.to_csv(index=False))
    sheets = logic.load_upload("meeting.zip", data.getvalue())
    assert logic.validate(sheets).problem == logic.validate(example).problem


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("notes.txt", b"hello", "not an Excel workbook"),
        ("old.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100, "save it as .xlsx"),
        ("sessions.csv", b"session_id,title\n", "single CSV file"),
        ("empty.xlsx", b"", "empty"),
        ("fake.xlsx", b"PK\x03\x04 damaged", "not an Excel workbook"),
        ("huge.xlsx", b"x" * (logic.MAX_UPLOAD_BYTES + 1), "the limit is"),
    ],
)
def test_bad_uploads_get_a_clear_message(name: str, data: bytes, words: str) -> None:
    with pytest.raises(InputError) as err:
        logic.load_upload(name, data)
    assert words in str(err.value)


def test_a_zip_without_csv_files_is_refused() -> None:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(InputError, match="no CSV files"):
        logic.load_upload("stuff.zip", data.getvalue())


def test_an_edit_that_breaks_a_reference_is_one_issue_row(example: logic.Sheets) -> None:
    broken = _edited(example, "Sessions", 1, "required", "NOBODY-1")
    found = logic.validate(broken)
    assert found.problem is None
    rows = logic.issues_frame(found.issues).to_dict("records")
    assert rows == [
        {
            "sheet": "Sessions",
            "row": 3,  # the second data row; the header is row 1
            "column": "required",
            "value": "NOBODY-1",
            "message": "no participant or group has this id",
        }
    ]


def _crashes(problem: Problem, options: Options, on_progress, should_stop) -> SolveResult:  # noqa: ANN001
    """A search whose process dies as native code does when it aborts, after one schedule."""
    on_progress(Progress(0.1, 999.0, None, 1))
    time.sleep(0.5)  # the progress message leaves first
    os.abort()


def _fails(problem: Problem, options: Options, on_progress, should_stop) -> SolveResult:  # noqa: ANN001
    raise ValueError("a bug in the search")


def test_a_crashed_search_is_a_sentence_and_the_app_goes_on(problem: Problem) -> None:
    """The search runs in its own process: if the solver crashes, the app (this process)
    goes on, keeps what was shown, and says what happened in the organiser's terms."""
    job = logic.SolveJob(problem, Options(time_limit=5), target=_crashes).start()
    assert job.wait(60)
    assert job.result is None
    assert "stopped unexpectedly" in job.error and "SIGABRT" in job.error
    assert "Nothing you entered is lost" in job.error
    assert [p.objective for p in job.progress] == [999.0]
    assert job.fraction == 1.0


@pytest.mark.parametrize(
    ("exitcode", "words"),
    [
        (-6, "ended with signal SIGABRT)"),
        (-11, "ended with signal SIGSEGV)"),
        (-9, "ended with signal SIGKILL, which usually means the computer ran out of memory)"),
        (1, "ended with exit code 1)"),
    ],
)
def test_how_a_search_ended_is_said(exitcode: int, words: str) -> None:
    said = logic._ended_words(exitcode)
    assert said.startswith("The search stopped unexpectedly") and words in said
    assert "Nothing you entered is lost" in said


def test_an_error_in_the_search_is_a_sentence(problem: Problem) -> None:
    job = logic.SolveJob(problem, Options(time_limit=5), target=_fails).start()
    assert job.wait(60)
    assert job.result is None
    assert job.error == "internal error while solving (please report it): a bug in the search"


def test_a_stop_reaches_the_search_in_its_process(problem: Problem) -> None:
    """Stopped at its first schedule, the example's search ends with that schedule, long
    before the proof of optimality it reaches in about 5 s when left alone."""
    job = logic.start_solve(problem, 120, seed=1)
    deadline = time.monotonic() + 60
    while not job.progress and time.monotonic() < deadline:
        time.sleep(0.02)
    assert job.progress
    job.stop()
    assert job.stopping
    assert job.wait(60)
    assert job.error == ""
    assert job.result is not None and job.result.status is Status.FEASIBLE
    assert job.result.schedule is not None


def test_searches_under_way_are_stopped_when_the_app_ends(problem: Problem) -> None:
    """A spawned search is joined when the app's process exits: asked to stop first, it
    ends at its next schedule instead of holding the exit up until its time limit."""
    job = logic.start_solve(problem, 120, seed=1)
    assert job in logic._RUNNING
    logic._stop_running()  # what runs at exit
    assert job.stopping
    assert job.wait(60) and job.result is not None
    assert job not in logic._RUNNING


def test_weights_override_the_event_sheet(problem: Problem) -> None:
    changed = logic.with_weights(problem, {"room_fit": 7})
    assert logic.same_input(problem, changed) and changed != problem
    assert logic.weights_of(changed)["room_fit"] == 7
    assert logic.weights_of(changed)["optional_clash"] == logic.weights_of(problem)["optional_clash"]


def test_an_infeasible_input_is_explained(example: logic.Sheets) -> None:
    problem = logic.validate(_edited(example, "Sessions", 0, "attendance", "500")).problem
    assert problem is not None
    job = logic.solve_now(problem, 2)
    assert job.result is not None and job.result.status is Status.INFEASIBLE
    assert "No schedule exists" in logic.status_words(job.result)
    assert "expects 500 people" in logic.why_no_schedule(problem, job.result, time_limit=5)


def test_review_tables(problem: Problem, schedule: Schedule) -> None:
    day = problem.days[0].date
    text, kind = logic.day_grid(problem, schedule, day)
    assert list(text.columns) == [r.id for r in problem.rooms]
    assert "break" in set(kind.to_numpy().ravel())
    assert "OPEN: Opening plenary: welcome to Halmstad" in set(text["AULA"])
    assert "background-color" in logic.day_grid_styled(problem, schedule, day).to_html()
    assert len(logic.timeline_frame(problem, schedule)) == len(problem.sessions)

    pid = logic.find_people(problem, "Halmstad University")[0]
    assert problem.participant_by_id[pid].institution == "Halmstad University"
    agenda = logic.agenda_frame(problem, schedule, pid)
    assert len(agenda) and set(agenda["attendance"]) <= {"required", "optional"}

    inst = logic.institution_frame(problem, schedule, "Halmstad University", day)
    assert len(inst) == sum(p.institution == "Halmstad University" for p in problem.participants)

    q = logic.quality(problem, schedule)
    assert q.report.ok
    assert int(q.by_person["clashes"].sum()) == len(q.clashes) == q.report.soft["optional_clash"]
    assert (q.gaps["idle_minutes"] > 0).all()
    assert int(q.gaps["idle_minutes"].sum()) == q.report.soft["idle_gap"]  # the goal's own count
    assert len(q.details["single_day"]) == q.report.soft["single_day"] > 0
    assert len(logic.room_use_frame(problem, schedule)) == len(problem.rooms) * len(problem.days)


def test_a_move_shows_the_broken_rules_and_a_replan_mends_them(problem: Problem, schedule: Schedule) -> None:
    first, other = sorted(schedule.assignments, key=lambda a: (a.date, a.start))[:2]
    # put the second session where the first already is: the room is double-booked
    moved = logic.move(schedule, other.session_id, first.date, first.start, first.room_id)
    broken = logic.broken_rules(problem, moved)
    assert "room_no_overlap" in set(broken["rule"]) or "plenary_exclusive" in set(broken["rule"])

    pinned = logic.pinned_problem(problem, moved, {first.session_id})
    job = logic.solve_now(pinned, 3, seed=1, previous=moved)
    assert job.result is not None and job.result.status.has_schedule
    new = job.result.schedule
    assert new.by_session[first.session_id] == moved.by_session[first.session_id]
    assert logic.broken_rules(problem, new).empty
    change = logic.difference(problem, moved, new)
    assert change.moved + change.re_roomed + change.unchanged == len(problem.sessions)
    assert change.moved + change.re_roomed >= 1  # the double booking had to go


def test_downloads(problem: Problem, schedule: Schedule) -> None:
    files = logic.exports(problem, schedule)
    assert logic.schedule_workbook(files)[:2] == b"PK"
    with zipfile.ZipFile(io.BytesIO(logic.calendars_zip(files))) as archive:
        names = archive.namelist()
    assert "calendars/event.ics" in names
    assert sum(n.startswith("calendars/people/") for n in names) == len(problem.participants)
    name, data = logic.person_calendar(problem, files, problem.participants[0].id)
    assert name.endswith(".ics") and data.startswith(b"BEGIN:VCALENDAR")
    rows = list(csv.DictReader(io.StringIO(logic.schedule_csv(problem, schedule).decode())))
    assert len(rows) == len(problem.sessions) and list(rows[0]) == list(SCHEDULE_COLUMNS)


def test_the_logic_layer_never_imports_streamlit() -> None:
    import ast
    from pathlib import Path

    tree = ast.parse(Path(logic.__file__).read_text())
    imported = {n.name for node in ast.walk(tree) if isinstance(node, ast.Import) for n in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name.split(".")[0] == "streamlit" for name in imported)


def test_an_exported_schedule_workbook_is_an_input_again(problem: Problem, schedule: Schedule) -> None:
    """schedule.xlsx keeps the input sheets (Sessions as 'Sessions (input)'), so an organiser
    can upload last time's download and carry on."""
    data = logic.schedule_workbook(logic.exports(problem, schedule))
    again = logic.validate(logic.load_upload("schedule.xlsx", data))
    assert again.issues == ()
    assert logic.same_input(again.problem, problem)
