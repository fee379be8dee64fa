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
4. Score of a candidate pair: a logistic combination (``WEIGHTS``) of the provisions' cosine, the best
   sentence pair's cosine and the rarity of the rarest word the two provisions share (its idf over the
   largest idf this corpus can give, so the weight does not drift with corpus size); the weights are fitted
   on the tuning files by ``python bench/tune_links.py --fit``. A pair is linked when the score is at least
   ``THRESHOLD`` and the two share a substantive topic (not only overview/governance), or at least
   ``THRESHOLD_ANY`` without one. Tables and very short provisions (headings, names) are not linked.
5. Each provision keeps its ``TOP_K`` best links, best first; ``data/links.yaml`` pins or suppresses pairs.
6. What readers see: the matching sentence of the other provision, its shared words highlighted (whole
   jieba words, longest first), shared topics and a plain strength (``strength``), never the raw score.

Quality is measured on pairs labelled by reading (tests/links_labelled.yaml, bench/links_random_sample.yaml,
bench/links_sample_2026-12.yaml for fitting, bench/links_sample_2026-12b.yaml held out; python bench/tune_links.py).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

# score = sigmoid(b + w_p * provision cosine + w_s * best sentence cosine + w_r * rarity of the rarest shared
# word); python bench/tune_links.py --fit prints them and the threshold for 5% of unrelated tuning pairs
WEIGHTS = (-5.51, 3.94, 5.27, 4.45)  # b, w_p, w_s, w_r
THRESHOLD = 0.61
THRESHOLD_ANY = 0.9
TOP_K = 5
CANDIDATES = 12  # neighbours kept per provision and per sentence before scoring
MAX_DF = 0.2
MIN_CHARS = 8
MIN_SENTENCE_CHARS = 6
CHUNK = 512  # rows per sparse product
PROBE_TERMS = 8  # candidates are found through each row's strongest words only ...
PROBE_POSTINGS = 1000  # ... and words shared by at most this many rows (exact scores are computed after)
STRENGTH = ((0.85, "high"), (0.7, "medium"), (0.0, "partial"))
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


@lru_cache(maxsize=100_000)
def to_simplified(text: str) -> str:
    return _converter("t2s").convert(text)


@lru_cache(maxsize=100_000)
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
    return list(_words(text, tok))


@lru_cache(maxsize=200_000)
def _words(text: str, tok) -> tuple[str, ...]:
    out: list[str] = []
    for run in _CJK.findall(text):
        out.extend(w for w in tok.cut_for_search(run, HMM=False) if len(w) >= 2 and w not in STOP)
    out.extend(w.upper() for w in _LATIN.findall(text))
    return tuple(out)


def sentences(prov, script: str) -> list[tuple[str, str]]:
    """(verbatim sentence, its Simplified matching text) for every sentence of the provision."""
    out = []
    for m in _SENTENCE.finditer(prov.text):
        shown = m.group(0).strip()
        text = shown
        if prov.responsibility_quote and prov.responsibility_quote in text:
            text = text.replace(prov.responsibility_quote, "")
        out.append((shown, to_simplified(text) if script == "traditional" else text))
    return out


def _long_enough(text: str) -> bool:
    return len("".join(_CJK.findall(text))) >= MIN_SENTENCE_CHARS


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
    for floor, name in STRENGTH:
        if score >= floor:
            return name
    return STRENGTH[-1][1]


def eligible(ref) -> bool:
    p = ref.provision
    return not p.table and len(p.text) >= MIN_CHARS and bool(set(p.topics) - GENERIC_TOPICS)


def is_match(score: float, shared_topics: set[str]) -> bool:
    return score >= THRESHOLD_ANY or (score >= THRESHOLD and bool(shared_topics - GENERIC_TOPICS))


def _probe(X):
    """A copy of X for finding candidates: each row keeps its PROBE_TERMS heaviest words, and words held by
    more than PROBE_POSTINGS rows are left out, so each row meets a bounded number of others."""
    import numpy as np
    X = X.tocsr(copy=True)
    df = np.bincount(X.indices, minlength=X.shape[1])
    X.data[df[X.indices] > max(PROBE_POSTINGS, 1)] = 0
    for r in range(X.shape[0]):
        lo, hi = X.indptr[r], X.indptr[r + 1]
        if hi - lo > PROBE_TERMS:
            row = X.data[lo:hi]
            order = np.lexsort((X.indices[lo:hi], -row))
            row[order[PROBE_TERMS:]] = 0
    X.eliminate_zeros()
    return X


