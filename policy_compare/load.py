"""Stage 1 — load: read YAML files, keeping the line of every value.

PyYAML reports lines for syntax errors only, so we compose the node tree
ourselves and record, for every key path (``('sections', 3, 'heading')``),
the line it starts on. Later stages turn a path into ``file:line`` with
:meth:`Document.line_of`. Nothing here raises on bad input: problems are
returned as :class:`~policy_compare.problems.Problem` objects.

Data files come from editors, spreadsheets and other people's forks, so the
loader bounds what one file may cost before anything is parsed or built:

- a file above :data:`MAX_BYTES` is refused from its size alone;
- NUL bytes (binary files) and text that is not UTF-8 (GBK/GB18030 saved by
  an editor) are refused with the line of the first bad byte; a UTF-8 BOM and
  CRLF line ends are accepted;
- while composing, nesting deeper than :data:`MAX_DEPTH` and documents that
  expand (aliases counted as often as they are used) to more than
  :data:`MAX_NODES` nodes are refused — an alias bomb costs microseconds;
- only the plain YAML types are built: any other tag (``!!python/object``,
  ``!custom``) is refused, and an impossible unquoted date (2020-02-30) stays
  text so the schema can say what is wrong with it.

A plain file (no anchor, alias or tag, within the bounds, well-formed: every real plan) is parsed by
libyaml, PyYAML's C parser, about six times faster than the Python one; anything else goes through the
bounded Python loader, which gives the messages above (the same data and lines either way: tested).
"""
from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

PathKey = tuple  # tuple[str | int, ...]

MAX_BYTES = 5 * 1024 * 1024  # the largest real plan is 0.13 MB
MAX_DEPTH = 64  # plans nest headings about 6 levels, i.e. ~20 YAML levels
MAX_NODES = 1_000_000  # the largest real plan has ~25,000 nodes
SAFE_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("null", "bool", "int", "float", "str", "seq", "map", "timestamp", "merge")}


@dataclass
class Document:
    """One parsed YAML file: its data and a map from key path to line (1-based)."""

    path: Path
    display: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    # Kept in the per-plan cache, a document is read back on every build, but its data and lines are
    # needed only to report a problem: they are pickled as one opaque blob, unpickled on first use.
    def __getstate__(self):
        import pickle
        return {"path": self.path, "display": self.display,
                "_blob": pickle.dumps((self.data, self.lines), protocol=pickle.HIGHEST_PROTOCOL)}

    def __setstate__(self, state) -> None:
        self.__dict__.update(state)

    def __getattr__(self, name: str):
        blob = self.__dict__.get("_blob")
        if name in ("data", "lines") and blob is not None:
            import pickle
            self.data, self.lines = pickle.loads(blob)
            del self.__dict__["_blob"]
            return self.__dict__[name]
        raise AttributeError(name)

    def line_of(self, loc: PathKey) -> int:
        """Line of the longest known prefix of ``loc`` (the parent when a key is missing)."""
        loc = tuple(loc)
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return self.lines.get(loc, 1)


