"""Review: the day grid, a timeline, a person's agenda, an institution's day, quality, room use."""

import streamlit as st

from app_pages import common
from planner import app_logic as logic

st.title("Review")
found = common.planned()
if found is None:
    st.stop()
problem, schedule = found

days = [d.date for d in problem.days]
grid, timeline, people, institution, quality, rooms = st.tabs(
    ["Day grid", "Timeline", "People", "Institutions", "Quality", "Room use"]
)
with grid:
    day = st.selectbox("Day", days, format_func=lambda d: d.strftime("%A %d %B"), key="grid_day")
    st.dataframe(logic.day_grid_styled(problem, schedule, day), width="stretch", height=700)
    st.caption(
        "Colours: "
        + ", ".join(
            f"<span style='background:{c}'>&nbsp;{k}&nbsp;</span>" for k, c in logic.KIND_COLOURS.items()
        ),
        unsafe_allow_html=True,
    )
with timeline:
    st.vega_lite_chart(logic.timeline_frame(problem, schedule), logic.timeline_spec(), width="stretch")
with people:
    search = st.text_input("Search by name, institution or group", key="person_search")
    ids = logic.find_people(problem, search)
    if not ids:
        st.info("Nobody matches.")
    else:
        pid = st.selectbox(
            f"Person ({len(ids)} found)",
            ids,
            format_func=lambda i: logic.person_label(problem, i),
            key="person",
        )
        st.dataframe(logic.agenda_frame(problem, schedule, pid), hide_index=True, width="stretch")
with institution:
    names = logic.institutions(problem)
    if names:
        name = st.selectbox("Institution", names, key="institution")
        iday = st.selectbox("Day ", days, format_func=lambda d: d.strftime("%A %d %B"), key="institution_day")
        st.dataframe(logic.institution_frame(problem, schedule, name, iday), hide_index=True, width="stretch")
    else:
        st.info("No participant has an institution.")
with quality:
    q = logic.quality(problem, schedule)
    if q.report.ok:
        st.success("Every hard rule holds (independent checker).")
    else:
        st.error("This schedule breaks hard rules: see **Adjust**.")
    st.dataframe(q.figures, hide_index=True)
    a, b = st.columns(2)
    a.markdown("**Optional clashes by person**")
    a.dataframe(q.by_person, hide_index=True, width="stretch")
    b.markdown("**Optional clashes by institution**")
    b.dataframe(q.by_institution, hide_index=True, width="stretch")
    st.markdown("**Every optional clash**")
    st.dataframe(q.clashes, hide_index=True, width="stretch")
    st.markdown("**Idle time between a person's sessions** (breaks and time away not counted)")
    st.dataframe(q.gaps, hide_index=True, width="stretch")
    behind = [g for g, frame in q.details.items() if len(frame)]
    if behind:
        goal = st.selectbox("Who and what is behind a figure", behind, key="behind_goal")
        st.dataframe(q.details[goal], hide_index=True, width="stretch")
with rooms:
    st.dataframe(logic.room_use_frame(problem, schedule), hide_index=True, width="stretch")
