"""The malformed-input corpus: every case in tests/malformed/ gives exactly its expected lines, no traceback.

A case is a folder ``tests/malformed/<case>/`` applied to a fresh copy of the mini fixture:
- files under it (``plans/…``, ``sources/…``, ``topics.yaml`` …) are copied over the fixture;
- ``edit.yaml`` lists replacements (``file``, ``old`` → ``new``; ``old`` must occur exactly once);
- ``generate`` names a generator below, for what is too big or too odd to commit (a 50 MB file, alias
  bombs, 10,000-deep nesting, symlink loops);
- ``expected`` holds the exact output of ``build.py check --strict``: the error lines and
  ``build failed: N errors`` (exit 1), or ``data OK: …`` for input that must be accepted (exit 0).
  ``{data}`` stands for the data folder as the message shows it.

The cases run in-process (``build.main``) so the corpus stays quick; one end-to-end case runs
``build.py`` as a user would and checks that the previous site survives. Timings and memory are
measured by bench/bench_malformed.py, not asserted here.
"""
from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import MINI, ROOT, run_build

import build
from policy_compare.load import display_path

CORPUS = Path(__file__).resolve().parent / "malformed"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
PLAN = "plans/mini-2020.yaml"


# ---------------------------------------------------------------- generators (written at test time)

def alias_bomb(data: Path) -> None:
    """Nine levels of nine aliases each: 9**9 = 387 million strings once expanded, 10 lines on disk."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    (data / "plans" / "bomb.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def billion_laughs(data: Path) -> None:
    """The bomb hidden inside an otherwise valid plan: the mini plan's defects list expands."""
    plan = data / PLAN
    head = "".join(f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 10)}]\n" for i in range(1, 9))
    text = plan.read_text(encoding="utf-8").replace("defects:\n", "laughs:\n  x0: &x0 [lol]\n"
                                                     + "".join("  " + line for line in head.splitlines(True)) + "defects:\n")
    plan.write_text(text, encoding="utf-8")


def deep_flow(data: Path) -> None:
    (data / "plans" / "deep.yaml").write_text("id: " + "[" * 10000 + "]" * 10000 + "\n", encoding="utf-8")


def deep_block(data: Path) -> None:
    (data / "plans" / "deep.yaml").write_text("id: deep\nsections:\n" + "- " * 10000 + "x\n", encoding="utf-8")


def deep_mapping(data: Path) -> None:
    (data / "plans" / "deep.yaml").write_text("id: deep\n" + "".join(" " * i + f"k{i}:\n" for i in range(1000)), encoding="utf-8")


