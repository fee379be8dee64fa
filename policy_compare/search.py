"""Stage 5b — search: a sharded, provision-level Chinese search index that no page loads until it is used.

Material's own search plugin loads its whole index on every page (291 KB gzip at five plans, ~3 MB at 100),
so the site does not use it. Instead, after MkDocs has built a language, :func:`write_index` writes static
files under ``<site>/search/`` that ``content/assets/search.js`` loads as ``<script>`` files (JSONP style,
so they load from ``file://`` in the offline bundle as well as online) only when a reader uses the search
box, and then only the parts a query needs:

1. **Documents**: one per provision (its verbatim text, table rows, bodies; it opens at the provision's
   anchor on its plan page) and one per section of every other page (topics, indicators, glossary …; text
   inside ``data-search-exclude`` is left out, pages with ``search: exclude: true`` too). Documents of one
   page are contiguous, so results group by plan/page without loading anything per document.
2. **Folding**: Traditional characters are mapped to Simplified one character at a time (OpenCC's
   ``TSCharacters``), full-width ASCII to ASCII, Latin to lower case. The same table goes to the browser and
   folds the query, so 麗水 and 丽水 (控煙 and 控烟) are the same term on both sides: identical results by
   construction. The fold keeps every string's length, so hits are highlighted in the original script.
3. **Terms**: jieba (with the user dictionary generated from ``data/``) cuts the folded text; the words
   jieba's search mode finds inside compounds (医生 in 家庭医生) are added. Synonym groups from
   ``data/synonyms.yaml`` (DRG ↔ 按疾病诊断相关分组 …) become one term each: a document containing any
   form holds the group's term, and the browser replaces any form in a query by it.
4. **Shards**: term → posting list (delta-coded document numbers; a second list for title hits) in
   ``search/<v>/t/<k>.js``, k = first character's code mod the shard count; documents' display data in
   ``search/<v>/d/<j>.js``, ``CHUNK`` documents each; ``search/meta.js`` holds the groups, the fold table
   and the synonyms. A query loads meta, the shards of its characters (which also give the terms the
   browser segments the query against, longest match first) and the chunks of the results it shows.

Everything is data in JSON literals (arrays, never object keys taken from data) and the browser renders it
as text, never as HTML. Building is linear in the number of documents.
"""
from __future__ import annotations

import hashlib
import html.parser
import json
import math
import os
import pickle
import re
import shutil
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import routes
from .compare import Corpus, ProvisionRef
from .i18n import LANGS, Lang
from .links import to_simplified, to_traditional

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+")  # on folded text; search.js: the same
CHUNK = 32           # documents per display chunk
SHARD_TARGET = 24_000  # postings per term shard, roughly (the shard count grows with the corpus)
MAX_PAGE_TEXT = 1200  # characters of a page section kept for display (all of it is indexed)
SKIP_DIRS = {"assets", "search"}


# ---------------------------------------------------------------- folding (same as search.js) ---------

@lru_cache(maxsize=1)
def fold_pairs() -> dict[str, str]:
    """Traditional → Simplified, one BMP character to one (OpenCC TSCharacters, first candidate)."""
    import opencc
    pairs: dict[str, str] = {}
    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and len(parts[0]) == 1 and len(parts[1]) == 1 and parts[0] != parts[1] \
                and ord(parts[0]) <= 0xFFFF and ord(parts[1]) <= 0xFFFF:
            pairs[parts[0]] = parts[1]
    return pairs


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    table = {ord(t): s for t, s in fold_pairs().items()}
    table.update({c: chr(c + 32) for c in range(ord("A"), ord("Z") + 1)})
    for c in range(0xFF01, 0xFF5F):  # full-width ASCII
        ch = chr(c - 0xFEE0)
        table[c] = ch.lower()
    table[0x3000] = " "
    return table


def fold(text: str) -> str:
    """Length-preserving fold: Traditional → Simplified character, full-width → ASCII, lower case."""
    return text.translate(_fold_table())


# ---------------------------------------------------------------- jieba ---------------------------------

def _jieba():
    import warnings
    with warnings.catch_warnings():  # jieba imports pkg_resources (setuptools<81 is pinned for it)
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(60)
    return jieba


