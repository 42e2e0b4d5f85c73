"""Session state shared by the pages, and the cached calls into planner.app_logic."""

from __future__ import annotations

import streamlit as st

from planner import app_logic as logic
from planner.model import Problem, Schedule


@st.cache_data(max_entries=8, show_spinner=False)
def load_bytes(name: str, data: bytes) -> logic.Sheets:
    """An upload's tables (cached on its bytes)."""
    return logic.load_upload(name, data)


@st.cache_data(show_spinner=False)
def example_sheets() -> logic.Sheets:
    return logic.load_example()


@st.cache_data(show_spinner=False)
def template() -> bytes:
    return logic.blank_template()


def set_sheets(sheets: logic.Sheets, source: str) -> None:
    """New input: the editors restart from it and any schedule is dropped."""
    st.session_state["base"] = sheets
    st.session_state["sheets"] = sheets
    st.session_state["source"] = source
    st.session_state["version"] = st.session_state.get("version", 0) + 1
    st.session_state["validated"] = logic.validate(sheets)
    clear_schedule()


def clear_schedule() -> None:
    for key in (
        "result",
        "schedule",
        "plan_problem",
        "difference",
        "exports",
        "explanation",
        "job",
        "solve_error",
    ):
        st.session_state.pop(key, None)


def init() -> None:
    """Start on the built-in example, so that every page has something to show."""
    if "base" not in st.session_state:
        set_sheets(example_sheets(), logic.EXAMPLE_NAME)


def problem() -> Problem | None:
    init()
    return st.session_state["validated"].problem


def planned() -> tuple[Problem, Schedule] | None:
    """The problem the current schedule was made for, and the schedule; None (with a
    note on the page) before a schedule exists."""
    init()
    if "schedule" not in st.session_state:
        st.info("No schedule yet: solve on the **Solve** page first.")
        st.page_link("app_pages/solve.py", label="Go to Solve", icon=":material/settings:")
        return None
    planned_for = st.session_state["plan_problem"]
    if not logic.same_input(problem(), planned_for):
        st.warning("The data changed after this schedule was made: it shows the data as it was. Solve again.")
    return planned_for, st.session_state["schedule"]


def need_problem() -> Problem | None:
    found = problem()
    if found is None:
        st.error("The input has problems: fix them on the **Data** page first.")
        st.page_link("app_pages/data.py", label="Go to Data", icon=":material/table_view:")
    return found
