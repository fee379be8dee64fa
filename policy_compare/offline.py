"""The offline bundle, derived from the online build (no second MkDocs run).

The online site uses directory URLs (``plans/ordos-2020/``), which a web server completes with
``index.html`` and a browser on ``file://`` does not. The bundle is a copy of the built site in which every
relative address in the HTML (``href``, ``src``), including the HTML inside the topic pages' deferred city
columns (``topics/<id>/<plan>.js``, :mod:`.topicpage`), gets ``index.html`` appended where it ends in a
folder (:func:`routes.directory_to_file`). The search files (:mod:`.search`) are scripts that load from
``file://`` as they are; ``search.js`` adds ``index.html`` to result addresses there.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from .routes import directory_to_file

# A relative address that names a folder (ends in "/", or is "." or ".."), in an href or src (data-href too):
# the only ones the bundle changes. One regex pass with no work for the other attributes (the former
# callback on every href/src was most of the bundle's time at 300 plans). Values are quoted or bare; data
# never puts a quote inside one (addresses are validated, text is entity-escaped).
_FOLDER_ADDRESS = re.compile(
    r"""([\s-](?:href|src)=["']?)"""                       # the attribute, its opening quote if any
    r"""((?![a-zA-Z][a-zA-Z0-9+.\-]*:|//|/|#|\?)"""          # not absolute, not only a fragment or query
    r"""(?:[^"'?#\s>]*/|\.\.?))(?=["'?#\s>])""")          # a path ending in a folder, then its end


_FRAGMENT = re.compile(r"\ApcFragment\((\"(?:[^\"\\]|\\.)*\"), (.*)\);\n?\Z", re.S)


def rewrite_html(html: str) -> str:
    return _FOLDER_ADDRESS.sub(lambda m: m.group(1) + directory_to_file(m.group(2)), html)


def rewrite_fragment(text: str) -> str:
    """A deferred city column (``pcFragment("plan", "<html>");``) with its links made file:// ready."""
    m = _FRAGMENT.match(text)
    if not m:
        return text
    inner = rewrite_html(json.loads(m.group(2)))
    payload = json.dumps(inner, ensure_ascii=False).replace("</", "<\\/")
    return f"pcFragment({m.group(1)}, {payload});\n"


def _members(site: Path, skip: tuple[str, ...] = ("downloads",)) -> list[tuple[str, str]]:
    """(path below the site, file path) of every file of the bundle, in a stable order (by name)."""
    out = []
    for folder, dirs, files in os.walk(site):
        rel = os.path.relpath(folder, site).replace(os.sep, "/")
        if rel == ".":
            dirs[:] = [d for d in dirs if d not in skip]
            rel = ""
        else:
            rel += "/"
        out += [(rel + name, os.path.join(folder, name)) for name in files]
    out.sort(key=lambda item: item[0])
    return out


def _kind(name: str) -> str:
    """How the bundle holds a site file: "html" and "fragment" (deferred city columns) are rewritten."""
    if name.endswith(".html"):
        return "html"
    parts = name.split("/")
    if name.endswith(".js") and "topics" in parts[:-1] and parts[-2] != "topics":
        return "fragment"
    return "plain"


def bundled(name: str, data: bytes) -> bytes:
    """A site file as the bundle holds it: HTML and deferred city columns with file:// ready links."""
    kind = _kind(name)
    if kind == "html":
        return rewrite_html(data.decode("utf-8")).encode("utf-8")
    if kind == "fragment":
        return rewrite_fragment(data.decode("utf-8")).encode("utf-8")
    return data


def files(site: Path, skip: tuple[str, ...] = ("downloads",)):
    """(path below the site, bytes) of every file of the bundle, in a stable order."""
    for name, path in _members(site, skip):
        yield name, bundled(name, Path(path).read_bytes())


LEVEL = 6  # deflate level of the bundle's entries
reused_entries = 0  # entries the last write_zip copied from the kept zip


CHUNKED_FROM = 1 << 20  # bytes: a larger file (the open data) is deflated in chunks, each kept between builds
CHUNK_MIN, CHUNK_MAX = 1 << 15, 1 << 20  # bytes per chunk


def chunks(data: bytes) -> list[bytes]:
    """``data`` cut at line ends chosen by their content (the 32 bytes before the newline, hashed: about one
    line end in 2048; a chunk holds at least CHUNK_MIN bytes, at most CHUNK_MAX), so that an edit inside a
    file changes the chunk it falls in and leaves the others as they were."""
    import numpy as np

    a = np.frombuffer(data, np.uint8)
    ends = np.flatnonzero(a == 10)
    ends = ends[ends >= 32]
    words = np.lib.stride_tricks.sliding_window_view(a, 32)[ends - 32].view("<u8")  # (line ends, 4)
    mult = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93], np.uint64)
    mixed = words * mult
    h = mixed[:, 0] ^ mixed[:, 1] ^ mixed[:, 2] ^ mixed[:, 3]
    h = (h * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(53)
    cand = (ends[h == 0] + 1).tolist()
    out, start = [], 0
    for cut in cand:
        while cut - start > CHUNK_MAX:
            out.append(data[start:start + CHUNK_MAX])
            start += CHUNK_MAX
        if cut - start >= CHUNK_MIN:
            out.append(data[start:cut])
            start = cut
    while len(data) - start > CHUNK_MAX:
        out.append(data[start:start + CHUNK_MAX])
        start += CHUNK_MAX
    out.append(data[start:])
    return out


def deflate(data: bytes, memo=None) -> bytes:
    """The raw deflate stream of ``data``; a large one as one stream of independently deflated chunks
    (:func:`chunks`: each but the last ends in a full flush, so any inflater reads them as one), each taken
    from ``memo`` (a :class:`cache.Memo`) when a build deflated the same chunk before."""
    import hashlib
    import zlib

    def one(chunk: bytes, last: bool) -> bytes:
        z = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
        return z.compress(chunk) + z.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)

    if len(data) < CHUNKED_FROM:
        return one(data, True)
    parts = chunks(data)
    out = []
    for i, chunk in enumerate(parts):
        last = i == len(parts) - 1
        if memo is None:
            out.append(one(chunk, last))
        else:
            key = (hashlib.blake2b(chunk, digest_size=16).digest(), last, LEVEL)
            out.append(memo.get(key, lambda: one(chunk, last)))
    return b"".join(out)