def user_words(corpus: Corpus) -> list[str]:
    """Words jieba should keep whole: names from the catalogues and bodies, in both scripts (the cross-links
    use these too, compare.related_items)."""
    words: set[str] = set()
    for v in corpus.topics:
        words.add(v.topic.name_zh)
        words.update(v.topic.keywords)
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


def write_user_dict(corpus: Corpus, path: Path, synonyms: list[list[str]] = ()) -> Path:
    """jieba user dictionary for the index (format: one 'word frequency' per line): :func:`user_words`, city
    names and synonym forms, folded as the index text is."""
    words = [*user_words(corpus), *(plan.city.zh for plan in corpus.plans), *(f for g in synonyms for f in g)]
    folded = sorted({fold(w) for w in words if HAN.fullmatch(w)})
    path.write_text("".join(f"{w} 50000\n" for w in folded), encoding="utf-8")
    return path


def load_user_dict(path: Path) -> None:
    """Give jieba the words of ``path`` (write_user_dict), when it first segments (:func:`_tokenizer`): a
    build whose texts are all segmented already (kept between builds) does not load jieba's dictionary."""
    global _DICT_KEY, _PENDING
    data = path.read_bytes()
    key = hashlib.sha256(data + Path(__file__).read_bytes()).hexdigest()[:12]
    if key != _DICT_KEY:  # what was segmented with another dictionary is segmented again
        _TERMS.clear()
        _RUNS.clear()
    _DICT_KEY = key
    _PENDING = data.decode("utf-8")


_DICT_KEY = ""  # the user dictionary given last and this code: what terms_of's results depend on
_PENDING: str | None = None  # its words, not yet added to jieba's dictionary


def _tokenizer():
    """jieba's default tokenizer with the user dictionary added. A word already there with the same
    frequency is not added again: jieba's add_word adds to the dictionary's total every time, so adding
    the same words twice in one process (a second build, the tests) would shift how it segments."""
    global _PENDING
    dt = _jieba().dt
    if _PENDING is not None:
        dt.check_initialized()
        for line in _PENDING.splitlines():
            word, _, freq = line.rpartition(" ")
            if word and dt.FREQ.get(word) != int(freq):
                dt.add_word(word, int(freq))
        _PENDING = None
    return dt


_TERMS: dict[str, frozenset[str]] = {}  # terms_of's cache (filled ahead of the build by terms_ahead)


def terms_of(text: str) -> frozenset[str]:
    """Index terms of a text: jieba's words of the folded text and the words inside compounds (search mode:
    家庭医生 gives 家庭, 医生 and 家庭医生), and runs of Latin letters and digits. Texts are only cut at
    their runs of Han characters, letters and digits, so the terms of texts joined by a space are the union
    of theirs (:func:`build_index` looks up each part on its own)."""
    found = _TERMS.get(text)
    if found is None:
        found = _TERMS[text] = _terms(text)
    return found


def forget_terms() -> None:
    """Empty terms_of's caches (bench/bench_search.py times segmenting from nothing)."""
    _TERMS.clear()
    _RUNS.clear()


_RUNS: dict[str, tuple[str, ...]] = {}  # jieba's words of each run of Han characters seen (kept: keep_runs)


def _terms(text: str) -> frozenset[str]:
    """The terms of ``text``: the union of those of its runs (each run of Han characters is cut by jieba, on
    its own, once: :data:`_RUNS`), so jieba's dictionary is loaded only when a run is new."""
    out: set[str] = set()
    for m in TOKEN.finditer(fold(text)):
        run = m.group(0)
        if not HAN.match(run):
            out.add(run)
            continue
        words = _RUNS.get(run)
        if words is None:  # jieba's words, then the 2- and 3-grams in its dictionary inside them
            words = _RUNS[run] = tuple(_tokenizer().cut_for_search(run))
        out.update(words)
    return frozenset(out)


def keep_runs(path: Path) -> None:
    """Keep :data:`_RUNS` between builds at ``path`` (under the user dictionary's key), adding the runs
    kept there before: the pages' texts change a few runs at a time (counts, names), so a rebuild seldom
    needs jieba at all. Call :func:`load_runs` first."""
    from .cache import write_atomic
    if len(_RUNS) != _runs_loaded:  # (runs are only ever added: a new count is a new run)
        write_atomic(path, pickle.dumps((_DICT_KEY, _RUNS), protocol=pickle.HIGHEST_PROTOCOL))


