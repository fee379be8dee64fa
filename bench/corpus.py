#!/usr/bin/env python3
"""A synthetic corpus for scale benchmarks: N valid plans made from the five real ones.

    python bench/corpus.py N OUT [--seed 1]

OUT becomes a complete data folder: the catalogues copied from data/, the five real plans as they are
(so links.yaml pins and departments.yaml stay valid), and N - 5 synthetic plans. A synthetic plan takes the
header and preamble of one real plan (its donor), a random subset of the donor's sections and sub-sections,
one or two sections of another real plan in the same script (so cross-links meet realistic, overlapping
texts), in a shuffled order; every city and province name is replaced by a made-up city of a real province,
every year is shifted by the same few years, and target values are perturbed where the number can be
changed consistently in the provision, its target quote and the source line.

The source text is generated from the result: it is the donors' source lines that the chosen headings and
provisions were encoded from, in the new order (tables keep all their lines), transformed the same way as
the plan's strings. So every text stays verbatim, every source_line points at its text, and every body line
is encoded: each plan passes every validator, which this script checks before writing it (a draw that fails
is drawn again).
"""
from __future__ import annotations

import argparse
import copy
import random
import re
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROVINCES = [("河北省", "Hebei"), ("山西省", "Shanxi"), ("辽宁省", "Liaoning"), ("吉林省", "Jilin"),
             ("黑龙江省", "Heilongjiang"), ("江苏省", "Jiangsu"), ("浙江省", "Zhejiang"), ("安徽省", "Anhui"),
             ("福建省", "Fujian"), ("江西省", "Jiangxi"), ("山东省", "Shandong"), ("河南省", "Henan"),
             ("湖北省", "Hubei"), ("湖南省", "Hunan"), ("广东省", "Guangdong"), ("海南省", "Hainan"),
             ("四川省", "Sichuan"), ("贵州省", "Guizhou"), ("云南省", "Yunnan"), ("陕西省", "Shaanxi"),
             ("甘肃省", "Gansu"), ("青海省", "Qinghai"), ("内蒙古自治区", "Inner Mongolia"),
             ("广西壮族自治区", "Guangxi"), ("宁夏回族自治区", "Ningxia")]
# made-up city names: two characters from these (Simplified, Traditional, pinyin)
SYLLABLES = [("安", "安", "an"), ("宁", "寧", "ning"), ("平", "平", "ping"), ("阳", "陽", "yang"), ("江", "江", "jiang"),
             ("河", "河", "he"), ("山", "山", "shan"), ("清", "清", "qing"), ("泉", "泉", "quan"), ("溪", "溪", "xi"),
             ("丰", "豐", "feng"), ("兴", "興", "xing"), ("昌", "昌", "chang"), ("云", "雲", "yun"), ("林", "林", "lin"),
             ("宝", "寶", "bao"), ("德", "德", "de"), ("华", "華", "hua"), ("永", "永", "yong"), ("定", "定", "ding"),
             ("嘉", "嘉", "jia"), ("和", "和", "he"), ("新", "新", "xin"), ("文", "文", "wen")]
YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")