def _exact(X, rows, cols, chunk: int = 200_000):
    """Cosine of X[rows[n]] and X[cols[n]] for every n, in bulk."""
    import numpy as np
    out = np.empty(len(rows), dtype=np.float32)
    for lo in range(0, len(rows), chunk):
        hi = lo + chunk
        out[lo:hi] = np.asarray(X[rows[lo:hi]].multiply(X[cols[lo:hi]]).sum(axis=1)).ravel()
    return out


BUCKETS = 256  # value buckets of _may_be_among_best


def _may_be_among_best(rows, vals, n_rows: int, keep: int):
    """A mask of the entries that may be among the ``keep`` largest values of their row (all of those, and
    the others of the bucket the keep-th falls in): values are counted in BUCKETS buckets per row, so only
    a few dozen entries a row are sorted instead of hundreds. The sort after it gives the same order."""
    import numpy as np
    if not len(rows):
        return np.zeros(0, bool)
    bucket = BUCKETS - 1 - np.clip((vals * BUCKETS).astype(np.int64), 0, BUCKETS - 1)  # 0: the largest values
    counts = np.bincount(rows * BUCKETS + bucket, minlength=n_rows * BUCKETS).reshape(n_rows, BUCKETS)
    running = np.cumsum(counts, axis=1)
    limit = np.where(running[:, -1] >= keep, np.argmax(running >= keep, axis=1), BUCKETS - 1)
    return bucket <= limit[rows]


def _by_row_best_first(rows, cols, vals, n_cols: int):
    """(rows, cols) ordered by row, then value (largest first), then column: what
    ``np.lexsort((cols, -vals, rows))`` gives, by one sort of a 64-bit key (row, inverted value bits, column)
    where it fits (values are non-negative float32, whose bit patterns order like the values)."""
    import numpy as np
    col_bits = max(1, int(n_cols - 1).bit_length())
    row_bits = max(1, int(rows.max()).bit_length()) if len(rows) else 1
    if row_bits + 32 + col_bits > 64:
        order = np.lexsort((cols, -vals, rows))
        return rows[order], cols[order]
    inverted = (~vals.astype(np.float32).view(np.uint32)).astype(np.uint64)
    key = (rows.astype(np.uint64) << np.uint64(32 + col_bits)) | (inverted << np.uint64(col_bits)) | cols.astype(np.uint64)
    key.sort()
    return (key >> np.uint64(32 + col_bits)).astype(np.int64), (key & np.uint64((1 << col_bits) - 1)).astype(np.int64)


def _rank_in_row(rows):
    """Each entry's place in its row (0 for the first) when the entries are sorted by row."""
    import numpy as np
    if not len(rows):
        return np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    return np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))


def _top_neighbours(X, owner, plan_of, k: int, chunk: int = CHUNK):
    """For each row of X: its k best rows owned by another plan, found through the probe copy of X and
    scored exactly on X. Returns (rows, cols, cosines), each row's best first, ties by column order (rows are
    in stable ID order)."""
    import numpy as np
    probe = _probe(X)
    PT = probe.T.tocsr()
    R, Cs = [], []
    for start in range(0, X.shape[0], chunk):
        C = (probe[start:start + chunk] @ PT).tocoo()
        keep = plan_of[owner[C.col]] != plan_of[owner[C.row + start]]
        rows, cols, vals = C.row[keep], C.col[keep], C.data[keep]
        likely = _may_be_among_best(rows, vals, C.shape[0], 2 * k)
        rows, cols = _by_row_best_first(rows[likely], cols[likely], vals[likely], X.shape[0])
        rows += start
        take = _rank_in_row(rows) < 2 * k  # a margin: the probe's order is close to, not the same as, the exact one
        R.append(rows[take])
        Cs.append(cols[take])
    rows = np.concatenate(R) if R else np.zeros(0, np.int64)
    cols = np.concatenate(Cs) if Cs else np.zeros(0, np.int64)
    exact = _exact(X, rows, cols)
    order = np.lexsort((cols, -exact, rows))
    rows, cols, exact = rows[order], cols[order], exact[order]
    take = _rank_in_row(rows) < k
    return rows[take], cols[take], exact[take]


