"""One error format for every stage.

``data/plans/ordos-2020.yaml:42: sections[3].provisions[1].text: <message> [code]``

Stages return lists of :class:`Problem`; only the CLI prints them.
"""
from __future__ import annotations

from dataclasses import dataclass


def format_loc(loc) -> str:
    """('sections', 3, 'heading') -> 'sections[3].heading'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    loc: object  # tuple path or preformatted string
    code: str
    message: str
    level: str = "error"  # or "warning"

    def __str__(self) -> str:
        where = format_loc(self.loc) if isinstance(self.loc, tuple) else str(self.loc)
        prefix = f"{self.file}:{self.line}: "
        if where:
            prefix += f"{where}: "
        tag = "warning: " if self.level == "warning" else ""
        return f"{prefix}{tag}{self.message} [{self.code}]"


class BuildFailed(Exception):
    """Raised only to carry problems up to the CLI boundary."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems
