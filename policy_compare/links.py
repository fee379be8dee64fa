"""Cross-links between matching provisions of different plans.

Method (documented on the About page and in README):
1. Text for matching: the provision text without its responsibility parenthesis, Traditional converted
   to Simplified (OpenCC t2s) so Lishui matches the others. Each provision is also cut into sentences
   (at 。；！？), so a short measure can be found inside a long omnibus paragraph of another plan.
2. Features: words from jieba (search mode, so a compound also yields its parts; the catalogue names are
   kept whole through a user dictionary), minus generic policy verbs; TF-IDF weighted (scikit-learn,
   sublinear tf, smoothed idf over all provisions; words in more than ``MAX_DF`` of the provisions are
   dropped), L2-normalised, for whole provisions and for sentences.
3. Candidates without comparing every pair: sparse matrix products (provisions × provisions and
   sentences × sentences), computed in chunks of rows, keep for each row only its ``CANDIDATES`` best
   neighbours in other plans. Cost grows with the number of rows times the neighbours they share words
   with, memory with one chunk; ties are broken by stable IDs, so two runs give the same links.
4. Score of a candidate pair: the larger of the provisions' cosine and ``SENTENCE_WEIGHT`` × the best
   sentence pair's cosine. A pair is linked when the score is at least ``THRESHOLD`` and the two share a
   substantive topic (not only overview/governance), or at least ``THRESHOLD_ANY`` without one. Tables and
   very short provisions (headings, names) are not linked.
5. Each provision keeps its ``TOP_K`` best links, best first; ``data/links.yaml`` pins or suppresses pairs.
6. What readers see: the matching sentence of the other provision, its shared words highlighted (whole
   jieba words, longest first), shared topics and a plain strength (``strength``), never the raw score.

Quality is measured on pairs labelled by reading (tests/links_labelled.yaml, bench/links_random_sample.yaml
and bench/links_sample_2026-12.yaml; python bench/tune_links.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

THRESHOLD = 0.30
THRESHOLD_ANY = 0.55
SENTENCE_WEIGHT = 1.0
TOP_K = 5
CANDIDATES = 12  # neighbours kept per provision and per sentence before scoring
MAX_DF = 0.2
MIN_CHARS = 8
MIN_SENTENCE_CHARS = 6
CHUNK = 512  # rows per sparse product
STRENGTH = ((0.5, "high"), (0.35, "medium"), (0.0, "partial"))
GENERIC_TOPICS = {"overview", "governance"}

# Verbs and nouns every plan uses for every measure: they say nothing about which measure it is.
STOP = frozenset("""
推进 推动 加强 加快 完善 健全 建立 建设 开展 实施 提高 提升 强化 落实 深化 促进 支持 鼓励 积极 全面 进一步
持续 不断 深入 大力 切实 着力 有效 逐步 稳步 加大 力度 工作 机制 体系 制度 服务 管理 能力 水平 发展 工程
行动 项目 政策 措施 相关 有关 各级 各类 全市 我市 市级 以上 以下 达到 实现 形成 保持 基本 重点 主要 分别
明显 显著 规范 标准 质量 健康 卫生 医疗 构建 打造 提供 开展 引导 探索 做好 做实 统筹 优化 创新 综合 覆盖
人群 居民 群众 人民 社会 部门 单位 机构 责任 主体 牵头 配合 负责 职责 分工 市委 市政府 年度 到位
""".split())

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[A-Za-z]{2,}")
_SENTENCE = re.compile(r"[^。；;！!？?]+[。；;！!？?]?")


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


@lru_cache(maxsize=8)
def _tokenizer(words: tuple[str, ...] = ()):
    import warnings
    with warnings.catch_warnings():  # jieba imports pkg_resources (setuptools<81 is pinned for it)
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(60)
    tok = jieba.Tokenizer()
    for w in words:
        tok.add_word(w, freq=50000)
    return tok


def words_of(text: str, tok) -> list[str]:
    """jieba words (search mode: compounds and their parts) of a Simplified text, generic words dropped."""
    out: list[str] = []
    for run in _CJK.findall(text):
        out.extend(w for w in tok.cut_for_search(run) if len(w) >= 2 and w not in STOP)
    out.extend(w.upper() for w in _LATIN.findall(text))
    return out


def sentences(prov, script: str) -> list[tuple[str, str]]:
    """(verbatim sentence, its Simplified matching text) for each sentence long enough to carry a measure."""
    out = []
    for m in _SENTENCE.finditer(prov.text):
        shown = m.group(0).strip()
        text = shown
        if prov.responsibility_quote and prov.responsibility_quote in text:
            text = text.replace(prov.responsibility_quote, "")
        text = to_simplified(text) if script == "traditional" else text
        if len("".join(_CJK.findall(text))) >= MIN_SENTENCE_CHARS:
            out.append((shown, text))
    return out


@dataclass(frozen=True)
class Link:
    source: str  # global provision ID
    target: str
    score: float
    topics: tuple[str, ...]
    terms: tuple[str, ...]  # shared words, as the target's text writes them
    pinned: bool = False
    snippet: str = ""  # the target's sentence that matched best (verbatim)
    strength: str = ""  # "high" | "medium" | "partial" (see STRENGTH)


def strength(score: float) -> str:
    return next(name for floor, name in STRENGTH if score >= floor)


def eligible(ref) -> bool:
    p = ref.provision
    return not p.table and len(p.text) >= MIN_CHARS and bool(set(p.topics) - GENERIC_TOPICS)


def is_match(score: float, shared_topics: set[str]) -> bool:
    return score >= THRESHOLD_ANY or (score >= THRESHOLD and bool(shared_topics - GENERIC_TOPICS))


def _top_neighbours(X, owner, plan_of, k: int, chunk: int = CHUNK):
    """For each row of X: its k best rows (by cosine) owned by another plan. Yields (row, cols, values),
    best first, ties by column order (rows are in stable ID order)."""
    import numpy as np
    XT = X.T.tocsr()
    for start in range(0, X.shape[0], chunk):
        C = (X[start:start + chunk] @ XT).tocsr()
        for r in range(C.shape[0]):
            lo, hi = C.indptr[r], C.indptr[r + 1]
            cols, vals = C.indices[lo:hi], C.data[lo:hi]
            keep = plan_of[owner[cols]] != plan_of[owner[start + r]]
            cols, vals = cols[keep], vals[keep]
            if not len(cols):
                continue
            order = np.lexsort((cols, -vals))[:k]
            yield start + r, cols[order], vals[order]


class Index:
    """The matching features of a corpus: provision and sentence TF-IDF matrices and their owners."""

    def __init__(self, items, words: tuple[str, ...] = ()):
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer
        self.items = items
        self.tok = _tokenizer(tuple(sorted({to_simplified(w) for w in words})))
        self.texts = [match_text(r.provision, r.plan.script) for r in items]
        self.sents = [sentences(r.provision, r.plan.script) for r in items]
        plans = {pid: n for n, pid in enumerate(sorted({r.plan.id for r in items}))}
        self.plan_of = np.array([plans[r.plan.id] for r in items], dtype=np.int64)
        prov_tokens = [words_of(t, self.tok) for t in self.texts]
        self.sent_owner = np.array([i for i, ss in enumerate(self.sents) for _ in ss], dtype=np.int64)
        sent_tokens = [words_of(s, self.tok) for ss in self.sents for _, s in ss]
        self.vec = TfidfVectorizer(analyzer=lambda toks: toks, sublinear_tf=True, max_df=MAX_DF if len(items) > 20 else 1.0,
                                   dtype=np.float32)
        self.P = self.vec.fit_transform(prov_tokens).tocsr() if items else None
        self.S = self.vec.transform(sent_tokens).tocsr() if sent_tokens else None
        self.idf = dict(zip(self.vec.get_feature_names_out(), self.vec.idf_)) if items else {}

    def candidates(self, k: int = CANDIDATES) -> dict[tuple[int, int], tuple[float, float, int, int]]:
        """(i, j) with i < j -> (provision cosine, best sentence cosine, sentence of i, sentence of j)."""
        import numpy as np
        best: dict[tuple[int, int], list] = {}
        if not self.items:
            return {}
        own = np.arange(len(self.items))
        for i, cols, vals in _top_neighbours(self.P, own, self.plan_of, k):
            for j, v in zip(cols.tolist(), vals.tolist()):
                key = (i, j) if i < j else (j, i)
                best.setdefault(key, [0.0, 0.0, -1, -1])[0] = float(v)
        if self.S is not None:
            for s, cols, vals in _top_neighbours(self.S, self.sent_owner, self.plan_of, k):
                i = int(self.sent_owner[s])
                for t, v in zip(cols.tolist(), vals.tolist()):
                    j = int(self.sent_owner[t])
                    key, pair = ((i, j), (s, t)) if i < j else ((j, i), (t, s))
                    entry = best.setdefault(key, [None, 0.0, -1, -1])
                    if v > entry[1] or (v == entry[1] and entry[2] >= 0 and pair < (entry[2], entry[3])):
                        entry[1], entry[2], entry[3] = float(v), pair[0], pair[1]
        missing = [key for key, e in best.items() if e[0] is None]
        if missing:  # provision cosine for pairs found through a sentence only
            I = np.array([a for a, _ in missing])
            J = np.array([b for _, b in missing])
            cos = np.asarray(self.P[I].multiply(self.P[J]).sum(axis=1)).ravel()
            for key, c in zip(missing, cos.tolist()):
                best[key][0] = float(c)
        return {key: tuple(e) for key, e in best.items()}

    def sentence(self, i: int, s: int) -> tuple[str, str]:
        """(verbatim, matching text) of global sentence s, which belongs to provision i."""
        offset = s - self._first_sentence(i)
        return self.sents[i][offset]

    def _first_sentence(self, i: int) -> int:
        import numpy as np
        return int(np.searchsorted(self.sent_owner, i, side="left"))


def score(prov_cos: float, sent_cos: float) -> float:
    return max(prov_cos, SENTENCE_WEIGHT * sent_cos)


def shared_terms(a: str, b: str, shown_b: str, index: Index, limit: int = 5) -> tuple[str, ...]:
    """Words both texts use, rarest first, as ``shown_b`` writes them; a word inside a longer shared word
    is left out (家庭医生签约服务 rather than 家庭医生 and 签约)."""
    wa, wb = set(words_of(a, index.tok)), set(words_of(b, index.tok))
    common = sorted(wa & wb, key=lambda w: (-index.idf.get(w, 0.0) * len(w), w))
    kept: list[str] = []
    for w in sorted(common, key=lambda w: (-len(w), w)):
        if not any(w in k for k in kept):
            kept.append(w)
    ranked = [w for w in common if w in kept]
    out = []
    for w in ranked:
        shown = _as_written(w, b, shown_b)
        if shown:
            out.append(shown)
        if len(out) == limit:
            break
    return tuple(out)


def _as_written(word: str, simple: str, shown: str) -> str:
    """The form of a Simplified word in the verbatim text (Traditional for Lishui), or '' if not found."""
    if word in shown:
        return word
    pos = simple.find(word)
    if pos >= 0 and to_simplified(shown) == simple and len(simple) == len(shown):
        return shown[pos:pos + len(word)]
    trad = to_traditional(word)
    return trad if trad in shown else ""


def compute_links(refs, pins: list[tuple[str, str]] = (), suppress: list[tuple[str, str]] = (),
                  words: tuple[str, ...] = ()) -> dict[str, list[Link]]:
    """Per provision ID, its links to other plans, best first."""
    by_id = {r.id: r for r in refs}
    items = sorted((r for r in refs if eligible(r)), key=lambda r: r.id)
    index = Index(items, tuple(words))
    blocked = {frozenset(p) for p in suppress}
    candidates: dict[str, list[Link]] = {r.id: [] for r in refs}
    for (i, j), (pc, sc, si, sj) in sorted(index.candidates().items()):
        a, b = items[i], items[j]
        if frozenset((a.id, b.id)) in blocked:
            continue
        s = round(score(pc, sc), 3)
        topics = set(a.provision.topics) & set(b.provision.topics)
        if not is_match(s, topics):
            continue
        by_sentence = SENTENCE_WEIGHT * sc > pc and si >= 0
        for x, y, sx, sy in ((i, j, si, sj), (j, i, sj, si)):
            src, dst = items[x], items[y]
            if by_sentence:
                _, text_x = index.sentence(x, sx)
                shown_y, text_y = index.sentence(y, sy)
            else:
                text_x, text_y = index.texts[x], index.texts[y]
                shown_y = dst.provision.text
                if dst.provision.responsibility_quote:
                    shown_y = shown_y.replace(dst.provision.responsibility_quote, "")
            terms = shared_terms(text_x, text_y, shown_y, index)
            snippet = index.sentence(y, sy)[0] if si >= 0 else ""
            candidates[src.id].append(Link(src.id, dst.id, s, tuple(sorted(topics - GENERIC_TOPICS)), terms,
                                           snippet=snippet, strength=strength(s)))
    for a_id, b_id in pins:
        a, b = by_id[a_id], by_id[b_id]
        topics = tuple(sorted(set(a.provision.topics) & set(b.provision.topics)))
        for x, y in ((a, b), (b, a)):
            candidates[x.id] = [l for l in candidates[x.id] if l.target != y.id]
            candidates[x.id].insert(0, Link(x.id, y.id, 1.0, topics, (), pinned=True, strength="high"))
    return {k: sorted(v, key=lambda l: (not l.pinned, -l.score, l.target))[:TOP_K] for k, v in candidates.items()}
