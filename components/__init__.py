"""Streamlit-side building blocks: chart builders (DataFrames in, figures out) and small renderers."""
