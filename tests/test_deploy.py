"""Streamlit Community Cloud readiness: the files Cloud reads, and a fresh install that serves the app."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP_CODE = [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("components/*.py"), *ROOT.glob("monitor/*.py")]
DEV_ONLY = {"pytest", "hypothesis", "ruff", "playwright", "pytest-playwright"}


def requirement_names(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-r"):
            name, _, version = line.partition("==")
            pins[re.sub(r"\[.*\]", "", name).lower()] = version
    return pins


def test_requirements_txt_is_the_dependency_file_cloud_picks():
    # Cloud prefers uv.lock, Pipfile, environment.yml and a pyproject dependency list over requirements.txt.
    for competing in ("uv.lock", "Pipfile", "Pipfile.lock", "environment.yml", "environment.yaml", "poetry.lock"):
        assert not (ROOT / competing).exists(), f"{competing} would take precedence over requirements.txt"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "dependencies" not in pyproject.get("project", {})
    assert "poetry" not in pyproject.get("tool", {})


def test_runtime_requirements_are_pinned_and_free_of_dev_tools():
    pins = requirement_names(ROOT / "requirements.txt")
    assert {"streamlit", "pandas", "pandera", "plotly", "altair", "geopandas"} <= set(pins)
    assert all(re.fullmatch(r"\d+(\.\d+)+", version) for version in pins.values()), pins
    assert not DEV_ONLY & set(pins)
    assert int(pins["streamlit"].split(".")[1]) >= 64


def test_streamlit_config_sets_the_theme_and_keeps_xsrf_protection():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    # Light and dark themes and no fixed base: the app follows the reader's system preference.
    assert "base" not in config["theme"]
    assert config["theme"]["light"]["primaryColor"] and config["theme"]["dark"]["primaryColor"]
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] == 20


def test_app_code_has_no_absolute_paths():
    absolute = re.compile(r"""["'](/(work|home|root|tmp|usr|Users)/|[A-Za-z]:\\)""")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in APP_CODE
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if absolute.search(line)
    ]
    assert not offenders, offenders


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_a_fresh_virtual_environment_from_requirements_txt_alone_serves_the_app(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "-r",
            str(ROOT / "requirements.txt"),
        ],
        check=True,
        timeout=900,
    )
    check_dev_tools = "import importlib.util as u; print([m for m in ('pytest', 'ruff') if u.find_spec(m)])"
    leaked = subprocess.run([str(python), "-c", check_dev_tools], capture_output=True, text=True, check=True)
    assert leaked.stdout.strip() == "[]"
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "MONITOR_DATA_DIR"}
    server = subprocess.Popen(
        [str(python), "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as reply:
                    assert reply.status == 200 and reply.read() == b"ok"
                    break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "the app did not answer /_stcore/health within 90 s"
                time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as reply:
            assert reply.status == 200
    finally:
        server.terminate()
        server.wait(timeout=20)