class Refused(Exception):
    """A file the loader will not parse: carries the line and the message."""

    def __init__(self, line: int, code: str, message: str):
        super().__init__(message)
        self.line, self.code, self.message = line, code, message


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that counts nodes (aliases as often as they are used) and nesting while composing."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._size: dict[int, int] = {}  # id(node) -> expanded size, once composed
        self._total = 0

    def _too_deep(self, line: int) -> Refused:
        return Refused(line, "too_deep", f"the YAML nests more than {MAX_DEPTH} levels deep; a plan needs far fewer — "
                       "check for unclosed brackets or runaway indentation")

    # The scanner looks ahead through open brackets (each may start a key), so it is stopped at the
    # same depth as the composer, before the look-ahead grows with the nesting.
    def fetch_flow_collection_start(self, TokenClass):
        if self.flow_level >= MAX_DEPTH:
            raise self._too_deep(self.line + 1)
        super().fetch_flow_collection_start(TokenClass)

    def add_indent(self, column):
        if len(self.indents) >= MAX_DEPTH:
            raise self._too_deep(self.line + 1)
        return super().add_indent(column)

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            node = self.anchors.get(event.anchor)
            if node is not None and id(node) not in self._size:
                raise Refused(event.start_mark.line + 1, "yaml_alias",
                              f"alias '*{event.anchor}' is used inside its own anchor '&{event.anchor}'; "
                              "remove the alias (plan files need no anchors or aliases)")
            node = super().compose_node(parent, index)
            self._count(self._size[id(node)], node)
            return node
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise self._too_deep(self.peek_event().start_mark.line + 1)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if node.tag not in SAFE_TAGS:
            raise Refused(node.start_mark.line + 1, "yaml_tag",
                          f"the tag '{node.tag.replace('tag:yaml.org,2002:', '!!')}' is not allowed; "
                          "remove it (data files hold only text, numbers, lists and mappings)")
        if isinstance(node, yaml.ScalarNode):
            size = 1
        elif isinstance(node, yaml.SequenceNode):
            size = 1 + sum(self._size[id(n)] for n in node.value)
        else:
            size = 1 + sum(self._size[id(k)] + self._size[id(v)] for k, v in node.value)
        self._size[id(node)] = size
        self._count(1, node)
        return node

    def _count(self, n: int, node: yaml.Node) -> None:
        self._total += n
        if self._total > MAX_NODES:
            raise Refused(node.start_mark.line + 1, "too_large",
                          f"the YAML expands to more than {MAX_NODES:,} values (anchors and aliases "
                          "multiply them); remove the aliases — plan files need no anchors or aliases")


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.Node):
    """An unquoted date that does not exist (2020-02-30) stays text; the schema then says why."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_BoundedLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml's parser with the same constructors (see :func:`_fast_node`)."""


_FastLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)
_COLLECTION_START = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_COLLECTION_END = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def _fast_node(text: str):
    """The document's node tree by libyaml (C, about twenty times faster than the Python parser), and the
    loader that composed it, for a document with nothing the bounds look at: no anchor, alias or explicit
    tag, nesting within MAX_DEPTH, at most MAX_NODES values, and well-formed. Anything else (None) is left
    to :class:`_BoundedLoader`, which refuses or reads it with today's messages. libyaml's event stream is
    checked first: it is produced without recursion, so a deep or huge file costs no more than its size."""
    if not getattr(yaml, "__with_libyaml__", False):
        return None
    depth = nodes = 0
    try:
        for event in yaml.parse(text, Loader=_FastLoader):
            kind = type(event)
            if kind is yaml.ScalarEvent or kind in _COLLECTION_START:
                if event.anchor or event.tag:
                    return None
                nodes += 1
                if nodes > MAX_NODES or depth >= MAX_DEPTH:  # a value's depth counts itself, as the composer's
                    return None
                if kind is not yaml.ScalarEvent:
                    depth += 1
            elif kind in _COLLECTION_END:
                depth -= 1
            elif kind is yaml.AliasEvent:
                return None
        loader = _FastLoader(text)
        node = loader.get_single_node()
    except yaml.YAMLError:
        return None
    return (node, loader) if node is not None else None


def _walk(node: yaml.Node, path: PathKey, lines: dict, dupes: list, budget: list) -> None:
    budget[0] -= 1
    if budget[0] < 0:  # aliases repeat subtrees; their lines are those of the first use anyway
        return
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise Refused(key_node.start_mark.line + 1, "yaml_key",
                              "a key is a list or mapping; keys are plain words like 'heading'")
            key = key_node.value
            if key in seen:
                dupes.append((path + (key,), key_node.start_mark.line + 1))
            seen.add(key)
            # a key's line is where the key is written, even for block values
            lines[path + (key,)] = key_node.start_mark.line + 1
            _walk(value_node, path + (key,), lines, dupes, budget)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines, dupes, budget)


