"""Stage 5b — search: provision-level, segmented, Simplified↔Traditional search in Material's own search.

Material's search plugin indexes a page section by section (a section runs from one heading to the next)
and, when jieba is importable, segments Chinese with it, joining words with zero-width spaces; its search
worker then segments a query greedily against the words in the index. We keep all of that and change
what goes into the index:

1. provisions are marked ``data-search-exclude`` in the pages, so the plugin indexes headings and prose
   but not the provision bodies (nor the similar-provision excerpts, which would repeat them);
2. after MkDocs has built a language, :func:`add_provisions` appends one index entry per provision whose
   location is the provision's anchor on its plan page, so every hit opens at that provision, grouped under
   its plan in the results;
3. each entry's text is the verbatim provision, segmented by jieba. Traditional text is segmented by
   segmenting its Simplified conversion and cutting the original at the same places (jieba's dictionary is
   Simplified). Words jieba's search mode finds inside compounds (教育 inside 宣传教育) and every word in
   the other script (醫保 for 医保, 控烟 for 控煙) are appended in a hidden span: they are indexed, so
   医保 finds Lishui's 醫保 and 控煙 finds Ordos' 控烟, but they are not shown in the result preview.

The same user dictionary (topic, indicator, glossary and department names in both scripts, from ``data/``)
is given to jieba here and to the plugin (``jieba_dict_user``), so both cut these words the same way.
"""
from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from pathlib import Path

from .compare import Corpus, ProvisionRef
from .i18n import Lang
from .links import to_simplified, to_traditional

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
ZWSP = "\u200b"


def _jieba():
    import warnings
    with warnings.catch_warnings():  # jieba imports pkg_resources (setuptools<81 is pinned for it)
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(60)
    return jieba


def user_words(corpus: Corpus) -> list[str]:
    """Words jieba should keep whole: names from the catalogues and bodies, in both scripts."""
    words: set[str] = set()
    for v in corpus.topics:
        words.add(v.topic.name_zh)
        words.update(k for k in v.topic.keywords)
    for v in corpus.indicators:
        words.add(v.indicator.name_zh)
        words.update(v.indicator.wordings)
    for term in corpus.glossary.terms:
        words.add(term.term_zh)
        words.update(term.variants)
    for d in corpus.departments:
        words.update(d.names)
    words = {w.strip() for w in words if w and HAN.fullmatch(w.strip())}
    return sorted(words | {to_simplified(w) for w in words} | {to_traditional(w) for w in words})


def write_user_dict(corpus: Corpus, path: Path) -> Path:
    """jieba user dictionary format: one 'word frequency' per line."""
    path.write_text("".join(f"{w} 50000\n" for w in user_words(corpus)), encoding="utf-8")
    return path


def load_user_dict(path: Path) -> None:
    _jieba().load_userdict(str(path))


def _cut_run(run: str) -> list[str]:
    """Segment one run of Han characters. jieba's dictionary is Simplified, so a Traditional run is cut
    where its Simplified form is cut (the conversion keeps the length; if it did not, cut the run itself)."""
    jieba = _jieba()
    simple = to_simplified(run)
    if simple == run or len(simple) != len(run):
        return list(jieba.cut(run))
    out, i = [], 0
    for w in jieba.cut(simple):
        out.append(run[i:i + len(w)])
        i += len(w)
    return out


@lru_cache(maxsize=None)
def segment(text: str) -> tuple[str, tuple[str, ...]]:
    """(text with Han runs segmented by zero-width spaces, the words found). Cached: every language and
    the offline bundle index the same provisions."""
    found: list[str] = []

    def repl(m: re.Match) -> str:
        words = _cut_run(m.group(0))
        found.extend(words)
        return ZWSP + ZWSP.join(words) + ZWSP

    return HAN.sub(repl, text).strip(ZWSP), tuple(found)


