"""Atomic builds: a build killed at any moment, or two builds into one --out at once, never leave a partial
or mixed site; folders left by killed builds are cleaned up by the next build."""
from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import MINI, ROOT, run_build
from test_determinism import snapshot


def start_build(data: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--data", str(data), "--out", str(out)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory):
    """Data A (the mini fixture) and B (the same with another city name), each with its reference site and
    the time one build takes."""
    base = tmp_path_factory.mktemp("versions")
    versions = {}
    for name, city in (("a", "Ordos"), ("b", "Erdos")):
        data = base / name / "data"
        shutil.copytree(MINI, data)
        plan = data / "plans" / "mini-2020.yaml"
        plan.write_text(plan.read_text(encoding="utf-8").replace("en: Ordos", f"en: {city}"), encoding="utf-8")
        started = time.monotonic()
        proc = run_build("--data", str(data), "--out", str(base / name / "site"))
        assert proc.returncode == 0, proc.stderr
        versions[name] = (data, snapshot(base / name / "site"), time.monotonic() - started)
    assert versions["a"][1] != versions["b"][1]
    return versions


@pytest.mark.parametrize("fraction", [0.5, 0.9])
def test_a_killed_build_leaves_the_old_or_the_new_site_whole(two_versions, tmp_path: Path, fraction: float):
    (_, site_a, _), (data_b, site_b, seconds) = two_versions["a"], two_versions["b"]
    out = tmp_path / "site"
    shutil.copytree(two_versions["a"][0].parent / "site", out)  # the previous site: A's
    build = start_build(data_b, out)
    time.sleep(seconds * fraction)
    build.send_signal(signal.SIGKILL)
    build.wait()
    assert snapshot(out) in (site_a, site_b)


def test_two_builds_into_one_folder_take_turns(two_versions, tmp_path: Path):
    (data_a, site_a, _), (data_b, site_b, _) = two_versions["a"], two_versions["b"]
    out = tmp_path / "site"
    builds = [start_build(data_a, out), start_build(data_b, out)]
    for b in builds:
        assert b.wait(timeout=300) == 0, b.stderr.read()
    assert snapshot(out) in (site_a, site_b)
    assert not list(tmp_path.glob(".build-*"))


def test_a_killed_builds_folder_is_removed_by_the_next_build(two_versions, tmp_path: Path):
    """What SIGKILL leaves (see above): a .build-site-* folder beside the site, maybe a site.old. The next build
    removes both and restores nothing it should not."""
    data_a, site_a, _ = two_versions["a"]
    out = tmp_path / "site"
    (tmp_path / ".build-site-k1ll3d" / "site" / "plans").mkdir(parents=True)
    (tmp_path / ".build-site-k1ll3d" / "site" / "index.html").write_text("partial", encoding="utf-8")
    assert run_build("--data", str(data_a), "--out", str(out)).returncode == 0
    assert not list(tmp_path.glob(".build-*")) and not (tmp_path / "site.old").exists()
    assert snapshot(out) == site_a