def _absolute(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return Path(os.path.abspath(path))


def display_path(path: Path, root: Path | None = None) -> str:
    """Path as shown in messages: relative to the working directory when possible."""
    for base in (Path.cwd(), root):
        if base is None:
            continue
        try:
            return str(_absolute(path).relative_to(_absolute(base)))
        except ValueError:
            continue
    return str(path)


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """The text of a data file (YAML or a source text), or :class:`Refused` saying what to fix.

    A UTF-8 BOM is dropped and CRLF line ends become LF; NUL bytes, other encodings, files over
    ``max_bytes`` and unreadable paths (symlink loops, folders) are refused."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise Refused(1, "unreadable", "this is a folder, not a file; remove it or give the file's path")
        if size > max_bytes:
            raise Refused(1, "too_large", f"the file is {size / 1048576:.1f} MB, more than the {max_bytes / 1048576:.0f} MB "
                          "a data file may have; is it the right file? Split it or remove what does not belong")
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused(1, "unreadable", "the file is a symbolic link that points to itself (a loop); "
                          "replace it with the real file") from None
        if exc.errno == errno.ENOENT and path.is_symlink():
            raise Refused(1, "unreadable", "the file is a symbolic link to a file that does not exist; "
                          "replace it with the real file") from None
        raise Refused(1, "unreadable", f"cannot read the file ({exc.strerror}); check that it exists and is readable") from None
    if len(data) > max_bytes:
        raise Refused(1, "too_large", f"the file is larger than the {max_bytes / 1048576:.0f} MB a data file may have; "
                      "is it the right file?")
    nul = data.find(b"\x00")
    if nul >= 0:
        # UTF-16 (as Windows editors save 'Unicode') has a NUL in every ASCII character
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise Refused(1, "encoding", "the file is UTF-16; save it as UTF-8 (without BOM)")
        raise Refused(_line_at(data, nul), "binary", "the file contains NUL bytes (a binary file, not text); "
                      "save it as plain UTF-8 text")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = _line_at(data, exc.start)
        try:
            data.decode("gb18030")
            how = "it looks like GBK/GB18030; save it as UTF-8, e.g. iconv -f GB18030 -t UTF-8"
        except UnicodeDecodeError:
            how = "save it as UTF-8 in your editor"
        raise Refused(line, "encoding", f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} on this line); {how}") from None
    return text.replace("\r\n", "\n")


def load_text(path: Path, max_bytes: int = MAX_BYTES) -> tuple[str | None, list[Problem]]:
    """:func:`read_text` as (text, []) or (None, [problem])."""
    try:
        return read_text(path, max_bytes), []
    except Refused as refused:
        return None, [Problem(display_path(path), refused.line, "", refused.code, refused.message)]


def load_yaml(path: Path) -> tuple[Document | None, list[Problem]]:
    """Parse one YAML file; on failure return no document and the problem."""
    shown = display_path(path)
    try:
        text = read_text(path)
        if not text.strip():
            raise Refused(1, "empty_file", "the file is empty; write the plan in it or delete it")
        fast = _fast_node(text)
        loader = fast[1] if fast else _BoundedLoader(text)
        try:
            node = fast[0] if fast else loader.get_single_node()
            if node is None:
                raise Refused(1, "empty_file", "the file holds no data (only comments or blank lines); write the plan in it or delete it")
            lines: dict = {}
            dupes: list = []
            _walk(node, (), lines, dupes, [MAX_NODES])
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except Refused as refused:
        return None, [Problem(shown, refused.line, "", refused.code, refused.message)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        detail = f"{what} ({context})" if context else what
        hint = "check indentation, colons and quotes on this line or the one before"
        if "'\\t'" in detail:
            hint = "indent with spaces, not tabs"
        elif "found '<scalar>'" in detail:
            hint = "check indentation here, and for a quote opened earlier in the file and not closed"
        return None, [Problem(shown, line, "", "yaml_syntax", f"the YAML is not well-formed: {detail}; {hint}")]
    except (RecursionError, MemoryError) as exc:
        what = "nests too deeply" if isinstance(exc, RecursionError) else "needs more memory than is available"
        return None, [Problem(shown, 1, "", "too_large", f"the YAML {what} to be read; is it the right file?")]
    doc = Document(path, shown, data, lines)
    problems = [Problem(shown, line, loc, "duplicate_key", f"key '{loc[-1]}' appears twice in the same mapping; keep one")
                for loc, line in dupes]
    return doc, problems
