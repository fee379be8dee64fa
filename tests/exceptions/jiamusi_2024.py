"""Audit exceptions for jiamusi-2024: numbers in the running text that are not targets or baselines."""

EXCEPTIONS = {
    (31, "5"): "number of poverty-alleviated counties the 13th-FYP review speaks of (5个脱贫县), not an indicator value",
    (35, "1.91"): "difference of the two encoded baselines (77.6 - 75.69 岁), not a separate value",
    (43, "5"): "age bound in the indicator's name (5岁以下儿童死亡率)",
    (349, "3"): "population base of the ambulance ratio (每3万常住人口配备1辆), encoded in the target's unit",
    (349, "120"): "emergency telephone number (“120”急救电话), not a value",
    (374, "40"): "age bound of the screened group (40岁以上人群)",
    (374, "12"): "age in the indicator's name (12岁儿童龋患率, encoded as a non-numeric target)",
    (396, "7"): "age bound in the indicator's name (7岁以下儿童健康管理率)",
    (400, "10"): "employer-size threshold (10人及以上用人单位), not a target value",
    (404, "10"): "population threshold of the counties concerned (常住人口超过10万人的脱贫县)",
    (404, "0"): "age range of the screened children (0-6岁)",
    (404, "6"): "age range of the screened children (0-6岁)",
    (418, "3"): "age bound (3岁以下婴幼儿)",
    (436, "3"): "population band of the planning norm (按3-10万居民人口…设置1个社区卫生服务中心), encoded in the target's unit",
    (436, "10"): "population band of the planning norm (按3-10万居民人口…设置1个社区卫生服务中心), encoded in the target's unit",
}
