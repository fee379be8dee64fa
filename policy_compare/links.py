"""Cross-links between matching provisions of different plans.

Method (documented on the About page and in README):
1. Text for matching: the provision text without its responsibility parenthesis, Traditional converted
   to Simplified (OpenCC t2s) so Lishui matches the others. Each provision is also cut into sentences
   (at 。；！？), so a short measure can be found inside a long omnibus paragraph of another plan.
2. Features: words from jieba (search mode, so a compound also yields its parts; the catalogue names are
   kept whole through a user dictionary), minus generic policy verbs; TF-IDF weighted (scikit-learn's
   formula: sublinear tf, smoothed idf over all provisions, but with counts read on a grid, ``quantized``;
   words in more than ``MAX_DF`` of the provisions are dropped), L2-normalised, for whole provisions and
   for sentences.
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
   What one build computed (:class:`Kept`) lets the next compute only what an edit can reach
   (:func:`update_links`, :mod:`.neighbours`), with the same links as computing everything.
6. What readers see: the matching sentence of the other provision, its shared words highlighted (whole
   jieba words, longest first), shared topics and a plain strength (``strength``), never the raw score.

Quality is measured on pairs labelled by reading (tests/links_labelled.yaml, bench/links_random_sample.yaml,
bench/links_sample_2026-12.yaml for fitting, bench/links_sample_2026-12b.yaml held out; python bench/tune_links.py).
"""
from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

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
REUSE_UP_TO = 0.1  # an edit reaching more than this share of the rows recomputes every neighbour list
last_run: dict = {}  # how the last update_links went: "reused" (bool), rows and pairs computed again
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


@lru_cache(maxsize=200_000)
def _words(text: str, tok) -> tuple[str, ...]:
    out: list[str] = []
    for run in _CJK.findall(text):
        out.extend(w for w in tok.cut_for_search(run, HMM=False) if len(w) >= 2 and w not in STOP)
    out.extend(w.upper() for w in _LATIN.findall(text))
    return tuple(map(sys.intern, out))  # one object per word: what a build keeps (Kept) stores each once


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


class Link(NamedTuple):  # a named tuple: tens of thousands are kept between builds and read back
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


def may_link(ref) -> bool:
    """Whether a provision is linked once it has a substantive topic (:func:`eligible`)."""
    p = ref.provision
    return not p.table and len(p.text) >= MIN_CHARS


def eligible(ref) -> bool:
    return may_link(ref) and bool(set(ref.provision.topics) - GENERIC_TOPICS)


def is_match(score: float, shared_topics: set[str]) -> bool:
    return score >= THRESHOLD_ANY or (score >= THRESHOLD and bool(shared_topics - GENERIC_TOPICS))


IDF_EXACT = 16  # document frequencies up to this count exactly in the idf ...
IDF_STEPS = 8  # ... larger ones (and the corpus size) on a grid of this many steps per doubling


def quantized(n: int) -> float:
    """A count as the idf reads it: exact up to IDF_EXACT, then the grid point at or below it (steps of 9%).
    One edit moves a common word's count without moving its weight, so it changes no other provision's
    vector, and cross-links can be kept for the provisions an edit cannot reach (:func:`update_links`)."""
    if n <= IDF_EXACT:
        return float(n)
    return IDF_EXACT * 2.0 ** (math.floor(IDF_STEPS * math.log2(n / IDF_EXACT) + 1e-9) / IDF_STEPS)


def idf_of(df: int, n: int) -> float:
    """Smoothed idf (scikit-learn's formula) over the quantized counts."""
    return math.log((1 + quantized(n)) / (1 + quantized(df))) + 1


def _counts(rows, words, W: int):
    """Each distinct (row, word ID) as ``row * W + word``, ascending, and its count."""
    import numpy as np
    return np.unique(rows.astype(np.int64) * W + words, return_counts=True)


def _weights(key, counts, n_rows: int, col_of, idf):
    """A CSR matrix of sublinear-tf × idf weights, L2-normalised rows, float32, from :func:`_counts` (a word
    ID's column is ``col_of[id]``, -1: none). Columns are in word order; each row's weights depend on its
    own words and their idf only."""
    import numpy as np
    from scipy.sparse import csr_matrix
    W = max(len(col_of), 1)
    r, c = key // W, col_of[key % W]
    known = c >= 0
    r, c, counts = r[known], c[known], counts[known]
    order = np.lexsort((c, r))
    r, c, counts = r[order], c[order], counts[order]
    data = (1.0 + np.log(counts)) * idf[c]
    norm = np.sqrt(np.bincount(r, weights=data * data, minlength=n_rows))
    data = (data / norm[r]).astype(np.float32)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(r, minlength=n_rows), out=indptr[1:])
    return csr_matrix((data, c.astype(np.int32), indptr), shape=(n_rows, len(idf)))