def _deflate_one(item: tuple[str, str], memo=None) -> tuple[int, int, bytes]:
    """(CRC, size, raw deflate stream) of a file as the bundle holds it: what zipfile writes for it."""
    import zlib

    name, path = item
    data = bundled(name, Path(path).read_bytes())
    return zlib.crc32(data), len(data), deflate(data, memo)


def _deflate_all(items: list[tuple[str, str]], memo=None) -> list[tuple[int, int, bytes]]:
    """:func:`_deflate_one` of each file, on two threads when there is a spare core (zlib lets go of the
    interpreter while it compresses), largest first."""
    from concurrent.futures import ThreadPoolExecutor

    from .cores import spare_core

    if len(items) < 2 or not spare_core():
        return [_deflate_one(item, memo) for item in items]
    order = sorted(range(len(items)), key=lambda i: -os.stat(items[i][1]).st_size)
    with ThreadPoolExecutor(2) as pool:
        done = dict(zip(order, pool.map(lambda item: _deflate_one(item, memo), [items[i] for i in order])))
    return [done[i] for i in range(len(items))]


def write_zip(site: Path, zip_path: Path, top: str = "policy-compare", keep: Path | None = None) -> Path:
    """The bundle as a zip with every entry below ``top/``, straight from the built site (no copy on disk).

    With ``keep`` (a folder kept between builds), the zip and the digest of each entry's site file are kept
    there, and an entry whose file was in the last zip (the same file: inode, size and modification time,
    under this name or another that the bundle holds alike, as search files the index linked from its last
    version; the built site's files are replaced, never written into, :func:`sitebuild.link_tree`) is
    copied compressed from the kept zip instead of being rewritten and deflated again. Either way the zip has the same bytes as one written from scratch:
    entries in name order, deflated at one level, with the build's date (:func:`sitebuild.write_zip`)."""
    import pickle
    import zipfile

    from .cache import read_kept, write_atomic
    from .sitebuild import zip_stamp

    members = _members(site)
    digests = {name: _identity(path) for name, path in members}
    kept_zip = keep / "offline.zip" if keep else None
    old = (read_kept(keep / "offline.files.pickle") or {}) if keep else {}
    stamp = zip_stamp()
    reusable: dict[str, zipfile.ZipInfo] = {}
    source = None
    if kept_zip and kept_zip.is_file() and old.get("stamp") == stamp and old.get("top") == top:
        try:
            source = open(kept_zip, "rb")
            with zipfile.ZipFile(source) as z:  # by the file's identity: a file moved or linked elsewhere counts
                entries = {}
                for info in z.infolist():
                    name = info.filename[len(top) + 1:]
                    if name in old["files"]:
                        entries[(old["files"][name], _kind(name))] = info
                for name, ident in digests.items():
                    info = entries.get((ident, _kind(name)))
                    if info is not None:
                        reusable[name] = info
        except (OSError, zipfile.BadZipFile, KeyError):
            reusable = {}
    fresh = [(name, path) for name, path in members if name not in reusable]
    global reused_entries
    reused_entries = len(members) - len(fresh)
    from .cache import Memo
    memo = Memo(keep / "offline.chunks.pickle" if keep else None)  # the large files' deflated chunks
    deflated = dict(zip((name for name, _ in fresh), _deflate_all(fresh, memo)))
    if memo.made:  # (a build that deflated no large file leaves the kept chunks as they were)
        memo.save()
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    zip_path.unlink(missing_ok=True)  # a new file: the one there may be the kept zip (a hard link), read below
    try:
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, compresslevel=LEVEL) as z:
            run = [0, 0]  # bytes of the kept zip still to copy: entries kept whole, one after the other there
            at = z.fp.tell()  # where the next entry starts in the new zip

            def flush() -> None:
                _copy_range(source, z.fp, *run)
                run[0] = run[1] = 0

            for name, _ in members:
                info = zipfile.ZipInfo(f"{top}/{name}", date_time=stamp)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                old_info = reusable.get(name)
                if old_info is not None and old_info.filename == info.filename and not old_info.extra:
                    # the same entry under the same name: its local header and data, as they are
                    header = zipfile.sizeFileHeader + len(info._encodeFilenameFlags()[0])
                    start, end = old_info.header_offset, old_info.header_offset + header + old_info.compress_size
                    if run[1] != start:
                        flush()
                        run[0] = start
                    run[1] = end
                    info.CRC, info.file_size, info.compress_size = old_info.CRC, old_info.file_size, old_info.compress_size
                    info.flag_bits, info.header_offset = 0, at
                    z.filelist.append(info)
                    z.NameToInfo[info.filename] = info
                    at += end - start
                    continue
                flush()
                if name in reusable:
                    old_info = reusable[name]
                    source.seek(old_info.header_offset)
                    header = source.read(zipfile.sizeFileHeader)
                    skip = int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
                    source.seek(old_info.header_offset + zipfile.sizeFileHeader + skip)
                    crc, size, raw = old_info.CRC, old_info.file_size, source.read(old_info.compress_size)
                else:
                    crc, size, raw = deflated[name]
                _write_raw(z, info, crc, size, raw)
                at = z.fp.tell()
            flush()
            z.start_dir = z.fp.tell()
    finally:
        if source:
            source.close()
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
        tmp = kept_zip.with_suffix(".zip.tmp")
        tmp.unlink(missing_ok=True)
        try:
            os.link(zip_path, tmp)  # the published zip is never written into again: sharing it is safe
        except OSError:
            shutil.copyfile(zip_path, tmp)
        os.replace(tmp, kept_zip)
        write_atomic(keep / "offline.files.pickle",
                     pickle.dumps({"stamp": stamp, "top": top, "files": digests}, protocol=pickle.HIGHEST_PROTOCOL))
    return zip_path


