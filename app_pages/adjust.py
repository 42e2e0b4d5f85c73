"""Adjust: pin sessions, move one by hand (the checker says at once what breaks), re-plan."""

import streamlit as st

from app_pages import common
from planner import app_logic as logic
from planner.model import hhmm

st.title("Adjust")
found = common.planned()
if found is None:
    st.stop()
problem, schedule = found
ids = [s.id for s in problem.sessions]


def label(sid: str) -> str:
    return f"{sid}: {problem.session_by_id[sid].title}"


pins = st.multiselect(
    "Pinned sessions (kept on their day, time and room when re-planning)", ids, format_func=label, key="pins"
)

st.subheader("Move a session by hand")
with st.form("move_form"):
    sid = st.selectbox("Session", ids, format_func=label, key="move_session")
    now = schedule.by_session.get(sid)
    c1, c2, c3 = st.columns(3)
    days = [d.date for d in problem.days]
    day = c1.selectbox("Day", days, format_func=lambda d: d.strftime("%a %d %b"), key="move_day")
    starts = sorted({m for d in days for m in logic.start_choices(problem, d)})
    start = c2.selectbox("Start", starts, format_func=hhmm, key="move_start")
    room = c3.selectbox(
        "Room",
        [r.id for r in problem.rooms],
        format_func=lambda r: problem.room_by_id[r].name,
        key="move_room",
    )
    if st.form_submit_button("Move"):
        schedule = logic.move(schedule, sid, day, start, room)
        st.session_state["schedule"] = schedule
        st.session_state.pop("exports", None)
        st.toast(f"Moved {sid} to {day} {hhmm(start)}, {problem.room_by_id[room].name}")

broken = logic.broken_rules(problem, schedule)
if len(broken):
    st.error(
        f"The schedule now breaks {len(broken)} rule(s) (independent checker):", icon=":material/warning:"
    )
    st.dataframe(broken, hide_index=True, width="stretch")
else:
    st.success("Every hard rule holds (independent checker).", icon=":material/check_circle:")

st.subheader("Re-plan from this schedule")
st.caption("Keeps pinned sessions where they are and changes as little as possible elsewhere.")
c1, c2 = st.columns(2)
limit = c1.number_input("Time limit (seconds)", 1, 3600, 20, key="replan_time")
seed = c2.number_input("Seed", 0, 1_000_000, 0, key="replan_seed")
if st.button("Re-plan", type="primary", key="replan"):
    with st.spinner("Re-planning..."):
        fixed = logic.pinned_problem(problem, schedule, set(pins))
        job = logic.solve_now(fixed, limit, seed, previous=schedule)
    result = job.result
    if result is None:
        st.error(job.error)
    elif result.schedule is not None:
        st.session_state["difference"] = logic.difference(problem, schedule, result.schedule)
        st.session_state["schedule"] = result.schedule
        st.session_state.pop("exports", None)
        st.rerun()
    else:
        st.error(logic.status_words(result))
        st.code(logic.why_no_schedule(fixed, result, seed=seed), language=None)

difference = st.session_state.get("difference")
if difference is not None:
    m1, m2, m3 = st.columns(3)
    m1.metric("Moved", difference.moved)
    m2.metric("Re-roomed", difference.re_roomed)
    m3.metric("Unchanged", difference.unchanged)
    st.dataframe(difference.frame(), hide_index=True, width="stretch")
