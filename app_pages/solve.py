"""Solve: settings, live progress (objective and bound), stop, the status in words, and why not."""

import time

import streamlit as st

from app_pages import common
from planner import app_logic as logic
from planner.solver import SolveResult

st.title("Solve")
problem = common.need_problem()
if problem is None:
    st.stop()

weights = logic.weights_of(problem)
c1, c2 = st.columns(2)
time_limit = c1.number_input("Time limit (seconds)", 1, 3600, 30, key="time_limit")
seed = c2.number_input("Seed", 0, 1_000_000, 0, key="seed")
with st.expander("Soft-goal weights (penalty per point)"):
    chosen = {
        goal: st.number_input(goal.replace("_", " "), 0, 1_000_000, weight, key=f"w_{goal}")
        for goal, weight in weights.items()
        if goal != "change"
    }

b1, b2 = st.columns(2)
job: logic.SolveJob | None = st.session_state.get("job")
if b1.button("Solve", type="primary", key="solve", disabled=job is not None and not job.done):
    common.clear_schedule()
    st.session_state["job"] = logic.start_solve(problem, time_limit, seed, chosen)
    st.rerun()  # draw the buttons again: Solve off, Stop on
if b2.button("Stop (keep the best so far)", key="stop", disabled=job is None or job.done) and job is not None:
    job.stop()

if "solve_error" in st.session_state:
    st.error(st.session_state["solve_error"])
if job is not None:
    bar = st.progress(job.fraction, text="Searching...")
    chart = st.empty()
    while not job.done:  # the search runs in its own process; this loop only shows it
        frame = logic.progress_frame(job.progress)
        text = "Stopping at the next schedule..." if job.stopping else f"Searching... {job.elapsed:.0f} s"
        bar.progress(job.fraction, text=text)
        if len(frame):
            chart.line_chart(frame)
        time.sleep(0.3)
    bar.progress(1.0, text="Done")
    frame = logic.progress_frame(job.progress)
    if len(frame):
        chart.line_chart(frame)
    if job.error:  # kept to show, and the job let go: Solve is on again after one more run
        st.session_state["solve_error"] = job.error
        del st.session_state["job"]
        st.rerun()
    elif "result" not in st.session_state and job.result is not None:
        st.session_state["result"] = job.result
        if job.result.status.has_schedule:
            st.session_state["schedule"] = job.result.schedule
            st.session_state["plan_problem"] = job.problem
        st.rerun()  # once more, so that the buttons show the search is over

result: SolveResult | None = st.session_state.get("result")
if result is not None:
    if result.status.has_schedule:
        st.success(logic.status_words(result), icon=":material/check_circle:")
        st.page_link("app_pages/review.py", label="Review the schedule", icon=":material/search:")
    else:
        st.error(logic.status_words(result), icon=":material/block:")
        if "explanation" not in st.session_state:
            with st.spinner("Looking for the reason..."):
                st.session_state["explanation"] = logic.why_no_schedule(problem, result, seed=seed)
        st.subheader("Why")
        st.code(st.session_state["explanation"], language=None)
