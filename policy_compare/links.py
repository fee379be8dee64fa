"""Cross-links between matching provisions of different plans.

Method (documented on the About page and in README):
1. Text for matching: the provision text without its responsibility parenthesis, Traditional converted
   to Simplified (OpenCC t2s) so Lishui matches the others.
2. Features: character bigrams and trigrams of CJK runs, TF-IDF weighted (sublinear tf, smoothed idf over
   all provisions), L2-normalised.
3. Score: cosine similarity of two provisions from *different* plans. A pair is linked when the score is at
   least ``THRESHOLD`` and the two share a substantive topic (not only overview/governance), or when the
   score is at least ``THRESHOLD_ANY`` without a shared topic. Short provisions (names in a member list,
   titles) and tables are not linked.
4. Each provision keeps its ``TOP_K`` best links, best first; ``data/links.yaml`` pins or suppresses pairs.
5. The reason shown: shared topics and the longest shared key terms (adjacent shared n-grams merged).

Precision and recall are measured against hand-labelled pairs in tests/links_labelled.yaml.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

THRESHOLD = 0.10
THRESHOLD_ANY = 0.40
TOP_K = 3
MIN_CHARS = 25
GENERIC_TOPICS = {"overview", "governance"}

_CJK = re.compile(r"[\u4e00-\u9fff]+")


@lru_cache(maxsize=2)
def _converter(config: str):
    from opencc import OpenCC
    return OpenCC(config)


def to_simplified(text: str) -> str:
    return _converter("t2s").convert(text)


def to_traditional(text: str) -> str:
    return _converter("s2t").convert(text)


def match_text(prov, script: str) -> str:
    text = prov.text
    if prov.responsibility_quote:
        text = text.replace(prov.responsibility_quote, "")
    return to_simplified(text) if script == "traditional" else text


def ngrams(text: str) -> Counter:
    grams: Counter = Counter()
    for run in _CJK.findall(text):
        for n in (2, 3):
            grams.update(run[i:i + n] for i in range(len(run) - n + 1))
    return grams


@dataclass(frozen=True)
class Link:
    source: str  # global provision ID
    target: str
    score: float
    topics: tuple[str, ...]
    terms: tuple[str, ...]
    pinned: bool = False


def vectors(texts: dict[str, str]) -> dict[str, dict[str, float]]:
    counts = {k: ngrams(t) for k, t in texts.items()}
    df: Counter = Counter()
    for c in counts.values():
        df.update(c.keys())
    n = len(counts)
    idf = {g: math.log((1 + n) / (1 + d)) + 1 for g, d in df.items()}
    out = {}
    for k, c in counts.items():
        v = {g: (1 + math.log(tf)) * idf[g] for g, tf in c.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        out[k] = {g: x / norm for g, x in v.items()}
    return out


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(g, 0.0) for g, x in a.items())


def shared_terms(a: str, b: str, va: dict, vb: dict, limit: int = 6) -> tuple[str, ...]:
    """Longest shared substrings (from shared bigrams merged along text a), weightiest first."""
    shared = {g for g in va if g in vb and len(g) == 2}
    terms, run = [], ""
    for run_text in _CJK.findall(a):
        i = 0
        while i < len(run_text) - 1:
            if run_text[i:i + 2] in shared:
                j = i + 1
                while j < len(run_text) - 1 and run_text[j:j + 2] in shared:
                    j += 1
                term = run_text[i:j + 1]
                if term in b:
                    terms.append(term)
                i = j + 1
            else:
                i += 1
    weight = {t: sum(va.get(t[k:k + 2], 0) for k in range(len(t) - 1)) for t in set(terms)}
    ranked = sorted(weight, key=lambda t: (-len(t), -weight[t]))
    return tuple(ranked[:limit])


def eligible(ref) -> bool:
    p = ref.provision
    return not p.table and len(p.text) >= MIN_CHARS and bool(set(p.topics) - GENERIC_TOPICS)


def is_match(score: float, shared_topics: set[str]) -> bool:
    return score >= THRESHOLD_ANY or (score >= THRESHOLD and bool(shared_topics - GENERIC_TOPICS))


def compute_links(refs, pins: list[tuple[str, str]] = (), suppress: list[tuple[str, str]] = ()) -> dict[str, list[Link]]:
    """Per provision ID, its links to other plans, best first."""
    by_id = {r.id: r for r in refs}
    items = [r for r in refs if eligible(r)]
    texts = {r.id: match_text(r.provision, r.plan.script) for r in items}
    vecs = vectors(texts)
    blocked = {frozenset(p) for p in suppress}
    candidates: dict[str, list[Link]] = {r.id: [] for r in refs}
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            if a.plan.id == b.plan.id or frozenset((a.id, b.id)) in blocked:
                continue
            score = cosine(vecs[a.id], vecs[b.id])
            topics = set(a.provision.topics) & set(b.provision.topics)
            if not is_match(score, topics):
                continue
            for x, y in ((a, b), (b, a)):
                terms = shared_terms(texts[x.id], texts[y.id], vecs[x.id], vecs[y.id])
                candidates[x.id].append(Link(x.id, y.id, round(score, 3), tuple(sorted(topics - GENERIC_TOPICS)), terms))
    for a_id, b_id in pins:
        a, b = by_id[a_id], by_id[b_id]
        topics = tuple(sorted(set(a.provision.topics) & set(b.provision.topics)))
        for x, y in ((a, b), (b, a)):
            candidates[x.id] = [l for l in candidates[x.id] if l.target != y.id]
            candidates[x.id].insert(0, Link(x.id, y.id, 1.0, topics, (), pinned=True))
    return {k: sorted(v, key=lambda l: (not l.pinned, -l.score))[:TOP_K] for k, v in candidates.items()}