def load_runs(path: Path) -> None:
    """The runs kept at ``path`` by :func:`keep_runs` (none when kept under another dictionary)."""
    from .cache import read_kept
    global _runs_loaded
    kept = read_kept(path)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == _DICT_KEY:
        for run, words in kept[1].items():
            _RUNS.setdefault(run, words)
    _runs_loaded = len(_RUNS)


_runs_loaded = 0  # how many runs _RUNS held after load_runs


# ---------------------------------------------------------------- synonyms ------------------------------

def _synonym_matchers(groups: list[list[str]]):
    out = []
    for forms in groups:
        parts = [re.escape(f) if HAN.search(f) else r"(?<![a-z0-9])" + re.escape(f) + r"(?![a-z0-9])" for f in forms]
        out.append(re.compile("|".join(parts)))
    return out


def synonym_key(i: int) -> str:
    """The index term of synonym group i (a character no text token contains)."""
    return f"\u2261{i}"


# ---------------------------------------------------------------- documents -----------------------------

@dataclass
class Doc:
    anchor: str                 # "" = top of the page
    title: str
    text: str
    rows: list[str] = field(default_factory=list)  # a table's rows, cells joined (each shown on its own)
    index_title: str = ""       # extra words that count as title words (city names)
    index_text: str = ""        # extra words indexed but not shown (responsible bodies)


@dataclass
class Group:
    url: str                    # page URL relative to the site root ("plans/x/", "plans/x.html")
    title: str
    kind: str                   # "plan" | "page"
    docs: list[Doc] = field(default_factory=list)
    key: tuple | None = None    # what its documents were made from (collect), to keep its terms by


class _PageText(html.parser.HTMLParser):
    """Sections (h1–h3 with their ids) of a built page's article, leaving out data-search-exclude subtrees,
    scripts, SVG and permalink marks."""

    VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "source", "col", "area"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.excluded_page = False
        self.in_article = 0
        self.skip = 0                   # depth inside a skipped subtree
        self.heading: list | None = None  # [level, id, text parts]
        self.sections: list[list] = []  # [id, heading, text parts]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and a.get("name") == "pc-search" and a.get("content") == "exclude":
            self.excluded_page = True
        if tag == "article" and "md-content__inner" in (a.get("class") or ""):
            self.in_article = 1
            return
        if not self.in_article or tag in self.VOID:
            return
        self.in_article += 1
        if self.skip:
            self.skip += 1
            return
        cls = a.get("class") or ""
        if "compare-col" in cls.split():  # a topic page's city column (templates/_topic_column.md.j2): its
            self.skip = 1                  # provisions are documents of their plan; the column is left out
            return
        if "data-search-exclude" in a or tag in ("script", "style", "svg", "nav") or "headerlink" in cls:
            self.skip = 1
            return
        if tag in ("h1", "h2", "h3") and self.heading is None:
            self.heading = [tag, a.get("id") or "", []]

    def handle_endtag(self, tag):
        if not self.in_article or tag in self.VOID:
            return
        self.in_article -= 1
        if self.skip:
            self.skip -= 1
            return
        if self.heading is not None and tag == self.heading[0]:
            level, hid, parts = self.heading
            self.heading = None
            self.sections.append([hid if level != "h1" else "", " ".join("".join(parts).split()), []])

    def handle_data(self, data):
        if not self.in_article or self.skip:
            return
        if self.heading is not None:
            self.heading[2].append(data)
        elif self.sections:
            self.sections[-1][2].append(data)


EXCLUDED = '<meta name="pc-search" content="exclude">'  # templates/overrides/main.html


