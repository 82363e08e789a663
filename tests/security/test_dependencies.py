"""The web server stack Streamlit brings is pinned for CI and development (constraints.txt), CI audits what it
installs where a vulnerability database answers, and Streamlit Community Cloud still needs requirements.txt only."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
# What parses requests from browsers (HTTP, WebSocket, multipart uploads, cookies, protobuf messages) or makes
# outgoing HTTPS connections.
NETWORK_FACING = {
    "starlette",
    "uvicorn",
    "h11",
    "anyio",
    "websockets",
    "python-multipart",
    "itsdangerous",
    "protobuf",
    "requests",
    "urllib3",
    "certifi",
    "idna",
    "charset-normalizer",
}


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            name, separator, version = line.partition("==")
            assert separator and re.fullmatch(r"[\w.]+", version), f"{line!r} is not pinned with =="
            found[canonicalize_name(name)] = version
    return found


def test_the_network_facing_indirect_dependencies_are_pinned_as_installed():
    constraints = pins(ROOT / "constraints.txt")
    assert set(NETWORK_FACING) <= set(constraints), sorted(set(NETWORK_FACING) - set(constraints))
    for name, version in constraints.items():
        assert metadata.version(name) == version, f"{name} installed {metadata.version(name)}, pinned {version}"


def test_the_pins_are_within_what_streamlit_accepts():
    constraints = pins(ROOT / "constraints.txt")
    for requirement in map(Requirement, metadata.requires("streamlit") or []):
        name = canonicalize_name(requirement.name)
        if name in constraints and not requirement.marker:
            assert requirement.specifier.contains(constraints[name]), f"{name}=={constraints[name]} vs {requirement}"


def test_development_and_ci_installs_read_the_constraints_and_cloud_does_not():
    dev = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8").splitlines()
    assert "-c constraints.txt" in dev and "-r requirements.txt" in dev
    assert "pip-audit" in pins(ROOT / "requirements-dev.txt")
    assert "constraints" not in (ROOT / "requirements.txt").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -q -r requirements-dev.txt" in ci


def test_ci_audits_where_a_database_answers_and_says_why_it_skips():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pip_audit --vulnerability-service" in ci
    assert "pip-audit skipped: " in ci
    assert "timeout=10" in ci  # an unreachable database costs seconds, not the CI run