def big_file(data: Path) -> None:
    """A 50 MB plan file (an export pasted into the wrong place)."""
    with (data / "plans" / "big.yaml").open("w", encoding="utf-8") as fh:
        fh.write("id: big\nsections:\n")
        line = "- heading: " + "很长的标题" * 20 + "\n"
        fh.write(line * (50 * 1024 * 1024 // len(line.encode("utf-8")) + 1))


def symlink_loop_plan(data: Path) -> None:
    (data / "plans" / "loop.yaml").symlink_to("loop.yaml")


def symlink_loop_source(data: Path) -> None:
    (data / "sources" / "mini-2020.txt").unlink()
    (data / "sources" / "mini-2020.txt").symlink_to("mini-2020.txt")


def dangling_plan(data: Path) -> None:
    (data / "plans" / "gone.yaml").symlink_to("../nowhere/gone.yaml")


def source_symlink_escape(data: Path) -> None:
    """sources/ holds a link to a file outside the data folder; source.file names the link."""
    outside = data.parent / "outside.txt"
    shutil.copy(data / "sources" / "mini-2020.txt", outside)
    (data / "sources" / "mini-2020.txt").unlink()
    (data / "sources" / "mini-2020.txt").symlink_to(outside)


GENERATORS = {f.__name__: f for f in (alias_bomb, billion_laughs, deep_flow, deep_block, deep_mapping, big_file,
                                      symlink_loop_plan, symlink_loop_source, dangling_plan, source_symlink_escape)}


def make_case(case: str, tmp: Path) -> Path:
    """A copy of the mini fixture with the case applied; returns its data folder."""
    src = CORPUS / case
    data = tmp / "data"
    shutil.copytree(MINI, data)
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if path.is_file() and (len(rel.parts) > 1 or rel.name not in ("edit.yaml", "generate", "expected")):
            target = data / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    if (src / "edit.yaml").exists():
        for e in yaml.safe_load((src / "edit.yaml").read_text(encoding="utf-8")):
            path = data / e["file"]
            text = path.read_text(encoding="utf-8")
            assert text.count(e["old"]) == 1, f"{case}: the fixture changed, {e['old']!r} must occur once"
            path.write_text(text.replace(e["old"], e["new"]), encoding="utf-8")
    if (src / "generate").exists():
        GENERATORS[(src / "generate").read_text(encoding="utf-8").strip()](data)
    return data


def expected_lines(case: str, data: Path) -> list[str]:
    text = (CORPUS / case / "expected").read_text(encoding="utf-8")
    return text.replace("{data}", display_path(data)).strip("\n").split("\n")


def run_check(data: Path, capsys) -> tuple[int, list[str], list[str]]:
    capsys.readouterr()
    code = build.main(["check", "--strict", "--data", str(data)])
    out, err = capsys.readouterr()
    return code, out.strip("\n").split("\n") if out.strip() else [], err.strip("\n").split("\n") if err.strip() else []


def test_the_corpus_covers_at_least_fifty_cases():
    assert len(CASES) >= 50
    for case in CASES:
        assert (CORPUS / case / "expected").is_file(), f"{case}: no expected output"


@pytest.mark.parametrize("case", CASES)
def test_malformed_input_gives_its_exact_message(case: str, tmp_path: Path, capsys):
    data = make_case(case, tmp_path)
    expected = expected_lines(case, data)
    code, out, err = run_check(data, capsys)
    if expected[-1].startswith("data OK"):
        assert (code, out, err) == (0, expected, [])
    else:
        assert code == 1
        assert err == expected
        assert not any("Traceback" in line for line in out + err)


def _limit_memory():  # runs in the child before build.py starts
    limit = 1024 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.parametrize("case", ["alias-bomb", "alias-bomb-billion-laughs", "deep-nesting-flow", "file-50mb"])
def test_costly_input_is_refused_under_a_memory_limit(case: str, tmp_path: Path):
    """Under a 1 GB address-space limit (the issue's MemoryError) the refusal is the same single line.
    The timeout only stops a runaway; the time taken is measured in bench/bench_malformed.py."""
    data = make_case(case, tmp_path)
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--strict", "--data", str(data)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120, preexec_fn=_limit_memory)
    expected = (CORPUS / case / "expected").read_text(encoding="utf-8").replace("{data}", display_path(data, ROOT))
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip("\n").split("\n") == expected.strip("\n").split("\n")


def test_end_to_end_a_malformed_plan_keeps_the_previous_site(tmp_path: Path):
    """build.py as a user runs it: one line, exit 1, no traceback, the previous site/ byte for byte."""
    good = tmp_path / "good"
    shutil.copytree(MINI, good / "data")
    out = tmp_path / "site"
    ok = run_build("--data", str(good / "data"), "--out", str(out))
    assert ok.returncode == 0, ok.stderr
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    data = make_case("python-object-tag", tmp_path / "bad")
    failed = run_build("--data", str(data), "--out", str(out))
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    lines = failed.stderr.strip("\n").split("\n")
    assert len(lines) == 2 and lines[1] == "build failed: 1 error"
    assert lines[0].endswith("[yaml_tag]") and "mini-2020.yaml:13:" in lines[0]
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not list(tmp_path.glob(".build-*"))


def test_libyaml_reads_every_real_file_as_the_bounded_python_loader_does(monkeypatch):
    """Plain files are parsed by libyaml (load._fast_node); anything with an anchor, alias, tag, deep nesting
    or a syntax error is left to the bounded Python loader, whose messages the cases above check. On every
    real data file the two give the same data and the same line of every key."""
    from policy_compare import load

    files = sorted((ROOT / "data").rglob("*.yaml"))
    assert len(files) >= 10
    fast = [load.load_yaml(path) for path in files]
    assert all(load._fast_node(load.read_text(path)) is not None for path in files)
    monkeypatch.setattr(load, "_fast_node", lambda text: None)
    slow = [load.load_yaml(path) for path in files]
    for path, (a, pa), (b, pb) in zip(files, fast, slow):
        assert (a.data, a.lines, pa) == (b.data, b.lines, pb), path


@pytest.mark.parametrize("text", ["a: &x [1]\nb: *x\n", "a: !!str 1\n", "a: [1\n", "---\na: 1\n---\nb: 2\n",
                                  "[" * 64 + "1" + "]" * 64])
def test_libyaml_leaves_anything_the_bounds_look_at_to_the_python_loader(text: str):
    from policy_compare import load

    assert load._fast_node(text) is None