def page_docs(path: Path, title_only: bool = False) -> tuple[str, list[Doc]] | None:
    """(page title, its section documents) of a built HTML page, or None when the page is not searchable.
    ``title_only`` reads the page up to its first h2 (plan pages: their provisions come from the corpus)."""
    html_text = path.read_text(encoding="utf-8")
    head = html_text[:html_text.find("</head>") + 1]
    if EXCLUDED in head:
        return None
    if title_only and "</h1>" in html_text:  # the title and the text under it (issuer, document number …)
        end = html_text.find("<h2", html_text.index("</h1>"))
        html_text = html_text[:end] if end > 0 else html_text
    start = html_text.find("<article")  # nothing before the article is read (but a search meta tag)
    if start > 0 and 'name="pc-search"' not in head:
        html_text = html_text[start:]
    parser = _PageText()
    parser.feed(html_text)
    if parser.excluded_page or not parser.sections:
        return None
    docs = []
    for i, (anchor, heading, parts) in enumerate(parser.sections):
        text = " ".join("".join(parts).split())
        if anchor is None or i and not text:
            continue  # a heading with nothing of its own (plan chapters: their provisions are documents)
        docs.append(Doc(anchor, heading, text))
    return parser.sections[0][1], docs


def page_url(rel: str, directory_urls: bool) -> str:
    if directory_urls and (rel == "index.html" or rel.endswith("/index.html")):
        return rel[: -len("index.html")]
    return rel


def provision_doc(ref: ProvisionRef, lang: Lang) -> Doc:
    """One provision: verbatim text and table rows shown; heading path as title; city names and bodies indexed."""
    p = ref.provision
    rows = [" | ".join(c for c in row if c) for row in (p.table or [])]
    title = " › ".join(ref.path[-2:]) if ref.path else lang.city(ref.plan)
    cities = f"{ref.plan.city.zh} {ref.plan.city.en} {lang.city(ref.plan)}"
    return Doc(ref.anchor, title, p.text, rows, cities, "、".join([*p.lead, *p.partners]))


def collect(site: Path, corpus: Corpus, lang: Lang, directory_urls: bool = True, pages=None) -> list[Group]:
    """Every searchable page of one language's built site, with the provisions under their plan pages.

    ``pages`` (a :class:`cache.Memo` kept between builds): what each page gave (:func:`page_docs`) and the
    words of its texts, under its file's identity (inode, size, time); a page MkDocs did not write again is
    not read or segmented again."""
    others = {lg.prefix.strip("/") for lg in LANGS if lg.prefix and lg.prefix != lang.prefix}
    by_plan_url = {}
    for ref in corpus.provisions:
        url = routes.url("plan", ref.plan.id)
        if not directory_urls:
            url = url.rstrip("/") + ".html"
        by_plan_url.setdefault(url, []).append(ref)
    groups: list[Group] = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        top = rel.split("/", 1)[0]
        if "/" in rel and (top in SKIP_DIRS or top in others) or rel == "404.html":
            continue
        url = page_url(rel, directory_urls)
        refs = by_plan_url.get(url, [])
        key = None
        if pages is None:
            found = page_docs(path, title_only=bool(refs))
        else:
            st = path.stat()
            page_key = (rel, st.st_ino, st.st_size, st.st_mtime_ns, bool(refs))
            found, terms = pages.get(page_key, lambda: _page_and_terms(path, bool(refs)))
            _TERMS.update(terms)  # the page's texts as segmented when it was first read
            fp = corpus.fingerprints.get(refs[0].plan.id, "") if refs else "-"
            key = (page_key, fp, lang.code) if fp else None  # a plan page's provisions: its plan's file
        if found is None and not refs:
            continue
        title, docs = found or (lang.city(refs[0].plan), [])
        docs = docs[:1] if refs else docs  # a plan page: its title, then one document per provision
        docs += [provision_doc(r, lang) for r in refs]
        groups.append(Group(url, title, "plan" if refs else "page", docs, key))
    return groups


def _page_and_terms(path: Path, title_only: bool):
    """:func:`page_docs` of a page, and the words of each of its documents' texts."""
    found = page_docs(path, title_only)
    texts = {x for d in (found[1] if found else ()) for x in (d.text, d.title, d.index_title, d.index_text, *d.rows)}
    return found, {x: terms_of(x) for x in texts}


# ---------------------------------------------------------------- the index -----------------------------

@dataclass
class Written:
    folder: Path
    docs: int
    terms: int
    shards: int
    files: dict[str, int]  # path relative to folder -> bytes


def _js(key: str, data) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"__pcSearch({json.dumps(key)},{text});\n"


def _deltas(ids: list[int]) -> list[int]:
    """Ascending IDs as gaps (the first from 0)."""
    return [b - a for a, b in zip([0, *ids], ids)]