def _fingerprint(ref) -> bytes:
    """A hash of what a provision's words are made from."""
    import hashlib
    p = ref.provision
    return hashlib.blake2b("\0".join((ref.plan.id, ref.plan.script, p.text, p.responsibility_quote or "")).encode(),
                           digest_size=12).digest()


@dataclass
class Tokens:
    """The words of every provision, sentence by sentence, as word IDs (``words[id]``; IDs are only ever
    added, so a build reuses the last one's for the provisions that did not change)."""

    words: list            # the word of each ID
    ids: list              # provision IDs, in order
    fingerprints: list     # what each provision's words were made from (_fingerprint)
    tok_off: object        # each provision's first token in ``flat`` (one more at the end)
    flat: object           # the word ID of every token, provision after provision, sentence after sentence
    sent_off: object       # each provision's first sentence in ``sent_len`` and ``long`` (one more at the end)
    sent_len: object       # tokens of each sentence (every sentence of every provision)
    long: object           # whether the sentence is long enough to be matched on its own


class _Sentences:
    """Each provision's matching sentences, (verbatim, matching text), made when asked for."""

    def __init__(self, items):
        self.items, self._made = items, {}

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i: int):
        if i not in self._made:
            r = self.items[i]
            self._made[i] = [s for s in sentences(r.provision, r.plan.script) if _long_enough(s[1])]
        return self._made[i]


