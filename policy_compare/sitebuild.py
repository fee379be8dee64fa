"""Stage 5 — MkDocs: build the rendered docs folder into a site, then swap it in.

MkDocs runs in strict mode with link and anchor validation, so a broken
generated link fails the build. The site is built in a temporary folder beside
the output, under a lock (:func:`build_dir`), and swapped in by one atomic
rename (:func:`swap`): a build killed at any moment, or two builds into the
same folder at once, never leave a partial or mixed site. Dates come from
SOURCE_DATE_EPOCH or the commit (:func:`source_date_epoch`), so builds repeat
byte for byte.
"""
from __future__ import annotations

import ctypes
import fcntl
import logging
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .problems import BuildFailed, Problem

ROOT = Path(__file__).resolve().parent.parent


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_mkdocs(docs: Path, site: Path, nav: list | None = None, config_file: Path = ROOT / "mkdocs.yml",
               lang_prefix: str = "", dirty: bool = False, **overrides) -> None:
    """Build ``docs`` into ``site`` with ``config_file``; warnings are errors (strict).

    ``lang_prefix`` ("en/") is where this language's site lives below the site root; it is appended to
    ``site_url`` so canonical URLs and the sitemap point at the right place.

    ``dirty``: ``site`` holds the build of an earlier version of ``docs`` with the same pages, navigation,
    configuration and code (the caller checks: :func:`pipeline.build_language`); MkDocs reads and writes only
    the pages whose Markdown is newer than their HTML (its ``--dirty`` mode) and the site-wide files. Every
    file MkDocs writes replaces the one there (a new file, not written into), because the kept site shares
    its files with the published one (:func:`link_tree`)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    handler = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        options = {"docs_dir": str(docs), "site_dir": str(site), "strict": True}
        if nav is not None:
            options["nav"] = nav
        options.update(overrides)
        config = load_config(config_file=str(config_file), **options)
        if config.site_url:
            absolute_alternates(config)
        if lang_prefix and config.site_url:
            config.site_url = config.site_url.rstrip("/") + "/" + lang_prefix
        site_extras(config.extra, config.site_url or "")
        from . import slots
        config.plugins["pc-slots"] = slots.plugin()  # pre-rendered HTML blocks skip Python-Markdown
        config.plugins["pc-theme-cache"] = theme_cache()
        with _replacing_writes(site):
            build(config, dirty=dirty)
    except (MkDocsException, SystemExit) as exc:
        messages = handler.messages or [str(exc)]
        raise BuildFailed([Problem(config_file.name, 1, "", "mkdocs", m) for m in messages]) from None
    finally:
        logger.removeHandler(handler)


def theme_cache():
    """A plugin giving the theme's Jinja environment a bytecode cache, so its templates (main.html, the
    partials) compile once per machine instead of once per build and language. Jinja checks each template's
    source against the cached code; the folder is named by the versions that decide how they compile."""
    from importlib.metadata import version

    from jinja2 import FileSystemBytecodeCache
    from mkdocs.plugins import BasePlugin

    name = "-".join(version(p) for p in ("mkdocs", "mkdocs-material", "jinja2"))
    folder = ROOT / ".cache" / "jinja-theme" / name

    class ThemeCache(BasePlugin):
        def on_env(self, env, config, files):
            folder.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = FileSystemBytecodeCache(str(folder))
            return env

    return ThemeCache()


class _NoDirtyWarning(logging.Filter):
    """MkDocs warns that a dirty build may leave navigation stale; ours is dirty only when the navigation and
    the set of pages are those of the kept build, so the warning (an error in strict mode) is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


@contextmanager
def _replacing_writes(site: Path) -> Iterator[None]:
    """While MkDocs builds into ``site``: each file it writes or copies is unlinked first, so a new file
    takes its place and a file shared with the published site (a hard link) is never written into; a file
    written with the bytes it already has is left alone (the offline zip then reuses its entry)."""
    from mkdocs import utils

    write_file, copy_file = utils.write_file, utils.copy_file

    def replacing_write(content: bytes, output_path: str) -> None:
        if holds(output_path, content):  # the same bytes (404.html, sitemap.xml): the file stays as it is
            return
        _unlink(output_path)
        write_file(content, output_path)

    def replacing_copy(source_path: str, output_path: str) -> None:
        if os.path.isdir(output_path):
            output_path = os.path.join(output_path, os.path.basename(source_path))
        _unlink(output_path)
        copy_file(source_path, output_path)

    log = logging.getLogger("mkdocs.commands.build")
    quiet = _NoDirtyWarning()
    log.addFilter(quiet)
    _unlink(str(site / "sitemap.xml.gz"))  # MkDocs opens this one itself
    utils.write_file, utils.copy_file = replacing_write, replacing_copy
    try:
        yield
    finally:
        utils.write_file, utils.copy_file = write_file, copy_file
        log.removeFilter(quiet)


def holds(path: str | Path, content: bytes) -> bool:
    """Whether the file at ``path`` has exactly these bytes (its size first, then its bytes)."""
    try:
        if os.path.getsize(path) != len(content):
            return False
        with open(path, "rb") as f:
            return f.read() == content
    except OSError:
        return False


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except (FileNotFoundError, IsADirectoryError):
        pass


def replace_file(path: Path, data: bytes) -> None:
    """Write ``path`` as a new file (see :func:`_replacing_writes`): never into a file another tree shares."""
    _unlink(str(path))
    path.write_bytes(data)


