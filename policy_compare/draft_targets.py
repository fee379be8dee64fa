"""Draft targets and baselines from a provision's text or a table row (used by the importer).

Rules follow data/CURATION.md ("Targets"); every rule is a convention of Chinese government plans,
not of one document:

1. A sentence (up to 。；;) is read number by number. A number counts when it carries a unit
   (%, ‰, 1/10万, 岁, 人, 个百分点, 亿元 …); numbers in 《》 and 〔〕, years (2025年), dates and
   document numbers never count. A count in a Chinese numeral with a comparator counts ("两个以上",
   "至少一家"); "一个中心" does not.
2. A number with a unit directly followed by a noun ("5岁以下儿童", "65岁及以上老年人",
   "10人及以上用人单位", "15分钟健身圈") is a threshold inside an indicator's name, not a value; so is a
   size qualifying a noun ("常住人口超过10万人的脱贫县"). A ratio to a population keeps its base in the
   unit ("每3万常住人口配备1辆救护车" → 1 辆/3万常住人口).
3. Its year is the nearest horizon written before it in the sentence ("2020年…1000亿元,2030年达到2000亿
   元" gives one value to each year); "到2022年和2030年 … 分别 … 22%和30%" pairs years and values in order;
   otherwise the year carried from an earlier sentence or a lead-in line ("到2030年,具体实现以下目标:"),
   or the plan's single horizon, with ``year_inferred``. "在2019年基础上" / "比2015年" is a base year,
   never a horizon.
4. Comparator from the words before and after the value (不低于/以上/及以上 >=, 以下/以内/不超过 <=,
   低于 <, 高于/超过 >, 左右/接近/约 ~, plain 达到/为/降至/下降到/提升至 =), shared by every value of a
   list ("分别不低于22%和30%", "分别控制在6‰、8‰以下").
5. Qualitative targets (``value_text``) name an indicator ("居民健康素养水平稳步提高"); a general aim
   ("健康服务水平明显提高") does not. A grade ("…等级基本达到B级以上") and a measure worded as a target
   ("逐步提高…比例") take a single-horizon plan's year.
6. Kind: "由A降至B" makes A a baseline (and B too when the sentence reviews the past: no horizon
   ahead); a value for a year before the plan was written is a baseline; "提高10%", "提升5个百分点",
   "降低20%" (no 到/至) is a relative change.
"""
from __future__ import annotations

import re

UNITS = sorted(["个百分点", "百分点", "/10万", "/万", "/千", "‰", "‱", "%", "％", "万人次", "人次", "万人", "万元", "亿元",
                "元", "万个", "个", "個", "万平方米", "平方米", "万亩", "亩", "公顷", "公里", "千米", "分钟", "小时", "岁", "歲",
                "人", "名", "张", "張", "床", "所", "家", "项", "項", "套", "种", "種", "级", "級", "次", "台", "辆", "輛",
                "支", "座", "处", "處", "条", "條", "天", "倍", "公斤", "千克", "吨", "噸", "户", "戶", "类", "類", "例",
                "件", "部", "场", "場", "册", "冊"], key=len, reverse=True)
NUM = r"\d+(?:\.\d+)?"
RE_VALUE = re.compile(rf"(?P<num>{NUM})(?:\s*(?P<dash>[-—–~～至])\s*(?P<max>{NUM}))?\s*(?P<unit>{'|'.join(map(re.escape, UNITS))})?"
                      r"(?P<suf>及以上|以上|及以下|以下|以内|左右)?")
PREFIX = [("不低于", ">="), ("不少于", ">="), ("至少", ">="), ("不小于", ">="), ("≥", ">="), ("≧", ">="), ("不高于", "<="), ("不超过", "<="),
          ("不多于", "<="), ("不大于", "<="), ("≤", "<="), ("≦", "<="), ("低于", "<"), ("少于", "<"), ("小于", "<"), ("<", "<"),
          ("高于", ">"), ("超过", ">"), ("多于", ">"), ("大于", ">"), (">", ">"), ("接近", "~"), ("约", "~")]