class Index:
    """The matching features of a corpus: provision and sentence TF-IDF matrices and their owners.
    ``kept``: the :class:`Tokens` of an earlier build (with the same user words), reused for the provisions
    that did not change: only changed provisions are segmented."""

    def __init__(self, items, words: tuple[str, ...] = (), kept: Tokens | None = None, pool=()):
        """``pool``: more provisions whose words :attr:`tokens` keeps for a later build (those that may become
        eligible by a topic edit), segmented now but not matched."""
        import numpy as np
        self.items = items
        self._user_words = tuple(sorted({to_simplified(w) for w in words}))
        self._tok = None
        self.sents = _Sentences(items)
        n = len(items)
        self.fingerprints = [_fingerprint(r) for r in items]
        mine = {r.id for r in items}
        extra = [r for r in pool if r.id not in mine]
        every_fp = self.fingerprints + [_fingerprint(r) for r in extra]
        word_list = list(kept.words) if kept is not None else []
        word_id = {w: i for i, w in enumerate(word_list)}
        old_at = {pid: k for k, pid in enumerate(kept.ids)} if kept is not None else {}
        flats, lens, longs = [], [], []
        for r, fp in zip([*items, *extra], every_fp):  # items first: theirs are the first rows of the arrays
            k = old_at.get(r.id)
            if k is not None and kept.fingerprints[k] == fp:
                flats.append(kept.flat[kept.tok_off[k]:kept.tok_off[k + 1]])
                lens.append(kept.sent_len[kept.sent_off[k]:kept.sent_off[k + 1]])
                longs.append(kept.long[kept.sent_off[k]:kept.sent_off[k + 1]])
                continue
            every = sentences(r.provision, r.plan.script)
            toks = [_words(t, self.tok) for _, t in every]  # each text is segmented once
            ids = []
            for ws in toks:
                for w in ws:
                    i = word_id.get(w)
                    if i is None:
                        i = word_id[w] = len(word_list)
                        word_list.append(w)
                    ids.append(i)
            flats.append(np.array(ids, dtype=np.int32))
            lens.append(np.array([len(ws) for ws in toks], dtype=np.int32))
            longs.append(np.array([_long_enough(t) for _, t in every], dtype=bool))
        cat = (lambda parts, dtype: np.concatenate(parts) if parts else np.zeros(0, dtype))
        flat, sent_len, long = cat(flats, np.int32), cat(lens, np.int32), cat(longs, bool)
        tok_off = np.zeros(len(flats) + 1, np.int64)
        np.cumsum([len(f) for f in flats], out=tok_off[1:])
        sent_off = np.zeros(len(lens) + 1, np.int64)
        np.cumsum([len(x) for x in lens], out=sent_off[1:])
        self.tokens = Tokens(word_list, [r.id for r in [*items, *extra]], every_fp, tok_off, flat, sent_off, sent_len, long)
        # the items' part
        tok_off, sent_off = tok_off[:n + 1], sent_off[:n + 1]
        flat, sent_len, long = flat[:tok_off[-1]], sent_len[:sent_off[-1]], long[:sent_off[-1]]
        self.words, self._word_id = word_list, word_id
        plans = {pid: k for k, pid in enumerate(sorted({r.plan.id for r in items}))}
        self.plan_of = np.array([plans[r.plan.id] for r in items], dtype=np.int64)
        running_long = np.r_[0, np.cumsum(long)]
        self.sentence_counts = (running_long[sent_off[1:]] - running_long[sent_off[:-1]]).astype(np.int64)
        self.sent_owner = np.repeat(np.arange(n), self.sentence_counts)
        first = np.zeros(n, np.int64)
        if n:
            np.cumsum(self.sentence_counts[:-1], out=first[1:])
        self.first_sentence = first.tolist()  # global number of each provision's first matching sentence
        tok_prov = np.repeat(np.arange(n), np.diff(tok_off))
        tok_sent = np.repeat(np.arange(len(sent_len)), sent_len)  # each token's sentence (all sentences)
        self._sent_tok_off = np.r_[0, np.cumsum(sent_len)].astype(np.int64)
        W = max(len(word_list), 1)
        held, held_counts = _counts(tok_prov, flat, W)
        self._held_prov, self._held_word = held // W, held % W  # the distinct words of each provision
        self._held_off = np.searchsorted(self._held_prov, np.arange(n + 1))
        df = np.bincount(self._held_word, minlength=len(word_list))
        self._df = df
        self._rank = None
        self.P = self.S = None
        self.vocab: list[str] = []
        self.idf: dict[str, float] = {}
        self.pruned = False
        if items:
            present = np.flatnonzero(df).tolist()
            present.sort(key=word_list.__getitem__)
            chosen = present
            if n > 20:  # words in more than MAX_DF of the provisions say nothing (unless every word does)
                common = MAX_DF * quantized(n)
                trimmed = [i for i in present if quantized(int(df[i])) <= common]
                if trimmed:
                    chosen, self.pruned = trimmed, True
            if chosen:
                self.vocab = [word_list[i] for i in chosen]
                col_of = np.full(len(word_list), -1, np.int64)
                col_of[chosen] = np.arange(len(chosen))
                self.idf_ = np.array([idf_of(int(df[i]), n) for i in chosen])
                self.idf = dict(zip(self.vocab, self.idf_.tolist()))
                self.P = _weights(held, held_counts, n, col_of, self.idf_)
                in_long = long[tok_sent]
                sent_row = (np.cumsum(long) - 1)[tok_sent[in_long]]
                ns = int(long.sum())
                self.S = _weights(*_counts(sent_row, flat[in_long], W), ns, col_of, self.idf_) if ns else None
        # the largest idf a word can have here (held by one provision): rarity = idf / this, in (0, 1]
        self.idf_top = idf_of(1, n) if items else 1.0

    @property
    def tok(self):
        """The jieba tokenizer with the catalogue names (loaded only when some text must be segmented)."""
        if self._tok is None:
            self._tok = _tokenizer(self._user_words)
        return self._tok

    def holds(self, word: str) -> bool:
        """Whether some provision has this word."""
        i = self._word_id.get(word)
        return i is not None and self._df[i] > 0

    def text(self, i: int) -> str:
        r = self.items[i]
        return match_text(r.provision, r.plan.script)

    def words_of(self, i: int) -> frozenset[str]:
        """The words of provision i."""
        lo, hi = self._held_off[i], self._held_off[i + 1]
        return frozenset(self.words[w] for w in self._held_word[lo:hi].tolist())

    def sentence_words(self, i: int, s: int) -> frozenset[str]:
        """The words of provision i's matching sentence s (its number within the provision)."""
        import numpy as np
        lo, hi = self.tokens.sent_off[i], self.tokens.sent_off[i + 1]
        k = lo + int(np.flatnonzero(self.tokens.long[lo:hi])[s])
        a, b = self._sent_tok_off[k], self._sent_tok_off[k + 1]
        return frozenset(self.words[w] for w in self.tokens.flat[a:b].tolist())

    @property
    def rank(self) -> dict[str, int]:
        """Every word's place in the order shared words are shown in: weightiest (idf × length) first, then
        by the word."""
        if self._rank is None:
            import numpy as np
            words = [self.words[i] for i in np.flatnonzero(self._df).tolist()]
            order = sorted(words, key=lambda w: (-self.idf.get(w, 0.0) * len(w), w))
            self._rank = {w: n for n, w in enumerate(order)}
        return self._rank

    def rarity_of(self, I, J):
        """For each pair (I[n], J[n]) of provisions: the rarest word both hold, as its idf over the largest
        possible one (0: none), by one sparse product (the words a provision holds are the nonzeros of its
        row of P: every weight is positive)."""
        import numpy as np
        if self.P is None or not len(I):
            return np.zeros(len(I))
        held = self.P.copy()
        held.data[:] = 1
        weighted = held.multiply(self.idf_.astype(held.dtype)).tocsr()
        top = np.asarray(weighted[I].multiply(held[J]).max(axis=1).todense()).ravel().astype(np.float64)
        return np.where(top == 0, 0.0, top / self.idf_top)

    def probes(self):
        """The probe copies of P and S (see :func:`neighbours.probe`) and their excluded words."""
        from . import neighbours
        out = []
        for X in (self.P, self.S):
            if X is None:
                out.append((None, None))
            else:
                ex = neighbours.excluded(X)
                out.append((neighbours.probe(X, ex), ex))
        return out

    def lists(self, k: int = CANDIDATES, probes=None):
        """The neighbour lists of every provision and every sentence (:func:`neighbours.compute`);
        ``probes``: :meth:`probes`, if made already."""
        import numpy as np
        from . import neighbours
        (pp, _), (sp, _) = probes or self.probes()
        own = np.arange(len(self.items))
        pl = neighbours.compute(self.P, pp, own, self.plan_of, k) if self.P is not None else neighbours.Lists.empty()
        sl = neighbours.compute(self.S, sp, self.sent_owner, self.plan_of, k) if self.S is not None else neighbours.Lists.empty()
        return pl, sl

    def pairs(self, pl, sl, touching=None):
        """Candidate pairs from neighbour lists: arrays (I, J) with I < J, provision cosine, best sentence
        cosine and that sentence pair (global numbers, -1: none); with ``touching`` (a mask of provisions),
        only the pairs with a provision in it."""
        import numpy as np
        n = len(self.items)
        I, J, v = pl.er, pl.ec, pl.ev
        if touching is not None:
            m = touching[I] | touching[J]
            I, J, v = I[m], J[m], v[m]
        kp = np.minimum(I, J) * n + np.maximum(I, J)
        s, t, sv = sl.er, sl.ec, sl.ev
        i, j = self.sent_owner[s], self.sent_owner[t]
        if touching is not None:
            m = touching[i] | touching[j]
            s, t, sv, i, j = s[m], t[m], sv[m], i[m], j[m]
        swap = i > j
        ks = np.where(swap, j, i) * n + np.where(swap, i, j)
        s2, t2 = np.where(swap, t, s), np.where(swap, s, t)
        order = np.lexsort((t2, s2, -sv, ks))  # per pair: the best sentence pair, ties by sentence numbers
        ks, s2, t2, sv = ks[order], s2[order], t2[order], sv[order]
        first = np.r_[True, ks[1:] != ks[:-1]] if len(ks) else np.zeros(0, bool)
        ks, s2, t2, sv = ks[first], s2[first], t2[first], sv[first]
        keys = np.union1d(kp, ks)
        pc = np.full(len(keys), np.nan, np.float32)
        if len(kp):
            pc[np.searchsorted(keys, kp)] = v
        sc = np.zeros(len(keys), np.float32)
        si = np.full(len(keys), -1, np.int64)
        sj = np.full(len(keys), -1, np.int64)
        at = np.searchsorted(keys, ks)
        sc[at], si[at], sj[at] = sv, s2, t2
        A, B = keys // max(n, 1), keys % max(n, 1)
        missing = np.flatnonzero(np.isnan(pc))
        if len(missing):  # provision cosine for pairs found through a sentence only
            from .neighbours import exact
            pc[missing] = exact(self.P, A[missing], B[missing])
        return A, B, pc, sc, si, sj

    def candidates(self, k: int = CANDIDATES) -> dict[tuple[int, int], tuple[float, float, int, int]]:
        """(i, j) with i < j -> (provision cosine, best sentence cosine, sentence of i, sentence of j)."""
        if self.P is None:
            return {}
        A, B, pc, sc, si, sj = self.pairs(*self.lists(k))
        return {(a, b): (p, s, x, y) for a, b, p, s, x, y in
                zip(A.tolist(), B.tolist(), pc.tolist(), sc.tolist(), si.tolist(), sj.tolist())}


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
    return update_links(refs, pins, suppress, words)[0]


