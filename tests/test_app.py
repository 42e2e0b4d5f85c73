"""The app's pages through streamlit.testing.v1.AppTest: each page, a bad upload, an edit that
breaks a reference, an infeasible input, solve, review, pin, move, re-plan, download.

Unpatched end to end (the logic layer is tested alone in test_app_logic.py); small time
limits and fixed seeds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planner import app_logic as logic
from planner.solver import Options

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 60


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    return at


def _page(at: AppTest, name: str) -> AppTest:
    at.switch_page(f"app_pages/{name}.py")
    at.run()
    assert not at.exception, at.exception
    return at


def _texts(elements) -> str:  # noqa: ANN001 - an AppTest element list
    return "\n".join(str(e.value) for e in elements)


def _set(sheets: logic.Sheets, n: int, column: str, value: str) -> None:
    """Type a value into the n-th row (from 0) of the Sessions sheet."""
    frame = sheets["Sessions"]
    frame.loc[frame.index[n], column] = value


def _uploaded(name: str, column: str, value: str) -> AppTest:
    """The app after the organiser uploaded the example with one cell of the first session changed."""
    sheets = logic.load_example()
    _set(sheets, 0, column, value)
    at = _app()
    at.file_uploader(key="upload").upload(name, logic.sheets_workbook_bytes(sheets))
    at.run()
    assert not at.exception
    return at


def _frame(at: AppTest, column: str):  # noqa: ANN202 - a DataFrame
    """The first table on the page with this column (st.dataframe without selection has no key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _solved(at: AppTest, seconds: int = 3) -> AppTest:
    _page(at, "solve")
    at.number_input(key="time_limit").set_value(seconds)
    at.number_input(key="seed").set_value(1)
    at.button(key="solve").click()
    at.run()
    assert not at.exception
    return at


@pytest.fixture(scope="module")
def solved() -> AppTest:
    """The example, solved once for the pages that need a schedule."""
    return _solved(_app())


def test_data_page_starts_on_the_example() -> None:
    at = _app()
    assert "No problems: 41 sessions, 120 people" in _texts(at.success)
    assert [t.label for t in at.tabs][:3] == ["Event", "Days", "Breaks"]
    assert at.get("download_button")  # edited workbook and blank template


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("notes.pdf", b"%PDF-1.4 not a workbook", "not an Excel workbook"),
        ("sessions.csv", b"session_id,title\nA,B\n", "single CSV file"),
        ("broken.xlsx", b"PK\x03\x04 damaged", "not an Excel workbook"),
    ],
)
def test_a_bad_upload_is_a_message_not_a_traceback(name: str, data: bytes, words: str) -> None:
    at = _app()
    at.file_uploader(key="upload").upload(name, data)
    at.run()
    assert not at.exception
    assert words in _texts(at.error)
    assert "No problems" in _texts(at.success)  # the example is still loaded


def test_an_upload_is_read_and_its_problems_listed() -> None:
    at = _uploaded("mine.xlsx", "duration_min", "ninety")
    assert "mine.xlsx" in _texts(at.caption)
    frame = _frame(at, "message")
    assert list(frame.columns) == logic.ISSUE_COLUMNS
    assert frame.iloc[0]["column"] == "duration_min" and frame.iloc[0]["value"] == "ninety"


def test_an_edit_that_breaks_a_reference_is_listed() -> None:
    at = _app()
    # What the editor hands back after the organiser typed an unknown id into a cell.
    sheets = logic.load_example()
    _set(sheets, 1, "required", "NOBODY-1")
    at.session_state["base"] = sheets
    at.session_state["version"] = 99
    at.run()
    assert not at.exception
    frame = _frame(at, "message")
    assert frame.to_dict("records")[0]["message"] == "no participant or group has this id"
    _page(at, "solve")
    assert "fix them on the **Data** page" in _texts(at.error)


def test_an_infeasible_input_gets_an_explanation() -> None:
    at = _solved(_uploaded("too-big.xlsx", "attendance", "500"), 2)
    assert "No schedule exists" in _texts(at.error)
    assert "expects 500 people" in _texts(at.code)
    _page(at, "review")
    assert "No schedule yet" in _texts(at.info)