SUFFIX = {"以上": ">=", "及以上": ">=", "以下": "<=", "及以下": "<=", "以内": "<=", "左右": "~"}
LEVEL_VERB = re.compile(r"(?:达到|达|为|降至|降到|降低到|降低至|下降到|下降至|减少到|减少至|提高到|提高至|提升到|提升至|增加到|"
                        r"增加至|增长到|增长至|上升到|上升至|扩大到|扩大至|控制在|保持在|稳定在|维持在|超过|不低于|不少于|"
                        r"不高于|不超过|低于|高于|接近|约|分别|均|≥|≧|≤|≦)\s*$")
CHANGE_VERB = re.compile(r"(?:提高|提升|增长|增加|降低|下降|减少|上升|缩小|缩短|减少了|提高了)\s*$")
FROM = re.compile(r"(?:由|从)[^,，;；。\d]{0,4}$")
RE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?:底|末)?")
BASE_AFTER = re.compile(r"^(?:的)?(?:基础上|水平上|基数|为基数|相比)")
BASE_BEFORE = re.compile(r"(?:比|较|与|相比|对比|以)\s*$")
NOT_NOUN = "和及与或、,，。;；:：)）的等为达比较到至(（"
PAST = re.compile(r"(?:期间|以来|已经|已|截至|截止|实现了|取得|较\S{0,4}年)")
STRIP_INDICATOR = re.compile(r"^(?:[——\-\s]+|到|至|在|力争|全市|我市|全县|全区|实现|确保|持续保持|保持|使)+")


# Traditional forms of the characters the rules look for, mapped one to one (lengths stay equal, so
# positions found in the mapped text slice the original, and quotes stay verbatim).
T2S = str.maketrans("於達為內過長減穩維擴約個歲張項種級輛處條戶類場冊億萬計實現設創備顯進續縮輕轉優勢趨標質總負擔況較並礎與從導當這體養務設數後區縣倍佈類構務擁",
                    "于达为内过长减稳维扩约个岁张项种级辆处条户类场册亿万计实现设创备显进续缩轻转优势趋标质总负担况较并础与从导当这体养务设数后区县倍布类构务拥")


def _shielded(text: str) -> str:
    """Text with 《…》, 〔…〕 and full dates blanked out (same length), so their numbers never count."""
    def blank(m):
        return " " * len(m.group(0))
    text = re.sub(r"《[^》]*》|〔[^〕]*〕|\[[^\]]*\]", blank, text)
    text = re.sub(r"\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|\d{1,2}\s*月\s*\d{1,2}\s*日|\d+\s*号", blank, text)
    return re.sub(r"(?:19|20)\d{2}\s*[-—–~～至到]\s*(?:19|20)?\d{2}\s*年", blank, text)


