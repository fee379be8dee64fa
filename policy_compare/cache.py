"""Per-plan cache: a plan's load → validate result, stored under a hash of its content.

Pelican's ``FileStampDataCacher`` idea: the key of a plan file is the SHA-256 of its bytes, of its source
text's bytes and of the code that reads and checks them (``load.py``, ``model.py``, ``validate.py``), so an
edit to one plan, to its source, or to the rules recomputes exactly what it must. Entries are pickles in
``.cache/plans/`` at the repository root (gitignored); a missing, stale or unreadable entry is recomputed.
Cross-file rules are not cached: they run on every build, over the cached plans.
"""
from __future__ import annotations

import hashlib
import pickle
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"
_CODE = ("load.py", "model.py", "validate.py", "problems.py", "cache.py")


@lru_cache(maxsize=1)
def code_version() -> str:
    h = hashlib.sha256()
    for name in _CODE:
        h.update((Path(__file__).parent / name).read_bytes())
    return h.hexdigest()[:16]


class PlanCache:
    """A cached version of :func:`validate.check_plan`, with hit and miss counts."""

    def __init__(self, folder: Path = CACHE / "plans"):
        self.folder = folder
        self.hits = self.misses = 0

    def _key(self, path: Path) -> str:
        return hashlib.sha256(path.read_bytes() + code_version().encode() + (str(path.resolve()) + "\0" + str(Path.cwd())).encode()).hexdigest()

    def lookup(self, path: Path, data_dir: Path):
        """The cached result for this plan file, or None (then :meth:`__call__` computes it)."""
        try:
            return self._read(self.folder / f"{self._key(path)}.pickle", data_dir)
        except OSError:
            return None

    def _read(self, entry: Path, data_dir: Path):
        try:
            with entry.open("rb") as f:
                source_name, source_hash, result = pickle.load(f)
            if hashlib.sha256((data_dir / source_name).read_bytes()).hexdigest() == source_hash:
                self.hits += 1
                return result
        except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError, TypeError):
            pass
        return None

    def __call__(self, path: Path, data_dir: Path):
        from .validate import check_plan

        try:
            entry = self.folder / f"{self._key(path)}.pickle"
        except OSError:
            return check_plan(path, data_dir)
        found = self._read(entry, data_dir)
        if found is not None:
            return found
        self.misses += 1
        result = check_plan(path, data_dir)
        lp = result[0]
        if lp is not None:
            source_name = lp.plan.source.file
            source_hash = hashlib.sha256(lp.source_text.encode("utf-8")).hexdigest()
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(entry, pickle.dumps((source_name, source_hash, result), protocol=pickle.HIGHEST_PROTOCOL))
        return result


def by_content(path: Path, compute, *code: str, folder: Path = CACHE / "files"):
    """``compute()``, kept in ``folder`` under a hash of ``path``'s bytes, its full name, the loading code
    and the modules named in ``code``: a catalogue file that has not changed is not parsed again. Errors
    reading the file or the entry are left to ``compute``."""
    try:
        h = hashlib.sha256(path.read_bytes() + f"{path.resolve()}\0{Path.cwd()}\0{code_version()}".encode())
        for name in code:
            h.update((Path(__file__).parent / name).read_bytes())
        entry = folder / f"{h.hexdigest()}.pickle"
    except OSError:
        return compute()
    found = read_kept(entry)
    if found is not None:
        return found
    result = compute()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        write_atomic(entry, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass
    return result


class Memo:
    """Values by key, kept in one file between builds under a version string (another version starts
    empty): :meth:`get` returns the kept value or makes it; :meth:`save` keeps only the entries this build
    asked for, and writes only when they differ from what was kept. ``path`` None: kept in memory only."""

    def __init__(self, path: Path | None = None, version: str = ""):
        self.path, self.version = path, version
        stored = read_kept(path) if path else None
        self.kept: dict = stored[1] if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == version else {}
        self.used: dict = {}
        self.made = 0  # values made (not found kept) by this build

    def get(self, key, make):
        if key in self.kept:
            value = self.kept[key]
        else:
            value = make()
            self.made += 1
        self.used[key] = value
        return value

    def put(self, key, value) -> None:
        """Keep ``value`` under ``key``, as made by this build (the next :meth:`save` writes it)."""
        self.used[key] = value
        self.made += 1

    def save(self) -> None:
        if self.path and (self.made or self.used.keys() != self.kept.keys()):
            write_atomic(self.path, pickle.dumps((self.version, self.used), protocol=pickle.HIGHEST_PROTOCOL))


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file and one rename: a reader (or a killed build) never sees half a file."""
    import os
    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
    tmp.write_bytes(data)
    tmp.replace(path)


def read_kept(path: Path):
    """What :func:`keep_only` kept at ``path``, or None when it is missing or unreadable."""
    try:
        return pickle.loads(path.read_bytes())
    except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError, TypeError):
        return None


def keep_only(path: Path, value) -> None:
    """Keep ``value`` at ``path`` (``<name>-<key>.pickle``) between builds, and drop the files an older key
    left beside it: one result of a kind per workspace (the cross-links, the search terms)."""
    name = path.name.split("-", 1)[0]
    write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    for old in path.parent.glob(f"{name}-*.pickle"):
        if old != path:
            old.unlink(missing_ok=True)