@dataclass
class Kept:
    """What one cross-linking keeps for the next (:func:`update_links`), in its own numbering: the provisions
    (eligible ones, by ID) and their sentences, the words' weights, the neighbour lists and the candidate
    pairs with their scores. (The links themselves are kept by the caller.)"""

    settings: tuple
    ids: list
    tokens: Tokens         # every provision's words
    topics: dict           # id -> topics
    sentences: list        # number of matching sentences of each provision
    signature: dict        # word -> (idf, left out of the provision probe, left out of the sentence probe)
    n_q: float
    pruned: bool
    plists: object         # neighbours.Lists of the provisions ...
    slists: object         # ... and of the sentences
    pairs: tuple           # arrays A, B, provision cosine, sentence cosine, sentence of A, of B, rarity, score
                           # (NaN: no match)


def update_links(refs, pins=(), suppress=(), words=(), kept: Kept | None = None) -> tuple[dict[str, list[Link]], Kept | None]:
    """The links of :func:`compute_links`, and what to keep for the next build. With ``kept`` from the last
    build (same user words, pins and suppressions), only what an edit can reach is computed again: the words
    of changed provisions, the neighbour lists of the rows the edit reaches (:func:`neighbours.update`), the
    pairs and matches of the provisions owning them or whose topics changed, and the links of every
    provision whose matches changed. Then (``last_run["reused"]``) the result holds only the provisions
    whose links may have changed: every other one keeps the links the last build gave it. Those merged are
    the links of computing everything (tests/test_links.py checks it). An edit that moves a word's weight for
    many provisions, or the corpus size to another grid point of :func:`quantized`, computes everything, and
    the result holds every provision."""
    import numpy as np
    by_id = {r.id: r for r in refs}
    items = sorted((r for r in refs if eligible(r)), key=lambda r: r.id)
    settings = (tuple(words), tuple(tuple(p) for p in pins), tuple(tuple(p) for p in suppress))
    usable = kept if isinstance(kept, Kept) and kept.settings == settings else None
    pool = [r for r in refs if may_link(r)]
    index = Index(items, tuple(words), usable.tokens if usable else None, pool=pool)
    n = len(items)
    ids = [r.id for r in items]
    topics = {r.id: tuple(r.provision.topics) for r in items}
    pinned = {p for pair in pins for p in pair}
    out: dict[str, list[Link]] = {}
    new_kept = None
    last_run.clear()
    last_run["reused"] = False
    if index.P is not None:
        probes = index.probes()
        (pp, pex), (sp, sex) = probes
        signature = {w: (index.idf[w], bool(pex[c]), bool(sex[c]) if sex is not None else False)
                     for c, w in enumerate(index.vocab)}
        state = _incremental(index, usable, signature, pp, sp) if usable is not None else None
        last_run["reused"] = state is not None
        if state is None:
            pl, sl = index.lists(CANDIDATES, probes)
            A, B, pc, sc, si, sj = index.pairs(pl, sl)
            rarity = index.rarity_of(A, B)
            ps = np.full(len(A), np.nan)
            rescore = np.ones(len(A), bool)
            changed = np.ones(n, bool)
        else:
            pl, sl, (A, B, pc, sc, si, sj, rarity, ps), rescore, changed = state
            # the provisions whose topics changed: their pairs are scored again
            moved = np.array([usable.topics.get(i) != topics[i] for i in ids], dtype=bool)
            rescore |= moved[A] | moved[B]
            changed |= moved
        # score: NaN where the pair is no match (or suppressed)
        blocked = {frozenset(p) for p in suppress}
        was = ps.copy()
        for x in np.flatnonzero(rescore).tolist():
            a, b = items[A[x]], items[B[x]]
            ps[x] = np.nan
            if frozenset((a.id, b.id)) in blocked:
                continue
            s = round(score(float(pc[x]), float(sc[x]), float(rarity[x])), 3)
            if is_match(s, set(a.provision.topics) & set(b.provision.topics) - GENERIC_TOPICS):
                ps[x] = s
        flipped = rescore & ~(np.isnan(was) & np.isnan(ps))  # matched before or now
        changed[A[flipped]] = True
        changed[B[flipped]] = True
        changed |= np.array([i in pinned for i in ids], dtype=bool)
        out = _links_of(index, changed, A, B, pc, sc, si, sj, ps)
        new_kept = Kept(settings, ids, index.tokens, topics, index.sentence_counts.tolist(), signature, quantized(n),
                        index.pruned, pl.compact(), sl.compact(),
                        tuple(a.astype(np.int32) if a.dtype == np.int64 else a for a in (A, B, pc, sc, si, sj, rarity, ps)))
    unchanged = set(ids) - set(out) if last_run.get("reused") else set()
    result: dict[str, list[Link]] = {r.id: list(out.get(r.id, ())) for r in refs if r.id not in unchanged}
    for a_id, b_id in pins:
        a, b = by_id[a_id], by_id[b_id]
        shared = tuple(sorted(set(a.provision.topics) & set(b.provision.topics)))
        for x, y in ((a, b), (b, a)):
            result[x.id] = [l for l in result[x.id] if l.target != y.id]
            result[x.id].insert(0, Link(x.id, y.id, 1.0, shared, (), pinned=True, strength="high"))
    for k in pinned:
        result[k] = sorted(result[k], key=lambda l: (not l.pinned, -l.score, l.target))
    return {k: v[:TOP_K] for k, v in result.items()}, new_kept