def build_index(groups: list[Group], synonyms: list[list[str]], seen=None, kept=None) -> tuple[dict, dict[str, list], list[list]]:
    """(meta, term → [doc ids, title doc ids], display records) for the documents of ``groups``.
    ``seen`` (a :class:`cache.Memo`, kept between builds with the same synonyms: :func:`write_index`): the
    synonym groups each document's text holds, by a digest of the text. ``kept`` (a :class:`cache.Memo`
    under the same version): each group's terms as numbers (:class:`_Vocabulary`), under the group's key,
    so that a group whose page and plan are unchanged is not looked through again; the postings are then
    put together by sorting arrays. The same index either way."""
    import numpy as np

    matchers = _synonym_matchers(synonyms)
    vocab = _Vocabulary.of(kept)
    ids, lens, tids, tlens = [], [], [], []
    records: list[list] = []
    meta_groups: list[list] = []
    n = 0
    for g in groups:
        meta_groups.append([g.title, g.url, g.kind, n])
        made = lambda g=g: _group_terms(g, matchers, seen, vocab)  # noqa: E731
        terms = kept.get((g.key, vocab.key), made) if kept is not None and g.key is not None else made()
        for part, out in zip(terms, (ids, lens, tids, tlens)):
            out.append(part)
        for d in g.docs:
            text = d.text if g.kind == "plan" else d.text[:MAX_PAGE_TEXT]
            records.append([d.anchor, d.title, text] + ([d.rows] if d.rows else []))
        n += len(g.docs)
    cat = (lambda parts, dtype: np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype))
    table: dict[str, list] = {}
    for (a, b), which in (((ids, lens), 0), ((tids, tlens), 1)):
        term = cat(a, np.int64)
        doc = np.repeat(np.arange(n, dtype=np.int64), cat(b, np.int64))
        order = np.argsort(term, kind="stable")  # by term; within a term, by document (ascending already)
        term, doc = term[order], doc[order]
        starts = np.flatnonzero(np.r_[True, term[1:] != term[:-1]]) if len(term) else np.zeros(0, np.int64)
        bounds = np.r_[starts, len(term)].tolist()
        docs_list, words = doc.tolist(), vocab.words
        for k, t in enumerate(term[starts].tolist()):
            postings = docs_list[bounds[k]:bounds[k + 1]]
            if which == 0:
                table[words[t]] = [postings, []]
            else:
                table[words[t]][1] = postings
    pairs = fold_pairs()
    chars = set("".join(table))
    ts = [(t, s) for t, s in sorted(pairs.items()) if s in chars]
    meta = {"n": n, "chunk": CHUNK, "groups": meta_groups,
            "fold": ["".join(t for t, _ in ts), "".join(s for _, s in ts)],
            "syn": [[synonym_key(i), forms] for i, forms in enumerate(synonyms)]}
    return meta, table, records


class _Vocabulary:
    """Index terms as numbers: kept in the ``kept`` memo of :func:`build_index` (only ever added to, so
    the numbers of kept groups stay right), under a key that changes when it is started afresh."""

    def __init__(self) -> None:
        import os
        self.words: list[str] = []
        self.number: dict[str, int] = {}
        self.key = os.urandom(8).hex()

    @classmethod
    def of(cls, kept) -> "_Vocabulary":
        if kept is None:
            return cls()
        vocab = kept.kept.get("vocabulary")
        if not isinstance(vocab, cls) or len(vocab.words) > VOCABULARY_LIMIT:
            vocab = cls()  # (a new key: the groups kept under the old one are made again)
        kept.put("vocabulary", vocab)  # saved: it may grow
        return vocab

    def ids(self, terms) -> list[int]:
        out = []
        for t in terms:
            i = self.number.get(t)
            if i is None:
                i = self.number[t] = len(self.words)
                self.words.append(t)
            out.append(i)
        return out


VOCABULARY_LIMIT = 2_000_000  # terms; beyond, the vocabulary (and the kept groups' terms) start afresh