def link_tree(source: Path, target: Path) -> int:
    """``target`` as a copy of ``source`` made of hard links (a copy where linking fails); return the number
    of files. Neither tree may be written into afterwards, only replaced file by file."""
    count = 0
    for folder, dirs, files in os.walk(source):
        rel = os.path.relpath(folder, source)
        out = target if rel == "." else target / rel
        out.mkdir(parents=True, exist_ok=True)
        for name in files:
            src, dst = os.path.join(folder, name), out / name
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)
            count += 1
    return count


def site_extras(extra, site_url: str) -> None:
    """What templates/overrides/404.html needs, computed here (Zensical's template engine has no Python
    string methods): the site's path below its host and the site's top-level folders."""
    from urllib.parse import urlsplit

    from . import routes
    extra["site_path"] = urlsplit(site_url).path.strip("/")
    extra["site_folders"] = routes.top_folders()


def absolute_alternates(config) -> None:
    """With a known site address, each language alternate gets its absolute base (``abs``) for hreflang."""
    from .i18n import LANGS
    prefixes = {lang.code: lang.prefix for lang in LANGS}
    root = config.site_url.rstrip("/") + "/"
    config.extra["alternate"] = [dict(alt, abs=root + prefixes.get(alt.get("lang"), "")) for alt in config.extra.get("alternate", [])]


@contextmanager
def build_dir(out_dir: Path) -> Iterator[Path]:
    """A temporary folder beside ``out_dir`` to build in, held under a lock on ``out_dir``.

    Two builds into the same ``--out`` take turns (the second waits for the lock; the kernel releases it
    when a build dies, so a killed build never blocks the next one). Under the lock no other build of
    ``out_dir`` is running, so any ``.build-<name>-*`` folder found there was left by a killed build and
    is removed."""
    parent = out_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    with open(parent / f".{out_dir.name}.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            prefix = f".build-{out_dir.name}-"
            for stale in [*parent.glob(prefix + "*"), *parent.glob(f".trash-{out_dir.name}-*")]:
                shutil.rmtree(stale, ignore_errors=True)
            old = out_dir.with_name(out_dir.name + ".old")
            if old.is_dir() and not out_dir.exists():  # killed between the two renames of the fallback swap
                old.rename(out_dir)
            tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
            try:
                yield tmp
            finally:
                discard(tmp, f".trash-{out_dir.name}-")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def discard(folder: Path, prefix: str) -> None:
    """Remove ``folder`` without waiting for it: renamed aside (``prefix`` + a random name, beside it), then
    deleted by a detached ``rm`` (the previous site is thousands of files: seconds the build need not wait
    for). A folder left by a killed ``rm`` is removed by the next build (:func:`build_dir`)."""
    if not folder.exists():
        return
    try:
        aside = Path(tempfile.mkdtemp(prefix=prefix, dir=folder.parent))
        folder.rename(aside / "x")
        subprocess.Popen(["rm", "-rf", "--", str(aside)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def swap(new_site: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``new_site`` atomically: at every moment ``out_dir`` is the old site or the new
    one, whole. The old site ends up at ``new_site``'s path (inside the build folder, discarded with it).
    Without renameat2: rename the old one aside, move the new one in (``build_dir`` restores the old one if a
    build is killed in between), delete the old."""
    if not out_dir.exists():
        new_site.rename(out_dir)
        return
    if out_dir.is_dir() and not out_dir.is_symlink() and _exchange(new_site, out_dir):
        return  # the old site, now at new_site's path, goes with the build folder (build_dir)
    old = out_dir.with_name(out_dir.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    out_dir.rename(old)
    shutil.move(str(new_site), str(out_dir))
    shutil.rmtree(old)


def source_date_epoch(root: Path = ROOT) -> int:
    """The build's timestamp: SOURCE_DATE_EPOCH when set, else the time of the checked-out commit, else the
    newest file in data/ — never the clock, so two builds of one commit are byte-identical (sitemap
    lastmod, gzip headers, zip entry times)."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True, text=True, timeout=10)
        if out.returncode == 0 and out.stdout.strip().isdigit():
            return int(out.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    return max((int(p.stat().st_mtime) for p in (root / "data").rglob("*") if p.is_file()), default=315532800)


@contextmanager
def fixed_build_date() -> Iterator[int]:
    """Set SOURCE_DATE_EPOCH (MkDocs reads it for build dates) for the duration of a build."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    epoch = source_date_epoch()
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield epoch
    finally:
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def zip_folder(folder: Path, zip_path: Path, top: str) -> Path:
    """Zip ``folder`` into ``zip_path`` with every entry below ``top/`` (see :func:`write_zip`)."""
    files = sorted((p for p in folder.rglob("*") if p.is_file()), key=lambda p: p.relative_to(folder).as_posix())
    return write_zip(((p.relative_to(folder).as_posix(), p.read_bytes()) for p in files), zip_path, top)


def zip_stamp() -> tuple:
    """The date every zip entry carries: the build's (SOURCE_DATE_EPOCH; zip dates start in 1980)."""
    import time
    epoch = max(int(os.environ.get("SOURCE_DATE_EPOCH") or source_date_epoch()), 315532800)
    return time.gmtime(epoch)[:6]


def write_zip(entries, zip_path: Path, top: str, level: int = 6) -> Path:
    """Zip ``entries`` ((name, bytes), in the order given) into ``zip_path``, each below ``top/``, with the
    build's date (SOURCE_DATE_EPOCH) and fixed permissions, so the same site gives the same bytes."""
    import zipfile

    stamp = zip_stamp()
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(f"{top}/{name}", date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data, compresslevel=level)
    return zip_path