def _links_of(index: Index, changed, A, B, pc, sc, si, sj, ps) -> dict[str, list[Link]]:
    """The links of the ``changed`` provisions, best first, from their matched pairs."""
    import numpy as np
    items, first = index.items, index.first_sentence
    entries: dict[int, list] = {}
    for x in np.flatnonzero(~np.isnan(ps) & (changed[A] | changed[B])).tolist():
        i, j = int(A[x]), int(B[x])
        s = float(ps[x])
        by_sentence = bool(sc[x] > pc[x]) and si[x] >= 0  # the shown words come from the best sentence pair
        li = int(si[x]) - first[i] if si[x] >= 0 else -1
        lj = int(sj[x]) - first[j] if sj[x] >= 0 else -1
        if changed[i]:
            entries.setdefault(i, []).append((s, j, by_sentence, li, lj))
        if changed[j]:
            entries.setdefault(j, []).append((s, i, by_sentence, lj, li))
    out = {}
    for x in np.flatnonzero(changed).tolist():
        r = items[x]
        found = sorted(entries.get(x, ()), key=lambda f: (-f[0], items[f[1]].id))[:TOP_K]
        mine = set(r.provision.topics)
        out[r.id] = [_link(index, x, y, s, tuple(sorted(mine & set(items[y].provision.topics) - GENERIC_TOPICS)),
                           by_sentence, lx, ly) for s, y, by_sentence, lx, ly in found]
    return out


