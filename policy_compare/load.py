"""Stage 1 — load: read YAML files, keeping the line of every value.

PyYAML reports lines for syntax errors only, so we compose the node tree
ourselves and record, for every key path (``('sections', 3, 'heading')``),
the line it starts on. Later stages turn a path into ``file:line`` with
:meth:`Document.line_of`. Nothing here raises on bad input: problems are
returned as :class:`~policy_compare.problems.Problem` objects.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

PathKey = tuple  # tuple[str | int, ...]


@dataclass
class Document:
    """One parsed YAML file: its data and a map from key path to line (1-based)."""

    path: Path
    display: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, loc: PathKey) -> int:
        """Line of the longest known prefix of ``loc`` (the parent when a key is missing)."""
        loc = tuple(loc)
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return self.lines.get(loc, 1)


def _walk(node: yaml.Node, path: PathKey, lines: dict, dupes: list) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                dupes.append((path + (key,), key_node.start_mark.line + 1))
            seen.add(key)
            lines[path + (key,)] = key_node.start_mark.line + 1
            _walk(value_node, path + (key,), lines, dupes)
            # a key's line is where the key is written, even for block values
            lines[path + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines, dupes)


def display_path(path: Path, root: Path | None = None) -> str:
    """Path as shown in messages: relative to the working directory when possible."""
    for base in (Path.cwd(), root):
        if base is None:
            continue
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)


def _parse(text: str):
    """Node tree and data in one pass, with libyaml's parser where PyYAML has it (much faster at scale)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def load_yaml(path: Path) -> tuple[Document | None, list[Problem]]:
    """Parse one YAML file; on failure return no document and the problem."""
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(shown, 1, "", "yaml_syntax", f"file is not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return None, [Problem(shown, 1, "", "unreadable", f"cannot read the file ({exc.strerror})")]
    try:
        node, data = _parse(text)
    except yaml.YAMLError:
        node = None
    try:
        if node is None:  # a syntax error, or an empty file: the pure-Python parser words errors as before
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        detail = f"{what} ({context})" if context else what
        return None, [Problem(shown, line, "", "yaml_syntax",
                              f"the YAML is not well-formed: {detail}; check indentation, colons and quotes on this line or the one before")]
    if node is None:
        return None, [Problem(shown, 1, "", "empty_file", "the file is empty")]
    lines: dict = {}
    dupes: list = []
    _walk(node, (), lines, dupes)
    doc = Document(path, shown, data, lines)
    problems = [Problem(shown, line, loc, "duplicate_key", f"key '{loc[-1]}' appears twice in the same mapping; keep one")
                for loc, line in dupes]
    return doc, problems