CN_DIGIT = {"一": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
COUNT_WORDS = "家个所名张项套座处条支台辆"
RE_CN_COUNT = re.compile(rf"(?:(?<=至少)|(?<=不少于)|(?<=不低于))([一二两三四五六七八九])(?=[{COUNT_WORDS}])|([一二两三四五六七八九])(?=[{COUNT_WORDS}](?:及)?以上)")


def _cn_counts(text: str) -> str:
    """A count written in a Chinese numeral with a comparator ("至少一家", "两个以上") as a digit, one
    character for one, so positions and quotes stay those of the source. Without a comparator a numeral
    is left alone: "一个中心", "一批", "两个维护" are words, not counts."""
    return RE_CN_COUNT.sub(lambda m: CN_DIGIT[m.group(1) or m.group(2)], text)


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pieces ending with 。；; or the end."""
    out, start = [], 0
    for m in re.finditer(r"[。；;!！?？]", text):
        out.append((start, text[start:m.end()]))
        start = m.end()
    if text[start:].strip():
        out.append((start, text[start:]))
    return out


def horizon_years(sentence: str) -> list[tuple[int, int, bool]]:
    """(position, year, is_base) of each 20XX年 in a sentence; a base year is 在2019年基础上 / 比2015年."""
    out = []
    for m in RE_YEAR.finditer(sentence):
        is_base = bool(BASE_AFTER.match(sentence[m.end():]) or BASE_BEFORE.search(sentence[:m.start()]))
        out.append((m.start(), int(m.group(1)), is_base))
    return out


def year_lists(sentence: str) -> list[tuple[int, tuple[int, ...]]]:
    """Horizons as (position, years): years written together ("到2022年和2030年", "2025、2030年") form one list."""
    out: list[tuple[int, list[int], int]] = []
    for m in re.finditer(r"((?:19|20)\d{2})\s*(?:年(?:底|末)?)?", sentence):
        if not (m.group(0).endswith(("年", "底", "末")) or re.match(r"\s*[和、及与]\s*(?:到|至)?\s*(?:19|20)\d{2}\s*年", sentence[m.end():])):
            continue
        if BASE_AFTER.match(sentence[m.end():]) or BASE_BEFORE.search(sentence[:m.start()]):
            continue
        if out and re.fullmatch(r"\s*[和、及与]\s*(?:到|至)?\s*", sentence[out[-1][2]:m.start()]):
            out[-1][1].append(int(m.group(1)))
            out[-1] = (out[-1][0], out[-1][1], m.end())
        else:
            out.append((m.start(), [int(m.group(1))], m.end()))
    return [(p, tuple(ys)) for p, ys, _ in out]


QUALITATIVE = re.compile(r"^(?P<ind>.{2,40}(?:率|水平|寿命|指标|指標|(?<!同)比例|占比|人数|情况|情況|增速|总量|總量|差距|负担|負擔))"
                         r"(?P<val>(?![、率])(?:持续|持續|稳步|穩步|明显|明顯|显著|顯著|大幅|有所|进一步|進一步|逐步|不断|不斷|基本|全面|较大|較大|实现|實現|得到|呈|上升趋势|上升趨勢|增长趋势|保持)?"
                         r"[^,，;；。]{0,12}?(?:提高|提升|下降|降低|改善|减缓|減緩|向好|增长|增長|遏制|优化|優化|缩小|縮小|减轻|減輕|好转|好轉|平均水平|较高水平|較高水平|控制水平|下降趋势|下降趨勢))"
                         r"(?P<tail>(?:并|並)[^,，;；。]{0,10})?$")


# of the "…水平" names, only the literacy level and levels of named indicators are measured ones (居民健康素养
#水平, 主要健康指标水平); a service, capacity or health "level" (服务水平, 保障水平, 健康水平) is an aim
MEASURED_LEVEL = re.compile(r"(?<!水平)$|(?:素养|指标|指標|率|比例)水平$")
INDICATOR_END = re.compile(r"(?:率|水平|寿命|指标|比例|占比|人数|情况|增速|总量|差距|负担)$")
VERB_FIRST = re.compile(r"^(?P<val>(?:逐步|有效|合理|进一步|持续|大幅|稳步)?(?:提高|提升|降低|控制|减少))(?P<ind>.{2,24}?(?:率|比例))(?P<tail>)[。；;]?$")
# a grade reached ("学校食堂食品安全等级基本达到B级以上", "景区达到3A级以上"): a level, not a number
GRADE = re.compile(r"^(?P<ind>.{2,40}?(?:等级|级别|评级|水平|标准))(?P<val>(?:基本|全面|均|全部|稳定)?(?:达到|达|保持在|保持)\s*\d?[A-Z]{1,4}\s*级(?:及)?以上(?:标准|水平)?)(?P<tail>)$")
COVERAGE = re.compile(r"^(?!实现|推进|建立|确保|基本|全面|逐步)(?P<ind>[^\d]{2,20}?)(?P<val>(?:实现|基本实现|全面实现)?全覆盖)(?P<tail>)$")


def qualitative(s: str) -> list[tuple[int, str, str, bool]]:
    """(position, indicator, words, worded as a measure) of clauses like '居民健康素养水平稳步提高', '逐步提高…比例',
    '…等级基本达到B级以上'; the last two are measures the plan sets, so they take a single-horizon plan's year."""
    out = []
    for m in re.finditer(r"[^,，;；。:：]+", s):
        clause = m.group(0)
        if _value_items(clause):  # a clause with a value is drafted as a number ("65到74岁" is not a value)
            continue
        body = re.sub(r"^\s*(?:(?:到|至)?\s*(?:19|20)\d{2}\s*年(?:底|末)?\s*|到|至)?\s*(?:[—-]+|力争|全市|我市)?", "", clause)
        q = GRADE.match(body.strip()) or QUALITATIVE.match(body.strip()) or COVERAGE.match(body.strip()) or VERB_FIRST.match(body.strip())
        if q:
            words = (q.group("val") + (q.group("tail") or "")).strip()
            at = m.start() + clause.index(body.strip()) + q.start("ind")
            names = q.group("ind").split("、")
            if not all(INDICATOR_END.search(n) for n in names):
                names = [q.group("ind")]
            for name in names:  # "婴儿死亡率、孕产妇死亡率保持较好控制水平": one each
                if q.re is QUALITATIVE and not MEASURED_LEVEL.search(name):
                    continue  # "健康服务水平显著提高", "人民健康水平持续提升": an aim, not an indicator
                out.append((at, name.strip(), words, q.re in (VERB_FIRST, GRADE)))
    return out


def _comparator(before: str, m: re.Match, shared: str | None) -> str | None:
    if m.group("suf"):
        return SUFFIX[m.group("suf")]
    for word, cmp in PREFIX:
        if before.rstrip().endswith(word):
            return cmp
    return shared


def _indicator(sentence: str, start: int) -> str:
    """Words before the value, back to the previous comma, colon or year phrase, verbs removed."""
    head = sentence[:start]
    head = re.split(r"[,，;；:：。]|(?:19|20)\d{2}\s*年(?:底|末)?", head)[-1]
    head = re.split(r"[（(](?=[^)）]*$)", head)[-1]  # "…救护车(负压救护车占比不低于40%)": inside an open parenthesis
    head = re.split(r"(?<=[\d%‰万人岁里钟个所家上下内])、", head)[-1]  # "…不超过5公里、平均反应时间不超过10分钟"
    head = re.sub(r"(?:由|从)[^由从]*\d[^由从]*$", "", head)  # the "to" value of 由A降至B: the name before 由
    head = re.sub(r"^(?:\d{1,2}[.．、]|[（(][一二三四五六七八九十\d]+[）)])", "", head.strip())
    head = LEVEL_VERB.sub("", LEVEL_VERB.sub("", head.rstrip()))
    head = re.sub(r"(?:持续|继续|稳定|进一步|力争|均|分别|实现|大幅|明显|逐步|至少)+$", "", head)
    head = re.sub(r"(?:由|从)[^,，;；。\d]{0,4}$", "", head)
    return STRIP_INDICATOR.sub("", head).strip(" ,，、") or "?"


MEASURES = ("岁", "分钟", "小时", "公里", "千米", "天", "万人", "人", "名")  # ages, times, distances, head counts


def _is_threshold(m: re.Match, after: str, before: str, clause: str) -> bool:
    """'5岁以下儿童', '65岁及以上老年人', '15分钟健身圈', '超过10万人的县': a value followed directly by a noun
    is part of a name. A count of things ("建设6家规范化康复机构", "新增1所三级医院") is not: its measure word
    (家, 所, 个, 套 …) follows an action verb."""
    nxt = after[:1]
    if nxt == "的" and re.search(r"(?:人口|人数|规模|面积|床位|职工)\s*(?:超过|高于|大于|多于|不少于|不足|少于|低于|在)\s*$", before):
        return True  # "常住人口超过10万人的脱贫县": a size qualifying a noun
    if LEVEL_VERB.search(before) or FROM.search(before):
        return False
    if nxt == "的":
        return True
    if not nxt or not re.match(r"[\u4e00-\u9fff]", nxt) or nxt in NOT_NOUN:
        return False
    if m.group("unit") in MEASURES or (m.group("suf") and not ACTION.search(clause)):
        return True  # "65岁及以上老年人", "10人及以上用人单位"; but "建设2个以上示范性机构" is a count
    return not ACTION.search(clause)


def _value_items(s: str) -> list[dict]:
    """Every counted value of one sentence with its position, comparator words and role."""
    shield = _shielded(s)
    items = []
    for m in RE_VALUE.finditer(shield):
        if not m.group("unit") or (m.start() and re.match(r"[\d.]", shield[m.start() - 1])):
            continue
        if shield[m.end():m.end() + 1] in ("年", "月", "日") and m.group("unit") is None:
            continue
        before, after = shield[max(0, m.start() - 8):m.start()], shield[m.end():]
        clause = re.split(r"[,，:：;；。]", shield[:m.start()])[-1]
        rate = m.group("unit") in ("%", "％", "‰", "/10万", "/万", "/千")
        if re.search(r"(?:每(?!年)[^\d,，。;；]{0,3}|第|前|(?<!接)近|这|其中)\s*$", before) or (not rate and _is_threshold(m, after, before, clause)):
            continue
        items.append({"m": m, "before": before})
    return items


def _group(items: list[dict], s: str) -> None:
    """Values joined only by 和/、/及 form a list: they share a comparator from the first value's words
    or the last value's suffix ("分别不低于22%和30%", "分别控制在6‰、8‰以下")."""
    groups, cur = [], []
    for it in items:
        if cur and re.fullmatch(r"\s*(?:和|、|及|与|或|,|，)\s*", s[cur[-1]["m"].end():it["m"].start()]):
            cur.append(it)
        else:
            cur = [it]
            groups.append(cur)
    for g in groups:
        first = next((c for w, c in PREFIX if g[0]["before"].rstrip().endswith(w)), None)
        last = SUFFIX.get(g[-1]["m"].group("suf") or "")
        for it in g:
            it["shared"] = first or last
            it["group"] = g


def parse(text: str, plan_start: int, context_year=None, single_horizon: int | None = None,
          review_years: tuple[int, int] | None = None, past_section: bool = False,
          qualitative_horizon: int | None = None) -> tuple[list[dict], tuple | None]:
    """Targets of a provision text, and the years it leaves as context for the next one
    (a tuple: "到2022年和2030年" carries both, for a later "分别…和…"). In a section reviewing the past
    (``past_section``: 发展基础, 工作回顾 …) every value is a baseline. A measure worded as a target
    ("逐步提高日间手术占择期手术的比例", "…等级基本达到B级以上") takes ``qualitative_horizon`` (a plan with one horizon: a
    five-year plan, a year's work points) when no year is in force."""
    out: list[dict] = []
    carried = (context_year,) if isinstance(context_year, int) else context_year
    for _, orig in sentences(text):
        s = _cn_counts(orig.translate(T2S))
        lists = year_lists(s)
        base_year = next((y for _, y, base in horizon_years(s) if base), None)
        items = _value_items(s)
        _group(items, s)
        past = past_section or (not lists and not carried and bool(FROM_TO.search(_shielded(s))))
        for i, it in enumerate(items):
            got = _targets(s, it, i, items, lists, base_year, carried, single_horizon or (plan_start if past else None), plan_start)
            if past:  # "人均预期寿命由75.69岁提升至77.6岁": a review of what was achieved
                got = _past(got, it, review_years, plan_start)
            out += got
        for t in out:
            _restore(t, s, orig)
        for pos, indicator, words, verb_first in ([] if past else qualitative(s)):
            years, inferred = _years_at(pos, 1, 0, lists, carried, qualitative_horizon if verb_first else None)
            for y in years:
                out.append({"indicator": indicator, "year": y, "year_inferred": inferred, "kind": "target",
                            "value_text": _slice(words, s, orig, pos), "quote": orig.strip()})
                _restore(out[-1], s, orig, only_indicator=True)
        if lists:
            carried = lists[-1][1]
    return out, carried


PER_POPULATION = re.compile(r"(?:每|按)\s*(?P<pop>(?:\d+(?:\.\d+)?(?:\s*[-—~～至]\s*\d+)?\s*)?[万千百]?\s*(?:常住人口|户籍人口|人口|居民|名?学生|人))"
                            r"(?:人口)?\s*(?:规划)?\s*(?:配备|配置|拥有|设置|建有|设有|有)?\s*$")
ACTION = re.compile(r"(?:拥有|设置|建设|建成|新建|完成|创成|创建|培育|打造|设立|建立|配备|新增|累计|实现|覆盖|达|确保|保持|开展|举办|培训|招收|引进)")
FROM_TO = re.compile(rf"(?:由|从)\s*{NUM}[^,，;；。]{{0,12}}?(?:至|到)\s*{NUM}")


def _past(got: list[dict], it: dict, review_years, plan_start) -> list[dict]:
    """Values of a sentence reviewing the past: the "from" value is the earlier baseline, the others the
    later one (the years of the previous period, unless the sentence writes its own)."""
    out = []
    for t in got:
        if t.get("relative"):
            continue
        early = t["kind"] == "baseline"
        years = review_years or (plan_start - 1, plan_start - 1)
        if t["year_inferred"] or t["year"] >= plan_start:
            t.update(year=years[0] if early else years[1], year_inferred=True)
        t.update(kind="baseline", comparator="=" if early else t["comparator"])
        out.append(t)
    return out


def _slice(part: str, norm: str, orig: str, near: int = 0) -> str:
    """The original characters of ``part`` (found in the normalised sentence)."""
    i = norm.find(part, near)
    if i < 0:
        i = norm.find(part)
    return orig[i:i + len(part)] if i >= 0 else part


def _restore(t: dict, norm: str, orig: str, only_indicator: bool = False) -> None:
    """Indicator, unit and quote in the source's own characters."""
    if t.get("quote") == norm.strip() or only_indicator:
        t["quote"] = orig.strip()
        t["indicator"] = _slice(t["indicator"], norm, orig)
        if t.get("unit") and t["unit"] in norm and not only_indicator:
            t["unit"] = _slice(t["unit"], norm, orig) if t["unit"] in UNITS else t["unit"]


def _years_at(pos: int, n: int, j: int, lists, carried, single) -> tuple[list[int], bool]:
    """Years for the j-th of n values at pos (rule 3): the list written last before it, else the first
    written after it, else the carried one; a list of years pairs with a list of values in order, and one
    value under a list of years holds for each of them."""
    before = [ys for p, ys in lists if p < pos]
    years, inferred = (before[-1], False) if before else ((lists[0][1], False) if lists else (carried, True))
    if not years:
        return ([single], True) if single else ([], True)
    if len(years) > 1 and n >= len(years):  # "分别达到70%、85%和100%" under two years: the last value is the last year's
        return [years[max(0, j - (n - len(years)))]], inferred
    if len(years) > 1 and n == 1:
        return list(years), inferred
    return [years[-1]], inferred


def _targets(s, it, i, items, lists, base_year, carried, single_horizon, plan_start) -> list[dict]:
    m, before = it["m"], it["before"]
    group = it["group"]
    clause = re.split(r"[,，:：]", s[:m.start()])[-1]
    has_verb = bool(LEVEL_VERB.search(before) or FROM.search(before) or m.group("suf") or CHANGE_VERB.search(before) or it.get("shared")
                    or ACTION.search(clause))
    years, inferred = _years_at(group[0]["m"].start(), len(group), group.index(it), lists, carried,
                                single_horizon if has_verb else None)
    unit = m.group("unit")
    unit = {"/10万": "1/10万", "/万": "1/万", "/千": "‰", "％": "%", "百分点": "个百分点"}.get(unit, unit)
    out = []
    names = [_indicator(s, group[0]["m"].start())]
    per = PER_POPULATION.search(clause)
    if per and unit and not unit.startswith(("%", "‰", "1/")):  # "每3万常住人口配备1辆救护车": 1 辆/3万常住人口
        unit = unit + "/" + re.sub(r"\s+", "", per.group("pop"))
        noun = re.match(r"[\u4e00-\u9fff]{1,12}", s[m.end():])
        names = [names[0] + (noun.group(0) if noun else "")]
    counted = re.match(r"[\u4e00-\u9fff“”]{2,30}(?=[,，;；。(（]|$)", s[m.end():]) if not per else None
    if counted and len(group) == 1 and ACTION.search(names[0]) and unit not in ("%", "‰", "个百分点", "1/10万", "1/万"):
        names = [counted.group(0)]  # "提升建设6家规范化残疾儿童康复机构": the thing counted, not the verb before it
    if len(group) == 1 and re.search(r"均\s*(?:达到|达|为|不低于|不高于|保持在|控制在)?\s*$", before):
        names = [n for n in re.split(r"、|和|以及|及", names[0]) if n] or names
    for year, name in ((y, n) for y in years for n in names):
        t = {"indicator": name, "year": year, "year": year, "year_inferred": inferred, "kind": "target",
             "comparator": _comparator(before, m, it.get("shared")) or "=", "value": float(m.group("num")),
             "value_max": float(m.group("max")) if m.group("max") else None, "unit": unit, "quote": s.strip()}
        nxt = items[i + 1]["m"] if i + 1 < len(items) else None
        between = s[m.end():nxt.start()] if nxt else ""
        if FROM.search(before) or (nxt and re.fullmatch(r"(?:大幅|明显|显著|逐步|进一步)?(?:降至|降到|下降到|下降至|提高到|提高至|提升到|提升至|增长到|增长至|增加到|增加至|上升到|上升至|减少到|减少至|到|至)", between.strip())):
            t.update(kind="baseline", comparator="=")  # the "from" value of 由A降至B: the level before the plan
            if base_year or year >= plan_start:
                t.update(year=base_year or plan_start - 1, year_inferred=True)
        elif CHANGE_VERB.search(before):
            t.update(relative=True, note=f"relative to the {base_year} level" if base_year else "relative change; the base is the current level")
        if t["kind"] == "target" and (year < plan_start or (not lists and PAST.search(s) and not carried)):
            t.update(kind="baseline")
        out.append(t)
    return out


VALUE_CELL = re.compile(rf"^\s*(?P<pre>≥|≧|≤|≦|>|<|＞|＜|接近|约|不低于|不高于|不超过|低于|高于)?\s*(?P<num>{NUM})(?:\s*[-—–~～]\s*(?P<max>{NUM}))?"
                        rf"\s*(?P<unit>%|‰|岁|人|个|张|名|所|家|亿元|万元|元)?\s*(?P<suf>及以上|以上|及以下|以下|以内|左右)?\s*$")
NATURE = ("预期性", "约束性", "預期性", "約束性")


def row_targets(cells: list[str], years: list[tuple[int, str]], plan_start: int, unit: str | None, indicator: str) -> list[dict]:
    """Targets of one table row. ``years`` are the year columns (year, label) in order; the row's value
    cells fill the last ones (a row with fewer values than years leaves its earlier years empty)."""
    values = [c for c in cells if c.strip() and (VALUE_CELL.match(c) or _value_text(c))]
    nature = next((n for n in NATURE if n in cells), None)
    out = []
    first_year = years[0][0] if len(years) > 1 else None  # of several year columns, the first is the base
    for (year, label), cell in zip(years[-len(values):] if values else [], values[-len(years):] if years else []):
        base = year < plan_start or (year == first_year and year <= plan_start) or re.search(r"基期|现状|基数|現狀", label)
        kind = "baseline" if base else "target"
        t = {"indicator": indicator, "year": year, "kind": kind, "quote": " ".join(c for c in cells if c.strip())}
        m = VALUE_CELL.match(cell)
        if m:
            pre = m.group("pre") or ""
            cmp = SUFFIX.get(m.group("suf") or "") or dict(PREFIX).get(pre.replace("＞", ">").replace("＜", "<"), "=")
            t.update(comparator=cmp, value=float(m.group("num")), value_max=float(m.group("max")) if m.group("max") else None,
                     unit=m.group("unit") or unit)
        else:
            t["value_text"] = cell.strip()
        if nature:
            t["nature"] = nature.replace("預期性", "预期性").replace("約束性", "约束性")
        out.append(t)
    return out


def _value_text(cell: str) -> bool:
    return bool(re.search(r"提高|提升|降低|下降|保持|控制|增长|持续|改善|达到|逐步|稳步|平均水平|明显", cell)) and len(cell) <= 16
