"""data/synonyms.yaml — abbreviations and full forms the site search treats as one term (policy_compare/search.py).

Checked before anything is built; each problem is one line (file:line, key path, the form, the rule).
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from .problems import BuildFailed, Problem
from .search import HAN, fold


def load_synonyms(data_dir: Path, sources: dict[str, str], memo=None) -> list[list[str]]:
    """``data/synonyms.yaml``: groups of forms that find each other (DRG ↔ 按疾病诊断相关分组 …).

    Rules (each problem one line, file:line): a list of groups under ``synonyms``, each with ``terms`` (two
    or more distinct strings, no surrounding spaces) and an optional ``note``; a form belongs to one group
    only; every form written with Chinese characters occurs in some source text (either script), and every
    group has at least one form that occurs (Latin abbreviations readers type, like DIP, may be absent).

    ``memo`` (a :class:`cache.Memo` kept between builds): the forms each source text holds, by a digest of
    the forms and the text, so that a rebuild looks only through the sources that changed."""
    from .load import load_yaml

    path = data_dir / "synonyms.yaml"
    if not path.exists():
        return []
    doc, problems = load_yaml(path)
    if doc is None:
        raise BuildFailed(problems)
    shown = doc.display
    data = doc.data
    listed = data.get("synonyms") if isinstance(data, dict) and isinstance(data.get("synonyms"), list) else []
    terms = [g["terms"] for g in listed if isinstance(g, dict) and isinstance(g.get("terms"), list)]
    every = sorted({fold(t) for ts in terms for t in ts if isinstance(t, str)})  # every form, folded
    forms_key = hashlib.blake2b("\0".join(every).encode("utf-8"), digest_size=16).digest()
    held: set[str] = set()  # the forms some source holds
    for text in sources.values():
        if memo is None:
            held |= _held(every, text)
        else:
            held |= memo.get((forms_key, hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()),
                             lambda text=text: _held(every, text))

    def occurs(form: str) -> bool:
        return fold(form) in held

    groups: list[list[str]] = []
    owner: dict[str, int] = {}
    if not isinstance(data, dict) or not isinstance(data.get("synonyms"), list):
        raise BuildFailed(problems + [Problem(shown, 1, "", "synonyms_shape", "expected 'synonyms:' followed by a list of groups, each with 'terms: [...]'")])
    for i, group in enumerate(data["synonyms"]):
        loc = ("synonyms", i)
        if not isinstance(group, dict) or set(group) - {"terms", "note"} or not isinstance(group.get("terms"), list):
            problems.append(Problem(shown, doc.line_of(loc), loc, "synonyms_shape", "a group is a mapping with 'terms' (a list) and an optional 'note'"))
            continue
        terms = group["terms"]
        forms: list[str] = []
        for j, term in enumerate(terms):
            tloc = loc + ("terms", j)
            line = doc.line_of(tloc)
            if not isinstance(term, str) or not term.strip() or term != term.strip() or len(term) > 40:
                problems.append(Problem(shown, line, tloc, "synonym_form", f"{term!r} is not a form (a non-empty string without surrounding spaces, at most 40 characters)"))
                continue
            key = fold(term)
            if key in owner:
                where = "this group" if owner[key] == i else f"synonyms[{owner[key]}]"
                problems.append(Problem(shown, line, tloc, "synonym_duplicate", f"'{term}' is already in {where}; a form belongs to one group"))
                continue
            if HAN.search(key) and not occurs(term):
                problems.append(Problem(shown, line, tloc, "synonym_not_in_sources", f"'{term}' occurs in no source text in data/sources/; list only forms the plans use"))
                continue
            owner[key] = i
            forms.append(key)
        if len(forms) < 2:
            problems.append(Problem(shown, doc.line_of(loc), loc, "synonym_group", "a group needs at least two valid forms"))
        elif not any(occurs(f) for f in forms):
            problems.append(Problem(shown, doc.line_of(loc), loc, "synonym_group", "no form of this group occurs in the source texts"))
        else:
            groups.append(forms)
    if problems:
        raise BuildFailed(problems)
    return groups


def _held(forms: list[str], text: str) -> frozenset[str]:
    """The (folded) forms that occur in ``text`` (either script): a form with Chinese characters anywhere,
    a Latin one as a whole word."""
    folded = fold(text)
    out = []
    for f in forms:
        if HAN.search(f):
            if f in folded:
                out.append(f)
        elif re.search(r"(?<![a-z0-9])" + re.escape(f) + r"(?![a-z0-9])", folded):
            out.append(f)
    return frozenset(out)