def _crashes(problem, options, on_progress, should_stop):  # noqa: ANN001, ANN202
    """A solver that aborts, as native code does (in the search's own process)."""
    os.abort()


def test_a_crashed_search_is_said_and_nothing_entered_is_lost() -> None:
    at = _uploaded("renamed.xlsx", "title", "Opening plenary, as renamed by the organiser")
    problem = at.session_state["validated"].problem
    assert problem.sessions[0].title == "Opening plenary, as renamed by the organiser"
    # the solve page as it finds a search that crashed (a real process, really aborted)
    at.session_state["job"] = logic.SolveJob(problem, Options(time_limit=5), target=_crashes).start()
    _page(at, "solve")
    assert "stopped unexpectedly" in _texts(at.error) and "SIGABRT" in _texts(at.error)
    assert "Nothing you entered is lost" in _texts(at.error)
    assert not at.button(key="solve").disabled  # the organiser can try again at once
    _page(at, "data")
    assert at.session_state["validated"].problem.sessions[0].title == problem.sessions[0].title
    assert "Opening plenary, as renamed by the organiser" in _frame(at, "title")["title"].tolist()


def test_pages_before_a_schedule_say_so() -> None:
    at = _app()
    for page in ("review", "adjust", "download"):
        _page(at, page)
        assert "No schedule yet" in _texts(at.info)


def test_solve_shows_status_and_progress(solved: AppTest) -> None:
    _page(solved, "solve")
    assert "schedule that keeps every rule" in _texts(solved.success) or "Best possible" in _texts(
        solved.success
    )
    assert solved.session_state["result"].status.has_schedule


def test_review_page(solved: AppTest) -> None:
    at = _page(solved, "review")
    assert not at.warning  # the data is as it was when solved
    assert [t.label for t in at.tabs] == [
        "Day grid",
        "Timeline",
        "People",
        "Institutions",
        "Quality",
        "Room use",
    ]
    at.text_input(key="person_search").input("Halmstad University")
    at.run()
    person = at.selectbox(key="person")
    assert "Halmstad University" in person.format_func(person.value)
    agenda = _frame(at, "attendance")
    assert list(agenda.columns) == ["date", "start", "end", "session", "room", "attendance"]
    assert "Every hard rule holds" in _texts(at.success)


def test_adjust_move_pin_and_replan(solved: AppTest) -> None:
    at = _page(solved, "adjust")
    assert "Every hard rule holds" in _texts(at.success)
    schedule = at.session_state["schedule"]
    first, other = sorted(schedule.assignments, key=lambda a: (a.date, a.start))[:2]
    at.multiselect(key="pins").set_value([first.session_id])
    at.selectbox(key="move_session").set_value(other.session_id)
    at.selectbox(key="move_day").set_value(first.date)
    at.selectbox(key="move_start").set_value(first.start)
    at.selectbox(key="move_room").set_value(first.room_id)
    at.button[0].click()  # the form's Move
    at.run()
    assert not at.exception
    assert "breaks" in _texts(at.error)
    assert len(_frame(at, "rule")) >= 1

    at.number_input(key="replan_time").set_value(3)
    at.number_input(key="replan_seed").set_value(1)
    at.button(key="replan").click()
    at.run()
    assert not at.exception
    assert "Every hard rule holds" in _texts(at.success)
    labels = [m.label for m in at.metric]
    assert labels == ["Moved", "Re-roomed", "Unchanged"]
    assert sum(int(m.value) for m in at.metric) == 41
    after = at.session_state["schedule"]
    assert after.by_session[first.session_id] == schedule.by_session[first.session_id]  # pinned


def test_download_page(solved: AppTest) -> None:
    at = _page(solved, "download")
    keys = {b.proto.id for b in at.get("download_button")}
    assert len(keys) == 4  # workbook, calendars zip, csv, one person's calendar


def test_review_warns_when_the_data_changed_after_solving() -> None:
    at = _solved(_app(), 2)
    sheets = logic.load_example()
    _set(sheets, 0, "title", "Opening plenary, renamed")
    at.session_state["base"] = sheets
    at.session_state["version"] = 99
    _page(at, "data")
    _page(at, "review")
    assert "The data changed after this schedule was made" in _texts(at.warning)