def load(data: Path):
    plans = {}
    for path in sorted((data / "plans").glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        lines = (data / raw["source"]["file"]).read_text(encoding="utf-8").split("\n")
        plans[raw["id"]] = (raw, lines)
    return plans


def subtree_lines(sec: dict) -> list[int]:
    """Source lines a section's heading and everything under it were encoded from."""
    out = {sec["source_line"]}
    for p in sec.get("provisions", []):
        out.update(range(p["source_line"], (p.get("source_end_line") or p["source_line"]) + 1))
    for s in sec.get("sections", []):
        out.update(subtree_lines(s))
    return sorted(out)


def prune(sec: dict, rng: random.Random, keep: float) -> dict:
    """A copy of the section with some sub-sections left out (never all of them)."""
    sec = copy.deepcopy(sec)
    subs = sec.get("sections", [])
    if len(subs) > 2:
        kept = [s for s in subs if rng.random() < keep] or subs[:1]
        sec["sections"] = [prune(s, rng, keep) if s.get("sections") else s for s in kept]
    return sec


def renumber(sec: dict, line_map: dict[int, int], prefix: str) -> None:
    sec["source_line"] = line_map[sec["source_line"]]
    sec["id"] = prefix + sec["id"]
    for p in sec.get("provisions", []):
        p["id"] = prefix + p["id"]
        p["source_line"] = line_map[p["source_line"]]
        if p.get("source_end_line"):
            p["source_end_line"] = line_map[p["source_end_line"]]
    for s in sec.get("sections", []):
        renumber(s, line_map, prefix)


def map_strings(node, fn):
    if isinstance(node, str):
        return fn(node)
    if isinstance(node, list):
        return [map_strings(x, fn) for x in node]
    if isinstance(node, dict):
        return {k: (v if k in ("id", "file", "kind") else map_strings(v, fn)) for k, v in node.items()}
    return node


def iter_provisions(sections):
    for s in sections:
        yield from s.get("provisions", [])
        yield from iter_provisions(s.get("sections", []))


def perturb_targets(sections: list, lines: list[str], rng: random.Random) -> None:
    """Change target values where the number occurs once in the text, the source line and each quote."""
    for p in iter_provisions(sections):
        if p.get("table") or not p.get("targets"):
            continue
        for value in {t["value"] for t in p["targets"] if t.get("value") is not None and t.get("value_max") is None}:
            if 1950 <= value <= 2100 or value <= 0:
                continue
            written = f"{value:g}"
            pat = re.compile(rf"(?<![\d.]){re.escape(written)}(?![\d.])")
            line = lines[p["source_line"] - 1]
            owners = [t for t in p["targets"] if t.get("value") == value]
            if len(pat.findall(p["text"])) != 1 or len(pat.findall(line)) != 1 \
                    or any(len(pat.findall(t["quote"])) != 1 or t.get("value_max") is not None for t in owners) \
                    or any(len(pat.findall(t["quote"])) > 1 for t in p["targets"]) \
                    or (p.get("correction") and written in p["correction"]["original"]):
                continue
            decimals = len(written.split(".")[1]) if "." in written else 0
            new = round(value * rng.uniform(0.85, 1.15), decimals)
            if value <= 100 < new:
                new = 100.0
            new_written = f"{new:.{decimals}f}"
            if new <= 0 or float(new_written) == value or 1950 <= new <= 2100:
                continue
            lines[p["source_line"] - 1] = pat.sub(new_written, line)
            p["text"] = pat.sub(new_written, p["text"])
            for t in p["targets"]:
                t["quote"] = pat.sub(new_written, t["quote"])
            for t in owners:
                t["value"] = float(new_written)


def synthesise(index: int, real: dict, rng: random.Random, city: tuple, province: tuple) -> tuple[dict, str]:
    donor_id = rng.choice(sorted(real))
    donor, _ = real[donor_id]
    script = donor["script"]
    others = [k for k in sorted(real) if k != donor_id and real[k][0]["script"] == script]
    # the donor's preamble, a subset of its other sections, and one or two sections of other plans
    first, rest = donor["sections"][0], donor["sections"][1:]
    picked = [(donor_id, s) for s in rest if rng.random() < 0.75] or [(donor_id, rest[0])]
    for other in rng.sample(others, min(len(others), rng.choice((1, 2)))):
        body = real[other][0]["sections"][1:]
        picked.append((other, rng.choice(body)))
    rng.shuffle(picked)
    chosen = [(donor_id, first)] + [(d, prune(s, rng, 0.8)) for d, s in picked]

    out_lines: list[str] = []
    sections = []
    prefixes: dict[str, str] = {donor_id: ""}
    for donor_key, sec in chosen:
        prefix = prefixes.setdefault(donor_key, f"x{len(prefixes)}-")
        src = real[donor_key][1]
        line_map = {}
        for n in subtree_lines(sec):
            out_lines.append(src[n - 1])
            line_map[n] = len(out_lines)
        sec = copy.deepcopy(sec)
        renumber(sec, line_map, prefix)
        sections.append(sec)

    shift = rng.randint(-3, 5)
    names = {}
    for raw, _ in real.values():
        names[raw["city"]["zh"]] = city[0] if script == "simplified" else city[1]
        names[raw["province"]["zh"]] = province[0]
        short = re.sub(r"(省|自治区|壮族自治区|回族自治区)$", "", raw["province"]["zh"])
        names[short] = re.sub(r"(省|自治区|壮族自治区|回族自治区)$", "", province[0])
    names["麗水"] = city[1]
    names["丽水"] = city[0]
    pattern = re.compile("|".join(sorted(map(re.escape, names), key=len, reverse=True)))

    def transform(text: str) -> str:
        text = pattern.sub(lambda m: names[m.group(0)], text)
        return YEAR.sub(lambda m: str(int(m.group(0)) + shift), text)

    out_lines = [transform(line) for line in out_lines]
    sections = map_strings(sections, transform)

    def shift_years(node):
        if isinstance(node, list):
            for x in node:
                shift_years(x)
        elif isinstance(node, dict):
            for t in node.get("targets", []):
                t["year"] += shift
            for x in node.get("provisions", []) + node.get("sections", []):
                shift_years(x)
    shift_years(sections)
    perturb_targets(sections, out_lines, rng)

    pid = f"{city[2]}-{donor['period']['start'] + shift}"
    target_years = sorted({t["year"] for p in iter_provisions(sections) for t in p.get("targets", [])
                           if t["kind"] == "target"})
    start = donor["period"]["start"] + shift
    end = max([donor["period"]["end"] + shift] + target_years)
    written = str(donor["date_written"])
    y, m, d = written.split("-")
    plan = {
        "id": pid,
        "city": {"zh": city[0] if script == "simplified" else city[1], "en": city[3]},
        "province": {"zh": province[0], "en": province[1]},
        "title": transform(donor["title"]),
        "doc_number": transform(donor["doc_number"]) if donor.get("doc_number") else None,
        "issuer": [transform(x) for x in donor["issuer"]],
        "date_written": f"{int(y) + shift}-{m}-{min(int(d), 28):02d}",
        "kind": donor["kind"],
        "period": {"start": start, "end": end},
        "target_years": [t for t in target_years if t > start] or [end],
        "script": script,
        "source": {"file": f"sources/{pid}.txt", "captured_from": f"synthetic (bench/corpus.py from {donor_id})",
                   "body_lines": [1, len(out_lines)]},
        "summary_en": f"A synthetic plan for benchmarks, made from {donor_id} and other real plans.",
        "sections": sections,
    }
    # city identity: a made-up city of its own (one plan each), at the donor's administrative level; no
    # division code (a real one would name a real city)
    plan["city_id"] = f"syn{index:04d}"
    plan["admin_level"] = donor.get("admin_level", "prefecture")
    if plan["doc_number"] is None:
        del plan["doc_number"]
    return plan, "\n".join(out_lines) + "\n"


def cities(n: int, rng: random.Random) -> list[tuple]:
    combos = [(a, b) for a in SYLLABLES for b in SYLLABLES if a != b]
    rng.shuffle(combos)
    out, seen = [], set()
    for a, b in combos:
        if len(out) == n:
            break
        if a[2] + b[2] not in seen:
            seen.add(a[2] + b[2])
            out.append((a[0] + b[0], a[1] + b[1], a[2] + b[2], (a[2] + b[2]).capitalize()))
    return out


def valid(plan_path: Path, data: Path) -> list[str]:
    from policy_compare.validate import check_plan
    _, problems = check_plan(plan_path, data)
    return [str(p) for p in problems]


def make(n: int, out: Path, seed: int = 1, data: Path = ROOT / "data") -> list[str]:
    """Write the corpus; return the IDs of its plans."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(data, out)
    real = load(data)
    rng = random.Random(seed)
    ids = sorted(real)[:n]
    for extra in sorted(real)[n:]:  # fewer than five: drop the real plans beyond n
        (out / "plans" / f"{extra}.yaml").unlink()
        (out / real[extra][0]["source"]["file"]).unlink()
    if n < len(real):
        for name in ("links.yaml", "departments.yaml"):
            (out / name).unlink(missing_ok=True)
    names = cities(max(0, n - len(real)), rng)
    for i, city in enumerate(names):
        province = rng.choice(PROVINCES)
        for _ in range(20):
            plan, source = synthesise(i, real, rng, city, province)
            path = out / "plans" / f"{plan['id']}.yaml"
            (out / plan["source"]["file"]).write_text(source, encoding="utf-8")
            path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
            problems = valid(path, out)
            if not problems:
                ids.append(plan["id"])
                break
            path.unlink()
            (out / plan["source"]["file"]).unlink()
        else:
            raise SystemExit(f"could not draw a valid plan for {city[3]}: {problems[:3]}")
    return ids


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of plans")
    ap.add_argument("out", type=Path, help="the data folder to write (replaced)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    ids = make(args.n, args.out, args.seed)
    print(f"{len(ids)} plans in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
