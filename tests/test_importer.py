"""Importer rules, in-process on small pieces of the real source texts (data/CURATION.md, issue 9)."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DATA, ROOT, run_build
from policy_compare import draft_bodies, draft_targets, importer
from policy_compare.readers import ReadError, read


def targets(text, start=2019, **kw):
    return [(t["year"], t.get("value", t.get("value_text")), t.get("unit"), t.get("comparator"), t["kind"], bool(t.get("relative")))
            for t in draft_targets.parse(text, start, **kw)[0]]


# ---------------------------------------------------------------- targets (issue 9, points 1-7)

def test_two_years_and_values_respectively():
    assert targets("到2022年和2030年,居民健康素养水平分别不低于22%和30%。") == [
        (2022, 22.0, "%", ">=", "target", False), (2030, 30.0, "%", ">=", "target", False)]


def test_each_value_takes_the_year_written_before_it():
    got = targets("2020年全市健康服务业总规模达到1000亿元,2030年达到2000亿元。", start=2017)
    assert [(y, v, u) for y, v, u, *_ in got] == [(2020, 1000.0, "亿元"), (2030, 2000.0, "亿元")]


def test_base_year_is_not_a_horizon_and_the_change_is_relative():
    got = draft_targets.parse("到2022年居民营养健康知识知晓率在2019年基础上提高10%;", 2020)[0]
    assert [(t["year"], t["value"], t["unit"], t.get("relative"), t.get("note")) for t in got] == [
        (2022, 10.0, "%", True, "relative to the 2019 level")]


def test_year_carried_from_a_lead_in_and_a_previous_sentence():
    got, left = draft_targets.parse("到2030年,具体实现以下目标:", 2019)
    assert got == [] and left == (2030,)
    got = draft_targets.parse("人均预期寿命达到79岁以上。", 2019, left)[0]
    assert [(t["year"], t["year_inferred"], t["comparator"]) for t in got] == [(2030, True, ">=")]


def test_single_horizon_plan_and_counts():
    got = targets("新建鄉鎮(街道)建設居家養老服務中心50家。", start=2021, single_horizon=2021)
    assert got == [(2021, 50.0, "家", "=", "target", False)]


@pytest.mark.parametrize("text,unit", [("孕产妇死亡率下降到18/10万以下。", "1/10万"), ("到2025年,建成健身步道100公里。", "公里"),
                                       ("到2025年,每千人口拥有3岁以下婴幼儿托位数达到4.5个。", "个"),
                                       ("到2025年,服务300人次以上。", "人次"), ("到2025年,比例提升5个百分点。", "个百分点"),
                                       ("到2025年,补助标准达到600元。", "元")])
def test_units(text, unit):
    assert [t["unit"] for t in draft_targets.parse(text, 2020, single_horizon=2025)[0]] == [unit]


@pytest.mark.parametrize("text", ["到2030年,5岁以下儿童死亡率控制在6‰以下。", "到2030年,15岁以上人群吸烟率低于20%。",
                                  "到2030年,65岁及以上老年人健康管理率达到70%。", "到2030年,10人及以上用人单位申报率达到90%。"])
def test_ages_and_thresholds_in_names_are_not_targets(text):
    got = draft_targets.parse(text, 2019)[0]
    assert len(got) == 1 and got[0]["unit"] in ("‰", "%")


def test_baselines_from_a_review_of_achievements():
    got = targets("婴儿死亡率由3.87‰降至3.69‰;", start=2024, review_years=(2015, 2020))
    assert got == [(2015, 3.87, "‰", "=", "baseline", False), (2020, 3.69, "‰", "=", "baseline", False)]
    got = targets("到2025年,城乡居民医保补助标准从年人均570元提高到600元。", start=2021)
    assert [k for *_, k, _ in got] == ["baseline", "target"]


@pytest.mark.parametrize("text,cmps", [("到2030年,孕产妇死亡率下降到12/10万以下。", ["<="]), ("到2030年,覆盖率提升至90%。", ["="]),
                                       ("到2022年和2030年,学生体质健康标准优良率分别达到50%及以上和60%及以上。", [">=", ">="]),
                                       ("到2030年,生长迟缓率低于5%。", ["<"]), ("到2030年,人均预期寿命接近80岁。", ["~"]),
                                       ("到2022年和2030年,5岁以下儿童死亡率分别控制在9.5‰和6‰以下。", ["<=", "<="])])
def test_comparators_reach_every_value(text, cmps):
    assert [t["comparator"] for t in draft_targets.parse(text, 2019)[0]] == cmps


def test_one_value_under_two_years_and_shared_by_listed_indicators():
    assert [t["year"] for t in draft_targets.parse("到2022年和2030年,环境空气质量优良天数比例达到80%以上。", 2019)[0]] == [2022, 2030]
    got = draft_targets.parse("到2025年,孕产妇系统管理率、7岁以下儿童健康管理率以及新生儿访视率均达到90%以上。", 2021)[0]
    assert [t["indicator"] for t in got] == ["孕产妇系统管理率", "7岁以下儿童健康管理率", "新生儿访视率"]


def test_qualitative_target_keeps_its_words():
    got = draft_targets.parse("到2022年,居民健康素养水平稳步提高,健康生活方式加快推广。", 2019)[0]
    assert [(t["indicator"], t["value_text"]) for t in got] == [("居民健康素养水平", "稳步提高")]


def test_traditional_text_quotes_stay_verbatim():
    got = draft_targets.parse("到2021年,全市居民健康素養水平達到30%以上。", 2021)[0]
    assert got[0]["comparator"] == ">=" and got[0]["quote"] == "到2021年,全市居民健康素養水平達到30%以上。" and "達" not in got[0]["indicator"]


# ---------------------------------------------------------------- responsible bodies (point 9)

@pytest.mark.parametrize("text,lead,partners", [
    ("加强X。(市卫生健康委、市教育局按职责分工负责)", ["市卫生健康委", "市教育局"], []),
    ("加强X。(市卫生健康委牵头,市教育局、市民政局按职责分工负责)", ["市卫生健康委"], ["市教育局", "市民政局"]),
    ("加強口岸檢疫。(麗水海關)", ["麗水海關"], []),
    ("加強水源保護。(市水利局負責)", ["市水利局"], []),
    ("推进X。(牵头部门:市卫生健康委员会,配合部门:市委宣传部、市人力资源和社会保障局)", ["市卫生健康委员会"], ["市委宣传部", "市人力资源和社会保障局"]),
    ("推进X。(责任部门:市体育局、市教育局)", ["市体育局"], ["市教育局"]),
    ("落实属地责任。(各县(市、区)人民政府负责)", ["各县(市、区)人民政府"], []),
])
def test_responsibility(text, lead, partners):
    pieces = draft_bodies.split_measures(text)
    assert len(pieces) == 1 and pieces[0][1][:2] == (lead, partners)
    assert pieces[0][1][2] in text


def test_a_parenthesis_that_is_not_a_body_list_stays_in_the_text():
    text = "根据《意见》(国发〔2019〕13号)精神,各县(市、区)要加快推进。"
    assert draft_bodies.split_measures(text) == [(text, None)]


def test_lishui_measures_are_split_after_each_body():
    text = "開展A。(市衛生健康委)推進B。(市教育局、市體育局)"
    assert [p for p, _ in draft_bodies.split_measures(text)] == ["開展A。(市衛生健康委)", "推進B。(市教育局、市體育局)"]


# ---------------------------------------------------------------- structure (points 8, 10)

def draft_of(tmp_path: Path, text: str, name="city-2025.txt"):
    src = tmp_path / name
    src.write_text(text, encoding="utf-8")
    return importer.make_draft(src, None, DATA).plan


def headings(plan):
    return [(s["kind"], s["heading"]) for s in importer.walk(plan["sections"])]


NOTICE = """首页 > 政务公开 > 文件
索引号: 0001/2025-1 成文日期: 2025-03-01
发布机构: 某某市人民政府办公室 文件编号: 某政办发〔2025〕7号
某某市人民政府办公室关于印发健康某某行动方案的通知
发布时间:2025-03-05 10:00 浏览次数: 字号:【大 中 小】
各县(市、区)人民政府,市政府各部门:
现将《健康某某行动方案》印发给你们,请认真贯彻执行。
某某市人民政府办公室
2025年3月1日
(此件公开发布)
健康某某行动方案
第一部分 总体要求
一、发展基础
(一)预期寿命显著延长:人均预期寿命由75.69岁提升至77.6岁。
(二)妇幼健康持续改善:
1.婴儿死亡率由3.87‰降至3.69‰;
2.孕产妇死亡率由39.73/10万下降至14.47/10万。
第二部分 主要任务
一、实施控烟行动
(1)加强宣传。到2025年,全市15岁以上人群吸烟率低于20%。(市卫生健康委)
一是开展无烟机关建设,持续推进。(市体育局)
附件:1.任务分工
附件1
任务分工
扫一扫在手机打开当前页
"""


def test_header_body_skipped_and_headings(tmp_path):
    plan = draft_of(tmp_path, NOTICE)
    assert plan["doc_number"] == "某政办发〔2025〕7号" and plan["date_written"] == "2025-03-01"
    assert plan["date_published"] == "2025-03-05" and plan["issuer"] == ["某某市人民政府办公室"]
    assert plan["title"] == "健康某某行动方案" and plan["kind"] == "行动方案" and plan["city"]["zh"] == "某某"
    assert plan["source"]["body_lines"] == [4, 24]
    reasons = {tuple(s["lines"]): s["reason"].split(" (")[0] for s in plan["source"]["skipped"]}
    assert reasons == {(5, 5): "page chrome", (8, 9): "signature and date", (10, 10): "publication note",
                       (22, 22): "list of attachment names"}
    assert headings(plan) == [
        ("preamble", "健康某某行动方案"), ("part", "第一部分 总体要求"), ("part", "一、发展基础"),
        ("subpart", "(一)预期寿命显著延长:"), ("subpart", "(二)妇幼健康持续改善:"), ("part", "第二部分 主要任务"),
        ("part", "一、实施控烟行动"), ("item", "(1)加强宣传。"), ("item", "一是开展无烟机关建设,"), ("attachment", "附件1")]
    assert plan["review"] and all(isinstance(r, str) for r in plan["review"])


def test_list_items_numbered_1_are_provisions_not_headings(tmp_path):
    plan = draft_of(tmp_path, NOTICE)
    sub = next(s for s in importer.walk(plan["sections"]) if s["heading"].startswith("(二)"))
    assert [p["text"][:2] for p in sub["provisions"]] == ["1.", "2."] and sub["sections"] == []


def test_cell_per_line_table_rows_and_targets(tmp_path):
    lines = (DATA / "sources" / "lianyungang-2017.txt").read_text(encoding="utf-8").split("\n")
    text = "2017年5月18日\n健康某某2030行动计划\n一、行动目标\n" + "\n".join(lines[51:100]) + "\n三、主要任务\n"
    plan = draft_of(tmp_path, text, "city-2017.txt")
    table = next(p for s in importer.walk(plan["sections"]) for p in s["provisions"] if p.get("table"))
    assert table["text"] == "健康连云港建设主要指标" and table["table"][0] == ["领域", "序号", "指标", "2015年", "2020年", "2030年"]
    assert table["table"][1][:3] == ["健康水平", "1", "人均期望寿命(岁)"]
    t = {(x["year"], x["kind"]): (x.get("value"), x.get("value_text"), x.get("unit"), x.get("comparator")) for x in table["targets"]
         if x["indicator"] == "婴儿死亡率"}
    assert t == {(2015, "baseline"): (2.18, None, "‰", "="), (2020, "target"): (6.0, None, "‰", "<="),
                 (2030, "target"): (None, "保持较好控制水平", None, None)}


# ---------------------------------------------------------------- the CLI

def test_cli_write_then_check_passes(tmp_path):
    import shutil
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("drafts"))
    (data / "plans" / "ordos-2020.yaml").unlink()
    source = tmp_path / "ordos-2020.txt"
    (data / "sources" / "ordos-2020.txt").rename(source)
    import yaml
    deps = yaml.safe_load((data / "departments.yaml").read_text(encoding="utf-8"))
    others = "".join((data / "plans" / f).read_text(encoding="utf-8") for f in ("jiamusi-2024.yaml", "lianyungang-2017.yaml", "lishui-2021.yaml", "quzhou-2020.yaml"))
    for g in deps["departments"]:
        g["names"] = [n for n in g["names"] if n in others]
    deps["departments"] = [g for g in deps["departments"] if g["names"]]
    (data / "departments.yaml").write_text(yaml.safe_dump(deps, allow_unicode=True), encoding="utf-8")
    proc = run_build("import", str(source), "--data", str(data), "--write", "--review", str(tmp_path / "r.html"))
    assert proc.returncode == 0, proc.stderr
    assert (data / "sources" / "ordos-2020.txt").read_text(encoding="utf-8") == source.read_text(encoding="utf-8")
    assert (data / "drafts" / "ordos-2020-departments.yaml").is_file()
    proc = run_build("check", "--data", str(data))
    assert proc.returncode == 0, proc.stderr
    assert "[open_review]" in proc.stdout
    proc = run_build("import", str(source), "--data", str(data), "--write")
    assert proc.returncode == 0  # the same draft again: nothing differs
    (data / "plans" / "ordos-2020.yaml").write_text("id: edited\n", encoding="utf-8")
    proc = run_build("import", str(source), "--data", str(data), "--write")
    assert proc.returncode == 1 and "exists and differs" in proc.stderr and "Traceback" not in proc.stderr


def test_review_page_escapes_everything(tmp_path):
    from policy_compare.import_review import page
    src = tmp_path / "x-2025.txt"
    src.write_text(NOTICE.replace("加强宣传。", "加强宣传<script>alert(1)</script>。"), encoding="utf-8")
    html = page(importer.make_draft(src, None, DATA))
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.index("To review") < html.index('class="src"')
    for kind in ("heading", "provision", "body", "target", "baseline", "skipped", "chrome"):
        assert f'<li class="{kind}"' in html, kind
    assert "http" not in html.replace('lang="zh"', "")


@pytest.mark.parametrize("name,content,message", [
    ("plan.doc", b"\xd0\xcf\x11\xe0", "old Word .doc files are not read; save it as .docx"),
    ("plan.odt", b"x", "unknown file type '.odt'"),
    ("plan.txt", b"\x00\x01\x02\xff\xfe\x00", "not a text file in UTF-8 or GB18030/GBK"),
    ("plan.docx", b"not a zip", "not a readable .docx file"),
    ("plan.pdf", b"%PDF-1.4 broken", "not a readable PDF"),
])
def test_unreadable_files_give_one_line(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    proc = run_build("import", str(path), "--id", "x-2025")
    assert proc.returncode == 1 and message in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_bad_plan_id_is_refused(tmp_path):
    path = tmp_path / "Plan 2025.txt"
    path.write_text("x\n", encoding="utf-8")
    proc = run_build("import", str(path))
    assert proc.returncode == 1 and "give --id" in proc.stderr


def test_read_error_is_raised_for_missing_file(tmp_path):
    with pytest.raises(ReadError):
        read(tmp_path / "none.txt")
    assert ROOT.is_dir()


def test_guide_example_is_the_importers_real_output():
    """The walkthrough's review items and provision come from importing data/sources/ordos-2020.txt."""
    import re
    guide = (ROOT / "templates" / "guide.md.j2").read_text(encoding="utf-8")
    blocks = re.findall(r"```text\n(.*?)```", guide, re.S)
    out = "\n".join(line.strip() for line in importer.run(DATA / "sources" / "ordos-2020.txt").split("\n"))
    blocks = ["\n".join(line.strip() for line in block.strip().split("\n")) for block in blocks]
    blocks = [b for b in blocks if not b.startswith("data/plans")]  # the validator's sample output
    assert len(blocks) == 2 and all(block in out for block in blocks), "update the guide's example from the importer's output"


