"""The README's first commands are the ones the deploy test proves on a fresh environment, and CI's test command
sits where .ci/run reads it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(text: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", text, flags=re.DOTALL)


def test_it_opens_with_what_the_dashboard_answers_then_how_to_run_it():
    answers, run_it = README.index("answers two questions"), README.index("## Run it")
    assert answers < README.index("**Where to begin.**") < run_it < README.index("## Performance")
    section = README[run_it : README.index("<!-- test-command -->")]
    assert "Python 3.11 or newer" in section and "<http://localhost:8501>" in section
    venv, commands = code_blocks(section)[:2]
    assert venv.startswith("python3 -m venv .venv && . .venv/bin/activate")
    # What tests/test_deploy.py runs in a fresh virtual environment (slow test).
    assert commands.splitlines() == ["python -m pip install -r requirements.txt", "streamlit run app.py"]


def test_ci_reads_the_test_command_on_the_second_line_after_its_marker():
    lines = README.splitlines()
    marker = lines.index("<!-- test-command -->")
    assert lines[marker + 1] == "```bash"
    assert lines[marker + 2] == "python -m pip install -r requirements-dev.txt && python -m pytest"
