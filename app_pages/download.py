"""Download: the schedule workbook, every calendar in one zip, one person's calendar, schedule.csv."""

import streamlit as st

from app_pages import common
from planner import app_logic as logic

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

st.title("Download")
found = common.planned()
if found is None:
    st.stop()
problem, schedule = found
cached = st.session_state.get("exports")
if cached is None or cached[0] is not schedule:
    with st.spinner("Writing the files..."):
        cached = (schedule, logic.exports(problem, schedule))
    st.session_state["exports"] = cached
files = cached[1]

st.download_button(
    "Schedule workbook (schedule.xlsx)", logic.schedule_workbook(files), "schedule.xlsx", XLSX, key="dl_xlsx"
)
st.download_button(
    "Every calendar (calendars.zip)",
    logic.calendars_zip(files),
    "calendars.zip",
    "application/zip",
    key="dl_cals",
)
st.download_button(
    "The schedule as CSV (schedule.csv)",
    logic.schedule_csv(problem, schedule),
    "schedule.csv",
    "text/csv",
    key="dl_csv",
)
pid = st.selectbox(
    "One person's calendar",
    [p.id for p in problem.participants],
    format_func=lambda i: logic.person_label(problem, i),
    key="dl_person",
)
name, data = logic.person_calendar(problem, files, pid)
st.download_button(
    f"Calendar of {logic.person_label(problem, pid)} ({name})", data, name, "text/calendar", key="dl_ics"
)
