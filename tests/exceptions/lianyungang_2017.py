"""Audit exceptions for lianyungang-2017: numbers that are not targets."""

EXCEPTIONS = {
    (38, "5"): "age bound in the indicator's name (5岁以下儿童死亡率)",
}
