"""Audit exceptions for lishui-2021: numbers in the text that are not targets."""

EXCEPTIONS = {
    (53, "3"): "age bound in the group's name (3歲以下嬰幼兒 / 0—3歲兒童), not a target",
    (53, "0"): "age bound in the group's name (0—3歲兒童), not a target",
    (109, "28"): "28項行動 is the count of actions in the name of the Healthy Lishui programme, not a target",
}
