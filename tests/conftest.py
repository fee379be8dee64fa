"""Shared fixtures: the real site is built once per test session from the real data."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "data"
MINI = ROOT / "tests" / "fixtures" / "mini"


def run_build(*args: str) -> subprocess.CompletedProcess:
    """Run build.py as a user would; return the finished process (never raises)."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The real site, built from data/ into a temporary folder."""
    out = tmp_path_factory.mktemp("real") / "site"
    proc = run_build("--out", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


DEPLOYED_URL = "https://owner.github.io/repo/"


@pytest.fixture(scope="session")
def deployed_site(tmp_path_factory) -> Path:
    """The real site built as the GitHub Pages workflow builds it (SITE_URL set), once per session."""
    import os
    out = tmp_path_factory.mktemp("deployed") / "site"
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "--out", str(out)], capture_output=True, text=True,
                          cwd=ROOT, timeout=600, env=dict(os.environ, SITE_URL=DEPLOYED_URL))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


@pytest.fixture(scope="session")
def plans():
    """All validated plans of data/ (LoadedPlan objects)."""
    from policy_compare.pipeline import validate
    loaded, problems = validate(DATA)
    assert not [p for p in problems if p.level == "error"], "\n".join(map(str, problems))
    return loaded
