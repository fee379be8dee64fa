"""Audit exceptions for lianyungang-2017: numbers that are not targets for a year."""

EXCEPTIONS = {
    (38, "5"): "age bound in the indicator's name (5岁以下儿童死亡率)",
    (272, "7"): "recurring standard per school term (每学期不少于7课时), not a level for a target year",
    (302, "15"): "recurring yearly activity count (每年…15项以上), not a level for a target year",
    (306, "3"): "staffing rule per exercise site (每个晨晚练点3名以上指导员), not a level for a target year",
    (310, "300"): "recurring yearly activity count (每年…不少于300项), not a level for a target year",
    (310, "2"): "skills each pupil should learn (2项以上运动技能), a curriculum standard without a year",
}
