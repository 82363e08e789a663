"""Core of the DPRK-Russia Alignment Monitor: schema, loading, filtering, derived tables, audit.

Nothing here imports Streamlit, so the validator, the benchmarks and the tests use it directly.
"""

from monitor.config import data_dir
from monitor.errors import DataValidationError, Problem
from monitor.loading import Dataset, load_dataset, load_tables

__all__ = ["DataValidationError", "Dataset", "Problem", "data_dir", "load_dataset", "load_tables"]
