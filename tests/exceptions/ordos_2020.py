"""Audit exceptions for ordos-2020: candidate numbers that are not targets."""

EXCEPTIONS = {
    (34, "15"): "age bound in the indicator's name (15岁以上人群吸烟率)",
    (45, "65"): "age band in the indicator's name (65到74岁老年人失能发生率)",
    (45, "74"): "age band in the indicator's name (65到74岁老年人失能发生率)",
    (51, "70"): "age bound in the indicator's name (70岁及以下人群慢性呼吸系统疾病死亡率)",
    (59, "14"): "number of clinical disciplines selected for cultivation (遴选…14个学科进行重点培育), an input; the 2025 aim for them (创建成上一级医学重点学科) is qualitative and outside the plan's target years",
}
