"""Importer quality, leave-one-out over the curated plans: ``python bench/bench_importer.py``.

For each curated plan X: a copy of data/ without plans/X.yaml (and without the department names only X
uses, as before X was curated) is the importer's world; X's source is imported into it, and the draft is
compared with X's curated YAML:

- headings: precision / recall / F1 of heading texts (whitespace-insensitive, as a multiset);
- body text placed: share of the curated provision text (characters) that the draft places in a
  provision or heading of the same source line;
- bodies: precision / recall of (source line, lead|partner, name) triples of responsible bodies;
- targets: precision / recall of (year, value or value_text, unit), as a multiset per plan;
- check: the number of errors `build.py check` reports with the draft in place (must be 0).

``--json`` prints the figures as JSON (the tests read :func:`evaluate`); ``--show PLAN`` lists that plan's
missed and spurious targets and headings (by source line and quote), to see what a rule gets wrong.
"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policy_compare import importer  # noqa: E402
from policy_compare.pipeline import validate  # noqa: E402
from policy_compare.validate import squash  # noqa: E402

DATA = ROOT / "data"


def _sections(secs):
    for s in secs:
        yield s
        yield from _sections(s.get("sections", []))


def _provisions(plan):
    for s in _sections(plan["sections"]):
        yield from s.get("provisions", [])


def _pr(hit: int, found: int, expected: int) -> dict:
    p = hit / found if found else 1.0
    r = hit / expected if expected else 1.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "hit": hit, "found": found, "expected": expected}


def _match(a: Counter, b: Counter) -> int:
    return sum((a & b).values())


def headings(draft, gold) -> dict:
    d = Counter(squash(s["heading"]) for s in _sections(draft["sections"]))
    g = Counter(squash(s["heading"]) for s in _sections(gold["sections"]))
    return _pr(_match(d, g), sum(d.values()), sum(g.values()))


def placed(draft, gold) -> float:
    by_line: dict[int, list[str]] = {}
    for p in _provisions(draft):
        by_line.setdefault(p["source_line"], []).append(squash(p["text"]))
    for s in _sections(draft["sections"]):
        by_line.setdefault(s["source_line"], []).append(squash(s["heading"]))
    total = got = 0
    for p in _provisions(gold):
        if p.get("table"):
            continue
        text = squash(p["text"])
        total += len(text)
        pieces = by_line.get(p["source_line"], [])
        if any(text in piece for piece in pieces):
            got += len(text)
        else:
            got += min(len(text), sum(len(piece) for piece in pieces if piece and piece in text))
    return round(got / total, 4) if total else 1.0


def bodies(draft, gold) -> dict:
    def triples(plan):
        return Counter((p["source_line"], role, name) for p in _provisions(plan)
                       for role in ("lead", "partners") for name in p.get(role, []))
    d, g = triples(draft), triples(gold)
    return _pr(_match(d, g), sum(d.values()), sum(g.values()))


def target_key(t) -> tuple:
    value = t.get("value")
    return (t["year"], round(float(value), 4) if value is not None else squash(t.get("value_text") or ""), t.get("unit") or "")


def targets(draft, gold) -> dict:
    d = Counter(target_key(t) for p in _provisions(draft) for t in p.get("targets", []))
    g = Counter(target_key(t) for p in _provisions(gold) for t in p.get("targets", []))
    return _pr(_match(d, g), sum(d.values()), sum(g.values()))


def world_without(plan_id: str, tmp: Path) -> Path:
    """data/ as it was before plan_id was curated: its YAML absent, department names only it used removed."""
    data = tmp / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("drafts"))
    (data / "plans" / f"{plan_id}.yaml").unlink()
    src = data / "sources" / f"{plan_id}.txt"
    src.rename(tmp / f"{plan_id}.txt")
    others = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in (data / "plans").glob("*.yaml")]
    used = {n for plan in others for p in _provisions(plan) for n in (*p.get("lead", []), *p.get("partners", []))}
    deps = yaml.safe_load((data / "departments.yaml").read_text(encoding="utf-8"))
    for g in deps.get("departments", []):
        g["names"] = [n for n in g["names"] if n in used]
    deps["departments"] = [g for g in deps.get("departments", []) if g["names"]]
    (data / "departments.yaml").write_text(yaml.safe_dump(deps, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return data


def _diff(d: Counter, g: Counter) -> tuple[Counter, Counter]:
    return g - d, d - g


def show(plan_id: str, draft: dict, gold: dict) -> None:
    """Misses (curated, not drafted) and false positives (drafted, not curated) for one plan."""
    def where(plan):
        out = {}
        for p in _provisions(plan):
            for t in p.get("targets", []):
                out.setdefault(target_key(t), []).append((p["source_line"], t.get("indicator", ""), t.get("quote", "")[:90]))
        return out
    d = Counter(target_key(t) for p in _provisions(draft) for t in p.get("targets", []))
    g = Counter(target_key(t) for p in _provisions(gold) for t in p.get("targets", []))
    missed, spurious = _diff(d, g)
    for label, keys, plan in (("missed target", missed, gold), ("spurious target", spurious, draft)):
        w = where(plan)
        for key, n in sorted(keys.items(), key=lambda kv: w[kv[0]][0][0]):
            line, ind, quote = w[key][0]
            print(f"{label:16} x{n} line {line:4} {key} {ind} | {quote}")
    hd = Counter(squash(s["heading"]) for s in _sections(draft["sections"]))
    hg = Counter(squash(s["heading"]) for s in _sections(gold["sections"]))
    missed, spurious = _diff(hd, hg)
    for label, keys in (("missed heading", missed), ("spurious heading", spurious)):
        for key in keys:
            print(f"{label:16} {key[:100]}")
    bd = Counter((p["source_line"], role, n) for p in _provisions(draft) for role in ("lead", "partners") for n in p.get(role, []))
    bg = Counter((p["source_line"], role, n) for p in _provisions(gold) for role in ("lead", "partners") for n in p.get(role, []))
    missed, spurious = _diff(bd, bg)
    for label, keys in (("missed body", missed), ("spurious body", spurious)):
        for key in sorted(keys):
            print(f"{label:16} {key}")


def evaluate(plan_id: str, verbose: bool = False) -> dict:
    gold = yaml.safe_load((DATA / "plans" / f"{plan_id}.yaml").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        data = world_without(plan_id, tmp)
        source = tmp / f"{plan_id}.txt"
        d = importer.make_draft(source, plan_id, data)
        importer.write(d, source, data)
        _, problems = validate(data)
        errors = [str(p) for p in problems if p.level == "error"]
        draft = yaml.safe_load((data / "plans" / f"{plan_id}.yaml").read_text(encoding="utf-8"))
    if verbose:
        show(plan_id, draft, gold)
    return {"plan": plan_id, "headings": headings(draft, gold), "placed": placed(draft, gold),
            "bodies": bodies(draft, gold), "targets": targets(draft, gold), "check_errors": len(errors),
            "first_errors": errors[:3], "review_items": len(draft.get("review", []))}


def main() -> None:
    ids = [p.stem for p in sorted((DATA / "plans").glob("*.yaml"))]
    if "--show" in sys.argv:
        plan_id = sys.argv[sys.argv.index("--show") + 1]
        r = evaluate(plan_id, verbose=True)
        print(f"{plan_id}: headings F1 {r['headings']['f1']:.1%}, targets P {r['targets']['precision']:.1%} R {r['targets']['recall']:.1%}")
        return
    rows = [evaluate(i) for i in ids]
    if "--json" in sys.argv:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    print(f"{'plan':18} {'head F1':>8} {'placed':>7} {'body P':>7} {'body R':>7} {'tgt P':>7} {'tgt R':>7} {'errors':>6} {'review':>6}")
    for r in rows:
        print(f"{r['plan']:18} {r['headings']['f1']:8.1%} {r['placed']:7.1%} {r['bodies']['precision']:7.1%} {r['bodies']['recall']:7.1%} "
              f"{r['targets']['precision']:7.1%} {r['targets']['recall']:7.1%} {r['check_errors']:6d} {r['review_items']:6d}")
        for e in r["first_errors"]:
            print("    ", e)
    tg = [sum(r["targets"][k] for r in rows) for k in ("hit", "found", "expected")]
    print(f"targets overall: {tg[0]} of {tg[2]} curated found (recall {tg[0] / tg[2]:.1%}), {tg[1]} drafted (precision {tg[0] / tg[1]:.1%})")


if __name__ == "__main__":
    main()
