"""Data: the example or an upload; every validation problem; each sheet editable; downloads."""

import hashlib

import streamlit as st

from app_pages import common
from planner import app_logic as logic
from planner.errors import InputError

common.init()
st.title("Data")
source_line = st.empty()

left, right = st.columns([1, 2])
with left:
    if st.button("Start from the built-in example", key="load_example"):
        common.set_sheets(common.example_sheets(), logic.EXAMPLE_NAME)
        st.session_state.pop("upload_error", None)
    st.download_button(
        "Download a blank template",
        common.template(),
        file_name="template.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="dl_template",
    )
with right:
    upload = st.file_uploader(
        "Upload a workbook (.xlsx) or a zip of CSV files",
        key="upload",
        help=f"At most {logic.MAX_UPLOAD_BYTES // 1_000_000} MB.",
    )
if upload is not None:
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    if st.session_state.get("upload_digest") != digest:  # a new file, not a rerun
        st.session_state["upload_digest"] = digest
        try:
            common.set_sheets(common.load_bytes(upload.name, data), upload.name)
            st.session_state.pop("upload_error", None)
        except InputError as err:
            st.session_state["upload_error"] = (upload.name, [str(i.message) for i in err.issues])
if "upload_error" in st.session_state:
    name, messages = st.session_state["upload_error"]
    st.error(f"**{name}** could not be read: " + "; ".join(messages), icon=":material/block:")

source_line.caption(f"Working on **{st.session_state['source']}**.")
issues_box = st.container()

sheets = st.session_state["base"]
version = st.session_state["version"]
st.subheader("Sheets")
st.caption("Edit any cell; rows are numbered as in the sheet (the header is row 1). Checked again at once.")
edited: logic.Sheets = {}
for tab, name in zip(st.tabs(list(sheets)), sheets, strict=True):
    with tab:
        edited[name] = st.data_editor(
            sheets[name],
            key=f"edit-{version}-{name}",
            num_rows="dynamic",
            hide_index=False,
            column_config={"_index": st.column_config.NumberColumn("row", disabled=True)},
            width="stretch",
        )
changed = any(not edited[n].equals(st.session_state["sheets"][n]) for n in edited)
if changed:
    st.session_state["sheets"] = edited
    st.session_state["validated"] = logic.validate(edited)
validated = st.session_state["validated"]

with issues_box:
    if validated.problem is not None:
        p = validated.problem
        st.success(
            f"No problems: {len(p.sessions)} sessions, {len(p.participants)} people, "
            f"{len(p.rooms)} rooms, {len(p.days)} days. Go on to **Solve**.",
            icon=":material/check_circle:",
        )
    else:
        st.error(f"{len(validated.issues)} problem(s) to fix before solving:", icon=":material/warning:")
        st.dataframe(logic.issues_frame(validated.issues), hide_index=True, width="stretch")

st.download_button(
    "Download the edited workbook",
    logic.sheets_workbook_bytes(st.session_state["sheets"]),
    file_name="meeting.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="dl_edited",
)