def _copy_range(source, dest, start: int, end: int) -> None:
    """Bytes ``start`` to ``end`` of ``source`` appended to ``dest`` (nothing when ``end`` is not past it)."""
    if end <= start:
        return
    source.seek(start)
    left = end - start
    while left > 0:
        block = source.read(min(left, 1 << 20))
        if not block:
            raise OSError("the kept zip is shorter than its directory says")
        dest.write(block)
        left -= len(block)


def _identity(path: Path) -> tuple[int, int, int]:
    st = os.stat(path)
    return st.st_ino, st.st_size, st.st_mtime_ns


def _write_raw(z, info, crc: int, size: int, raw: bytes) -> None:
    """Append an entry whose deflate stream is already made, as ``ZipFile.writestr`` would write it."""
    info.CRC, info.file_size, info.compress_size = crc, size, len(raw)
    info.flag_bits = 0
    info.header_offset = z.fp.tell()
    z.fp.write(info.FileHeader(False))
    z.fp.write(raw)
    z.filelist.append(info)
    z.NameToInfo[info.filename] = info
    z.start_dir = z.fp.tell()


def derive(site: Path, out: Path) -> Path:
    """The bundle as a folder (for looking at it; the build writes the zip directly)."""
    if out.exists():
        shutil.rmtree(out)
    for name, data in files(site):
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    return out