def test_verb_first_qualitative_target():
    got = draft_targets.parse("到2025年,逐步提高日间手术占择期手术的比例。", 2021)[0]
    assert [(t["year"], t["indicator"], t["value_text"]) for t in got] == [(2025, "日间手术占择期手术的比例", "逐步提高")]


def test_grade_reached_is_a_qualitative_target_under_the_plans_horizon():
    """'…等级基本达到B级以上' is a level, not a number; a year's work points give it their year."""
    got = draft_targets.parse("學校食堂食品安全等級基本達到B級以上;", 2021, qualitative_horizon=2021)[0]
    assert [(t["year"], t["indicator"], t["value_text"]) for t in got] == [(2021, "學校食堂食品安全等級", "基本達到B級以上")]


def test_a_service_level_is_an_aim_but_the_literacy_level_is_an_indicator():
    got = targets("到2030年,健康服务质量和水平明显提高,居民健康素养水平稳步提高。")
    assert got == [(2030, "稳步提高", None, None, "target", False)]


def test_size_qualifying_a_noun_is_a_threshold():
    got = targets("到2025年,常住人口超过10万人的脱贫县至少建成1所二级医院。", start=2021)
    assert [(y, v, u) for y, v, u, *_ in got] == [(2025, 1.0, "所")]