class Index:
    """The matching features of a corpus: provision and sentence TF-IDF matrices and their owners."""

    def __init__(self, items, words: tuple[str, ...] = ()):
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer
        self.items = items
        self.tok = _tokenizer(tuple(sorted({to_simplified(w) for w in words})))
        self.texts = [match_text(r.provision, r.plan.script) for r in items]
        every = [sentences(r.provision, r.plan.script) for r in items]
        # a provision's words are its sentences' words: each text is segmented once
        prov_tokens = [[w for _, t in ss for w in _words(t, self.tok)] for ss in every]
        self.sents = [[s for s in ss if _long_enough(s[1])] for ss in every]
        plans = {pid: n for n, pid in enumerate(sorted({r.plan.id for r in items}))}
        self.plan_of = np.array([plans[r.plan.id] for r in items], dtype=np.int64)
        self.sent_owner = np.array([i for i, ss in enumerate(self.sents) for _ in ss], dtype=np.int64)
        self.first_sentence = [0] * len(items)  # global number of each provision's first sentence
        for i in range(1, len(items)):
            self.first_sentence[i] = self.first_sentence[i - 1] + len(self.sents[i - 1])
        sent_tokens = [_words(s, self.tok) for ss in self.sents for _, s in ss]
        self.prov_tokens = prov_tokens
        self.prov_words = [frozenset(t) for t in prov_tokens]  # each provision's words, built once
        self._rank = None
        self.P = None
        for max_df in ((MAX_DF, 1.0) if len(items) > 20 else (1.0,)) if items else ():
            self.vec = TfidfVectorizer(analyzer=lambda toks: toks, sublinear_tf=True, max_df=max_df, dtype=np.float32)
            try:
                self.P = self.vec.fit_transform(prov_tokens).tocsr()
                break
            except ValueError:  # every word is common (a tiny or uniform corpus): keep them all
                continue
        self.S = self.vec.transform(sent_tokens).tocsr() if sent_tokens and self.P is not None else None
        self.idf = dict(zip(self.vec.get_feature_names_out(), self.vec.idf_)) if self.P is not None else {}
        # the largest idf a word can have here (held by one provision): rarity = idf / this, in (0, 1]
        self.idf_top = math.log((1 + len(items)) / 2) + 1 if items else 1.0

    @property
    def rank(self) -> dict[str, int]:
        """Every word's place in the order shared words are shown in: weightiest (idf × length) first, then
        by the word."""
        if self._rank is None:
            words = set().union(*self.prov_words) if self.prov_words else set()
            order = sorted(words, key=lambda w: (-self.idf.get(w, 0.0) * len(w), w))
            self._rank = {w: n for n, w in enumerate(order)}
        return self._rank

    def rarities(self, pairs: list[tuple[int, int]]) -> list[float]:
        """For each pair (i, j) of provisions: the rarest word both hold, as its idf over the largest
        possible one (0: none), by one sparse product (the words a provision holds are the nonzeros of its
        row of P: every weight is positive)."""
        import numpy as np
        if not pairs or self.P is None:
            return [0.0] * len(pairs)
        held = self.P.copy()
        held.data[:] = 1
        weighted = held.multiply(self.vec.idf_.astype(held.dtype)).tocsr()
        I = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
        J = np.fromiter((j for _, j in pairs), dtype=np.int64, count=len(pairs))
        top = np.asarray(weighted[I].multiply(held[J]).max(axis=1).todense()).ravel()
        return [0.0 if t == 0 else t / self.idf_top for t in top]

    def candidates(self, k: int = CANDIDATES) -> dict[tuple[int, int], tuple[float, float, int, int]]:
        """(i, j) with i < j -> (provision cosine, best sentence cosine, sentence of i, sentence of j)."""
        import numpy as np
        best: dict[tuple[int, int], list] = {}
        if self.P is None:
            return {}
        own = np.arange(len(self.items))
        rows, cols, vals = _top_neighbours(self.P, own, self.plan_of, k)
        for i, j, v in zip(rows.tolist(), cols.tolist(), vals.tolist()):
            key = (i, j) if i < j else (j, i)
            best.setdefault(key, [0.0, 0.0, -1, -1])[0] = float(v)
        if self.S is not None:
            rows, cols, vals = _top_neighbours(self.S, self.sent_owner, self.plan_of, k)
            owners_r, owners_c = self.sent_owner[rows].tolist(), self.sent_owner[cols].tolist()
            for s, t, i, j, v in zip(rows.tolist(), cols.tolist(), owners_r, owners_c, vals.tolist()):
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
        return self.sents[i][s - self.first_sentence[i]]


