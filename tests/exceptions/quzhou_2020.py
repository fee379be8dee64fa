"""Audit exceptions for quzhou-2020 (衢州市人民政府关于推进健康衢州行动的实施意见).

The audit finds no candidate numbers in this plan: no sentence of the running text
combines a year (20XX年) with a figure. The indicator table (附件:推进健康衢州行动的主要指标)
is absent from the capture (defect missing_attachment).

Numbers in the running text that are deliberately NOT encoded as targets (none is an audit
candidate, so none needs an entry below):
- line 33 "15分钟健身圈": name of a facility concept (15-minute fitness circle), not a target value
- line 41 "3+1": name of a service mechanism ("3+1"服务机制)
- line 45 "0—3岁", "0—6岁": age bounds in programme names
- line 61 "40岁以上人群": age bound of the population group
- lines 71, 83 "第七届": ordinal of an event (第七届中医科学大会)
Encoded although not audit candidates (no year written): line 29 80% (>= , 2030 inferred),
line 99 100% (=, 2030 inferred).
"""

EXCEPTIONS: dict[tuple[int, str], str] = {}