def _group_terms(g: Group, matchers, seen, vocab: _Vocabulary):
    """A group's terms as numbers: (every document's terms, their counts per document, its title terms,
    their counts), each an int32 array."""
    import numpy as np

    ids, lens, tids, tlens = [], [], [], []
    for d in g.docs:
        body = " ".join([d.text, *d.rows, d.index_text])
        title = d.title + " " + d.index_title
        tterms = terms_of(d.title) | terms_of(d.index_title)  # = terms_of(title), parts cached apart
        allterms = terms_of(d.text).union(*map(terms_of, d.rows), terms_of(d.index_text), tterms)

        def held(text: str = body + " " + title) -> tuple[int, ...]:
            folded = fold(text)
            return tuple(i for i, m in enumerate(matchers) if m.search(folded))

        if seen is None:
            found = held()
        else:
            found = seen.get(hashlib.blake2b((body + "\0" + title).encode("utf-8"), digest_size=16).digest(), held)
        every = allterms | {synonym_key(i) for i in found} if found else allterms
        ids += vocab.ids(every)
        lens.append(len(every))
        tids += vocab.ids(tterms)
        tlens.append(len(tterms))
    return (np.array(ids, np.int32), np.array(lens, np.int32), np.array(tids, np.int32), np.array(tlens, np.int32))


def shard_of(term: str, shards: int) -> int:
    """First UTF-16 code unit mod the shard count (search.js: term.charCodeAt(0) % shards)."""
    c = ord(term[0])
    if c > 0xFFFF:
        c = 0xD800 + ((c - 0x10000) >> 10)
    return c % shards


def write_files(folder: Path, meta: dict, table: dict[str, list], records: list[list]) -> Written:
    """Write meta.js, the term shards and the document chunks into ``folder`` (replacing what was there)."""
    total = sum(len(ids) for ids, _ in table.values())
    shards = max(8, min(1024, 1 << max(0, math.ceil(math.log2(max(1, total / SHARD_TARGET))))))
    buckets: list[list] = [[] for _ in range(shards)]
    for term in sorted(table):
        ids, tids = table[term]
        entry = [term, _deltas(ids)] + ([_deltas(tids)] if tids else [])
        buckets[shard_of(term, shards)].append(entry)
    files: dict[str, str] = {}
    for k, bucket in enumerate(buckets):
        files[f"t/{k}.js"] = _js(f"t/{k}", bucket)
    for j in range(0, len(records), CHUNK):
        files[f"d/{j // CHUNK}.js"] = _js(f"d/{j // CHUNK}", records[j:j + CHUNK])
    version = hashlib.sha256("".join(files[k] for k in sorted(files)).encode()).hexdigest()[:10]
    meta = {**meta, "v": version, "shards": shards}
    new = folder / f".{version}.new"
    if new.exists():
        shutil.rmtree(new)
    earlier = [d for d in folder.iterdir() if d.is_dir()] if folder.is_dir() else []
    (new / "t").mkdir(parents=True)
    (new / "d").mkdir()
    sizes = {}
    for rel, text in files.items():
        data = text.encode("utf-8")
        _write_or_link(new / rel, data, [d / rel for d in earlier])
        sizes[f"{version}/{rel}"] = len(data)
    for d in earlier:
        shutil.rmtree(d)
    new.rename(folder / version)
    data = _js("meta", meta).encode("utf-8")
    _write_or_link(folder / "meta.js", data, [])
    sizes["meta.js"] = len(data)
    return Written(folder, meta["n"], len(table), shards, sizes)


def _write_or_link(path: Path, data: bytes, earlier: list[Path]) -> None:
    """``path`` with these bytes: a hard link to an earlier file that has them (the offline zip then
    reuses its entry), else a new file. ``path`` itself is left alone if it has them, and otherwise
    replaced, never written into (the kept site shares its files with the published one)."""
    from .sitebuild import holds, replace_file

    for old in [path, *earlier]:
        if holds(old, data):
            try:
                if old != path:
                    os.link(old, path)
                return
            except OSError:
                continue
    replace_file(path, data)


def prepare(corpus: Corpus, data_dir: Path, workdir: Path) -> list[list[str]]:
    """Before MkDocs: check ``data/synonyms.yaml`` (BuildFailed with one line per problem) and give jieba
    the user dictionary generated from ``data/``; return the synonym groups for :func:`write_index`."""
    from .cache import Memo
    from .synonyms import load_synonyms
    here = Path(__file__).parent  # the forms each source holds, kept (under this code: fold, the rules)
    memo = Memo(workdir / "synonym-forms.pickle", "".join((here / f).read_text(encoding="utf-8") for f in ("search.py", "synonyms.py")))
    synonyms = load_synonyms(data_dir, corpus.sources, memo)
    memo.save()
    load_user_dict(write_user_dict(corpus, workdir / "jieba_user_dict.txt", synonyms))
    return synonyms


