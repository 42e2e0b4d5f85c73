"""The organisers' app: `make app` (or `streamlit run app.py`) serves it.

Pages (app_pages/) only lay out what planner.app_logic computes."""

import streamlit as st

from app_pages.common import init

st.set_page_config(page_title="Meeting planner", page_icon="🗓️", layout="wide")
init()
navigation = st.navigation(
    [
        st.Page("app_pages/data.py", title="Data", icon=":material/table_view:", default=True),
        st.Page("app_pages/solve.py", title="Solve", icon=":material/settings:"),
        st.Page("app_pages/review.py", title="Review", icon=":material/search:"),
        st.Page("app_pages/adjust.py", title="Adjust", icon=":material/pan_tool:"),
        st.Page("app_pages/download.py", title="Download", icon=":material/download:"),
    ]
)
navigation.run()
