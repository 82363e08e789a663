"""Use your own data: upload CSVs in the same schema, validated by the same rules, kept in this session only."""

from __future__ import annotations

import streamlit as st

from components.render import current_view
from components.upload import show_upload_error, show_upload_status, template_buttons, upload_widget
from monitor.bundle import MAX_UNZIPPED_BYTES, MAX_UPLOAD_MB, MAX_UPLOAD_ROWS, MEGABYTE
from monitor.table_reading import MAX_PROBLEMS

view = current_view()

st.title("Use your own data")
st.markdown(
    "Upload CSV files in the dashboard's schema: one table, several, or one zip of all of them. They are "
    "checked by the same rules as the curated data, and every page then shows them. **They stay in this "
    "browser session only**: kept in the server's memory (a file over 1 MB passes through a temporary file "
    "while it arrives), never shown to anyone else, dropped about two minutes after you close the tab (the "
    "time Streamlit keeps a session for a reconnection). "
    "Tables you do not upload come from the curated dataset, so their ids must match it."
)
show_upload_status(view.dataset)
upload_widget()
st.caption(
    f"At most {MAX_UPLOAD_MB} MB per upload (a browser refuses a larger file before it is sent, and marks it in "
    f"red in the list above), {MAX_UNZIPPED_BYTES // MEGABYTE} MB unzipped and {MAX_UPLOAD_ROWS:,} rows per table. "
    f"Validation lists the first {MAX_PROBLEMS:,} problems. UTF-8 text with a comma between columns and the header "
    "as the first row; a byte-order mark and Windows line ends are fine. Lists (actors, source_ids) are "
    "separated by ';'; links must be http(s)."
)
show_upload_error()

st.subheader("Templates", anchor=False)
st.caption(
    "Each template is a table's header and one example row; together they are a valid dataset. "
    "The Sources and method page lists what every column means."
)
st.caption(
    "Every CSV the dashboard writes is UTF-8 with a byte-order mark, so spreadsheets read accents and other "
    "scripts right. A text cell that begins with =, +, -, @ or a tab is written with an apostrophe before it, so a "
    "spreadsheet shows it as text instead of running it as a formula; uploaded again, the apostrophe stays part "
    "of the text."
)
template_buttons()