def _incremental(index: Index, kept: Kept, signature: dict, pp, sp):
    """The neighbour lists, pairs and matches after an edit, from the last build's (see
    :func:`update_links`), or None when everything must be computed."""
    import numpy as np
    from . import neighbours
    items, n = index.items, len(index.items)
    if index.S is None or kept.pruned != index.pruned or kept.n_q != quantized(n):
        return None
    ids = [r.id for r in items]
    old_pos = {i: o for o, i in enumerate(kept.ids)}
    remap = np.full(len(kept.ids) + 1, -1, np.int64)  # old provision -> new (-1: gone); [-1] stays -1
    same = np.zeros(n, bool)  # a provision whose words did not change
    for i, r_id in enumerate(ids):
        o = old_pos.get(r_id)
        if o is not None:
            remap[o] = i
            same[i] = kept.tokens.fingerprints[o] == index.fingerprints[i]  # the kept items lead its tokens
    # words whose weight or probe status changed: every row holding one is dirty
    moved = [c for c, w in enumerate(index.vocab) if kept.signature.get(w) != signature[w]]
    if any(w not in signature and index.holds(w) for w in kept.signature):
        return None  # a word left out as too common (or let in again): its rows are many
    moved_mask = np.zeros(len(index.vocab), bool)
    moved_mask[moved] = True
    P, S = index.P, index.S
    dirty_p = ~same
    dirty_p[np.unique(np.repeat(np.arange(n), np.diff(P.indptr))[moved_mask[P.indices]])] = True
    # sentences: old global number -> new (a provision whose words changed has new sentences)
    old_first = np.r_[0, np.cumsum(kept.sentences)][:-1].astype(np.int64)
    old_owner = np.repeat(np.arange(len(kept.ids)), kept.sentences)
    new_first = np.asarray(index.first_sentence, dtype=np.int64)
    target = remap[old_owner]
    ok = target >= 0
    ok[ok] = same[target[ok]]
    remap_s = np.full(len(old_owner) + 1, -1, np.int64)
    remap_s[:-1][ok] = new_first[target[ok]] + (np.arange(len(old_owner)) - old_first[old_owner])[ok]
    ns = S.shape[0]
    dirty_s = ~same[index.sent_owner]
    dirty_s[np.unique(np.repeat(np.arange(ns), np.diff(S.indptr))[moved_mask[S.indices]])] = True
    last_run.update(dirty=int(dirty_p.sum()), dirty_sentences=int(dirty_s.sum()), moved_words=len(moved))
    if dirty_p.sum() > REUSE_UP_TO * n or dirty_s.sum() > REUSE_UP_TO * ns:
        return None
    own = np.arange(n)
    old_pl, lost_p = kept.plists.remapped(remap, n)
    old_sl, lost_s = kept.slists.remapped(remap_s, ns)
    pl, again_p = neighbours.update(old_pl, P, pp, own, index.plan_of, CANDIDATES, dirty_p, lost_p)
    sl, again_s = neighbours.update(old_sl, S, sp, index.sent_owner, index.plan_of, CANDIDATES, dirty_s, lost_s)
    touched = again_p.copy()
    touched[index.sent_owner[again_s]] = True
    # pairs: the last build's, where neither side was reached; the others from the lists again
    A0, B0, pc0, sc0, si0, sj0, r0, ps0 = kept.pairs
    A1, B1 = remap[A0], remap[B0]
    keep = (A1 >= 0) & (B1 >= 0)
    keep[keep] = ~(touched[A1[keep]] | touched[B1[keep]])
    fresh = index.pairs(pl, sl, touching=touched)
    rarity = index.rarity_of(fresh[0], fresh[1])
    parts = [(A1[keep], B1[keep], pc0[keep], sc0[keep], remap_s[si0[keep]], remap_s[sj0[keep]], r0[keep], ps0[keep]),
             (*fresh, rarity, np.full(len(fresh[0]), np.nan))]
    merged = [np.concatenate([a, b]) for a, b in zip(*parts)]
    order = np.argsort(merged[0] * n + merged[1], kind="stable")
    pairs = tuple(m[order] for m in merged)
    rescore = order >= keep.sum()  # the fresh pairs (they come after the kept ones in the merged arrays)
    # the links of a provision change when a pair of it that matched is gone or scored again
    changed = touched.copy()
    dropped = ~keep & ~np.isnan(ps0)
    for side in (A1, B1):
        survivors = side[dropped]
        changed[survivors[survivors >= 0]] = True
    changed |= np.array([i not in old_pos for i in ids], dtype=bool)
    last_run.update(rows=int(again_p.sum()), sentences=int(again_s.sum()), pairs=int(rescore.sum()))
    return pl, sl, pairs, rescore, changed


def _link(index: Index, x: int, y: int, s: float, topics, by_sentence: bool, sx: int, sy: int) -> Link:
    """The link from provision x to y: shared words of the best sentence pair (sentence numbers within each
    provision, -1: none) or of the whole texts."""
    src, dst = index.items[x], index.items[y]
    snippet = index.sents[y][sy][0] if sy >= 0 else ""
    if by_sentence:
        text_y = index.sents[y][sy][1]
        shown_y = snippet
        wa, wb = index.sentence_words(x, sx), index.sentence_words(y, sy)
    else:
        text_y = index.text(y)
        shown_y = dst.provision.text
        if dst.provision.responsibility_quote:
            shown_y = shown_y.replace(dst.provision.responsibility_quote, "")
        wa, wb = index.words_of(x), index.words_of(y)
    terms = shared_terms(wa, wb, text_y, shown_y, index)
    return Link(src.id, dst.id, s, topics, terms, snippet=snippet, strength=strength(s))
