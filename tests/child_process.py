"""Run Python in a child process of the project and read the JSON it prints last (measurements, benchmarks)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def python_json(arguments: list[str], *, timeout: float, env: dict[str, str] | None = None) -> dict:
    """``python <arguments>`` run from the project root; the JSON object on the last line it prints."""
    done = subprocess.run(
        [sys.executable, *arguments],
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=True,
        timeout=timeout,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])