@lru_cache(maxsize=None)
def extra_words(words: tuple[str, ...]) -> tuple[str, ...]:
    """Sub-words of compounds and the other script's form of every word, not already among ``words``."""
    jieba = _jieba()
    have = set(words)
    extra: dict[str, None] = {}
    for w in words:
        if len(w) > 2:
            for sub in jieba.cut_for_search(to_simplified(w)):
                if len(sub) >= 2:
                    extra.setdefault(sub, None)
        for other in (to_simplified(w), to_traditional(w)):
            extra.setdefault(other, None)
    # the other script of each sub-word too (教育 → 教育, 醫療 → 医疗)
    for w in list(extra):
        extra.setdefault(to_traditional(w), None)
    return tuple(w for w in extra if w not in have and HAN.fullmatch(w))


def provision_entry(ref: ProvisionRef, page_location: str, lang: Lang) -> dict:
    p = ref.provision
    text, words = segment(p.text)
    body = [html.escape(text)]
    if p.table:
        cells, cell_words = segment(" ".join(c for row in p.table for c in row))
        body.append(html.escape(cells))
        words += cell_words
    bodies = [*p.lead, *p.partners]
    if bodies:
        label = lang.t("牵头/配合", "Responsible")
        seg_bodies, body_words = segment("、".join(bodies))
        body.append(f"（{label}：{html.escape(seg_bodies)}）")
        words += body_words
    extra = extra_words(words)
    if extra:
        body.append(f'<span hidden>{ZWSP.join(extra)}</span>')
    heading = ref.path[-1] if ref.path else ""
    seg_heading, _ = segment(f"{lang.city(ref.plan)} · {heading}")
    return {"location": f"{page_location}#{ref.anchor}", "title": html.escape(seg_heading), "text": " ".join(body)}


def add_provisions(site: Path, corpus: Corpus, lang: Lang, directory_urls: bool = True) -> int:
    """Append one entry per provision to ``site/search/search_index.json``; return the entry count."""
    index_path = site / "search" / "search_index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    docs = index["docs"]
    for ref in corpus.provisions:
        loc = f"plans/{ref.plan.id}/" if directory_urls else f"plans/{ref.plan.id}.html"
        docs.append(provision_entry(ref, loc, lang))
    data = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    index_path.write_text(data, encoding="utf-8")
    inlined = index_path.with_name("search_index.js")  # the offline plugin's copy for file:// use
    if inlined.exists():
        inlined.write_text(f"var __index = {data}", encoding="utf-8")
    return len(docs)


# Material 9.8's search worker segments a Chinese query greedily against the words in the index, but its
# loop never lets a word end at the query's last character: 医保 becomes 医 (then 医* matches every
# 医… word) and 家庭医生 becomes 家庭. We replace that one function in the built worker with a
# longest-match segmentation over the whole query. The pattern is checked: if a Material upgrade changes
# the worker, the build fails here instead of shipping a search that silently misses.
_SEGMENT_FN = re.compile(
    r'function (?P<name>\w+)\((?P<q>\w),(?P<ix>\w)\)\{let (?P<set>\w)=new Set,\w=new Uint16Array\(.*?'
    r'return (?P=set)\.has\(""\)\?new Set\(\[(?P=q)\]\):(?P=set)\}')
_SEGMENT_JS = (
    "function {name}(q,ix){{"
    "let out=new Set,s=0,start=o=>{{for(let k=q.length;k>o;k--)if(q.slice(o,k)in ix)return k-o;return 0}};"
    "while(s<q.length){{let n=start(s);"
    "if(n){{out.add(q.slice(s,s+n));s+=n;continue}}"
    "let e=s+1;while(e<q.length&&!start(e))e++;out.add(q.slice(s,e));s=e}}"
    "return out.size?out:new Set([q])}}")


def patch_worker(site: Path) -> Path:
    """Fix the query segmentation of Material's search worker in the built site (see above)."""
    from .problems import BuildFailed, Problem

    workers = sorted((site / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    for worker in workers:
        code = worker.read_text(encoding="utf-8")
        m = _SEGMENT_FN.search(code)
        if m:
            worker.write_text(code[:m.start()] + _SEGMENT_JS.format(name=m.group("name")) + code[m.end():],
                              encoding="utf-8")
            return worker
    raise BuildFailed([Problem("policy_compare/search.py", 1, "", "search_worker",
                               "Material's search worker has changed; update patch_worker for this Material version")])