def test_per_population_ratio_keeps_its_base_in_the_unit():
    got = draft_targets.parse("到2025年,确保每3万常住人口配备1辆救护车(负压救护车占比不低于40%)。", 2021)[0]
    assert [(t["indicator"], t["value"], t["unit"]) for t in got] == [
        ("每3万常住人口配备救护车", 1.0, "辆/3万常住人口"), ("负压救护车占比", 40.0, "%")]
    got = draft_targets.parse("到2025年,按3-10万居民人口规划设置1个社区卫生服务中心。", 2021)[0]
    assert [(t["value"], t["unit"]) for t in got] == [(1.0, "个/3-10万居民")]


def test_a_count_after_a_verb_names_the_thing_counted():
    got = draft_targets.parse("提升建設6家規范化殘疾兒童康復機構,落實管理辦法。", 2021, single_horizon=2021)[0]
    assert [(t["indicator"], t["value"], t["unit"]) for t in got] == [("規范化殘疾兒童康復機構", 6.0, "家")]
    got = draft_targets.parse("新建綠道79公里以上。", 2021, single_horizon=2021)[0]
    assert [(t["indicator"], t["value"]) for t in got] == [("新建綠道", 79.0)]


@pytest.mark.parametrize("text,want", [("到2025年,建设两个以上示范性托育服务机构。", [("示范性托育服务机构", 2.0, "个", ">=")]),
                                       ("到2025年,实现每个县(市)区至少一家公立的职业健康检查机构。", [("每个县(市)区", 1.0, "家", ">=")]),
                                       ("到2025年,建设一个中心、一批基地。", [])])
def test_counts_in_chinese_numerals_with_a_comparator(text, want):
    got = draft_targets.parse(text, 2021)[0]
    assert [(t["indicator"], t["value"], t["unit"], t["comparator"]) for t in got] == want
    assert all(t["quote"] == text for t in got)