def score(prov_cos: float, sent_cos: float, rarity: float) -> float:
    b, wp, ws, wr = WEIGHTS
    return 1.0 / (1.0 + math.exp(-(b + wp * prov_cos + ws * sent_cos + wr * rarity)))


def shared_terms(wa: set[str], wb: set[str], b: str, shown_b: str, index: Index, limit: int = 5) -> tuple[str, ...]:
    """Words both sides use (``wa``, ``wb``), rarest first, as ``shown_b`` writes them (``b`` is its
    Simplified matching text); a word inside a longer shared word is left out (家庭医生签约服务 rather than
    家庭医生 and 签约)."""
    common = sorted(wa & wb, key=index.rank.__getitem__)
    every = "\0".join(common)
    out = []
    for w in common:  # found again in the joined words: inside a longer one, not shown
        if every.count(w) > 1:
            continue
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
    scored: dict[int, list[tuple]] = {}
    candidates = sorted(index.candidates().items())
    rarities = index.rarities([pair for pair, _ in candidates])
    for ((i, j), (pc, sc, si, sj)), rarity in zip(candidates, rarities):
        a, b = items[i], items[j]
        if frozenset((a.id, b.id)) in blocked:
            continue
        s = round(score(pc, sc, rarity), 3)
        topics = tuple(sorted(set(a.provision.topics) & set(b.provision.topics) - GENERIC_TOPICS))
        if not is_match(s, set(topics)):
            continue
        by_sentence = sc > pc and si >= 0  # the shown words come from the best sentence pair
        scored.setdefault(i, []).append((s, j, topics, by_sentence, si, sj))
        scored.setdefault(j, []).append((s, i, topics, by_sentence, sj, si))
    out: dict[str, list[Link]] = {r.id: [] for r in refs}
    for x, found in scored.items():
        found.sort(key=lambda f: (-f[0], items[f[1]].id))
        for s, y, topics, by_sentence, sx, sy in found[:TOP_K]:
            out[items[x].id].append(_link(index, x, y, s, topics, by_sentence, sx, sy))
    for a_id, b_id in pins:
        a, b = by_id[a_id], by_id[b_id]
        topics = tuple(sorted(set(a.provision.topics) & set(b.provision.topics)))
        for x, y in ((a, b), (b, a)):
            out[x.id] = [l for l in out[x.id] if l.target != y.id]
            out[x.id].insert(0, Link(x.id, y.id, 1.0, topics, (), pinned=True, strength="high"))
    return {k: sorted(v, key=lambda l: (not l.pinned, -l.score, l.target))[:TOP_K] for k, v in out.items()}


def _link(index: Index, x: int, y: int, s: float, topics, by_sentence: bool, sx: int, sy: int) -> Link:
    """The link from provision x to y: shared words of the best sentence pair (or of the whole texts)."""
    src, dst = index.items[x], index.items[y]
    snippet = index.sentence(y, sy)[0] if sy >= 0 else ""
    if by_sentence:
        text_x, text_y = index.sentence(x, sx)[1], index.sentence(y, sy)[1]
        shown_y = snippet
        wa, wb = set(_words(text_x, index.tok)), set(_words(text_y, index.tok))
    else:
        text_y = index.texts[y]
        shown_y = dst.provision.text
        if dst.provision.responsibility_quote:
            shown_y = shown_y.replace(dst.provision.responsibility_quote, "")
        wa, wb = index.prov_words[x], index.prov_words[y]
    terms = shared_terms(wa, wb, text_y, shown_y, index)
    return Link(src.id, dst.id, s, topics, terms, snippet=snippet, strength=strength(s))