def shared_texts(corpus: Corpus) -> list[str]:
    """The texts of the provision documents that every language indexes alike (verbatim text, table rows,
    heading path): what :func:`terms_ahead` segments once for all languages."""
    out = []
    for ref in corpus.provisions:
        doc = provision_doc(ref, LANGS[0])
        out += [doc.text, *doc.rows, doc.index_text]
        if ref.path:
            out.append(doc.title)
    for lang in LANGS:  # the city names each language indexes as title words
        out += sorted({provision_doc(ref, lang).index_title for ref in corpus.provisions})
    return out


@dataclass
class TermsAhead:
    path: Path       # the segmented texts: {text: terms}, kept between builds
    wait: object     # () -> None: returns when the file is written
    terms: dict | None = None  # what the file holds, when it was read already

    def load(self) -> None:
        """Wait for the file, then add it to terms_of's cache (:func:`load_terms`)."""
        self.wait()
        if self.terms is not None:
            _TERMS.update(self.terms)
        else:
            load_terms(self.path)


def terms_ahead(corpus: Corpus, workdir: Path, user_dict: Path) -> TermsAhead:
    """Segment the provisions' texts (:func:`shared_texts`) in a forked process while the build goes on
    (the cross-links take the other core); the language builds load the result (:func:`load_terms`), so
    they only look terms up, and segment nothing twice. The file is kept in ``workdir`` between builds,
    keyed by the jieba user dictionary and this code: a rebuild segments only texts it has not seen, and
    forks nothing when it has seen them all. On one core it is done in turn."""
    import multiprocessing

    from .cache import keep_only, read_kept
    from .cores import spare_core

    key = hashlib.sha256(user_dict.read_bytes() + Path(__file__).read_bytes()).hexdigest()[:12]
    path = workdir / f"terms-{key}.pickle"
    texts = set(shared_texts(corpus))
    known = read_kept(path)
    if isinstance(known, dict) and texts <= known.keys():  # all segmented already: the kept file as it is
        if len(known) > 2 * len(texts):  # (less what many edits left behind)
            keep_only(path, {t: known[t] for t in texts})
        return TermsAhead(path, lambda: None, known)
    known = known if isinstance(known, dict) else {}

    def compute() -> None:
        keep_only(path, {t: known[t] if t in known else _terms(t) for t in sorted(texts)})

    if not spare_core():
        compute()
        return TermsAhead(path, lambda: None)
    proc = multiprocessing.get_context("fork").Process(target=compute)
    proc.start()
    return TermsAhead(path, proc.join)


def load_terms(path: Path) -> None:
    """Add the texts segmented ahead to terms_of's cache (none if the file is missing: terms_of segments
    on demand)."""
    from .cache import read_kept
    _TERMS.update(read_kept(path) or {})


def write_index(site: Path, corpus: Corpus, lang: Lang, synonyms: list[list[str]],
                directory_urls: bool = True, cache: Path | None = None) -> Written:
    """After MkDocs built one language into ``site``: write ``site/search/`` (see the module docstring).
    ``cache``: a file kept between builds of ``site`` in which :func:`collect` keeps what each page gave."""
    from .cache import Memo

    pages = Memo(cache, _DICT_KEY) if cache else None
    seen = Memo(cache.with_name(cache.name.replace("pages", "synonyms")), repr((synonyms, _DICT_KEY))) if cache else None
    runs = cache.with_name(cache.name.replace("pages", "runs")) if cache else None
    if runs:
        load_runs(runs)
    terms = Memo(cache.with_name(cache.name.replace("pages", "terms")), repr((synonyms, _DICT_KEY))) if cache else None
    groups = collect(site, corpus, lang, directory_urls, pages)
    meta, table, records = build_index(groups, synonyms, seen, terms)
    for memo in (pages, seen, terms):
        if memo:
            memo.save()
    if runs:
        keep_runs(runs)
    meta["lang"] = lang.code
    return write_files(site / "search", meta, table, records)
