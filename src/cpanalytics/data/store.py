"""The loaded-data cache: a data root's stitched tables kept as Parquet, so that loading
unchanged inputs again reads them back instead of parsing and stitching every return.

Layout: ``<cache>/<slot>/<key>/`` where the slot names the data path as given (with the
years asked for) and the key is a SHA-256 of every input file's content, the package
version and the hash of the ``cpanalytics.data`` source (:func:`code_version`). A slot keeps
only its newest entry, and the cache keeps the :data:`MAX_SLOTS` slots used last.

An entry holds one Parquet file per table and a ``meta.json``, written last, with each
file's SHA-256, its column types and the rest of :class:`CareData`. A read checks every
file against its hash: a damaged, partial or unreadable entry is deleted and rebuilt,
never used. Entries are written to a temporary folder and renamed into place. The files
hold child-level data: folders are mode 700 and files 600, and a cache folder owned by
someone else is not used.

Input files are hashed only when their size, mtime, ctime or inode changed since the last
load (``stamps.json``); a file changed within :data:`RACY_NS` of being stamped is hashed
every time, since a later edit in the same clock tick would leave its stamp unchanged.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import io
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cpanalytics import about
from cpanalytics.data.model import CareData, SourceFile
from cpanalytics.data.xml903 import XmlPlace
from cpanalytics.errors import Finding

#: Environment variable: a cache folder, or ``off`` to load without a cache.
ENV = "CPANALYTICS_CACHE"
OFF = frozenset({"0", "off", "no", "false", "none"})
META = "meta.json"
STAMPS = "stamps.json"
#: Bumped when the entry layout changes.
FORMAT = 1
#: Data roots (slots) kept; the least recently used beyond this are deleted.
MAX_SLOTS = 8
#: A file changed this close to being stamped is hashed again next time (2 s: FAT's mtime tick).
RACY_NS = 2_000_000_000

log = logging.getLogger(__name__)


class Damaged(Exception):
    """A cache entry that does not match its ``meta.json``."""


#: What storing can fail with (a full disk, a value Parquet cannot hold): never fatal.
_WRITE_ERRORS = (OSError, ValueError, TypeError, pa.ArrowException)


def default_root() -> Path | None:
    """``$CPANALYTICS_CACHE`` (``off`` for none), else ``$XDG_CACHE_HOME/cpanalytics/data``,
    else ``~/.cache/cpanalytics/data``."""
    chosen = os.environ.get(ENV, "").strip()
    if chosen.lower() in OFF:
        return None
    if chosen:
        return Path(chosen).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cpanalytics" / "data"


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def digest(obj: Any) -> str:
    """SHA-256 of the canonical JSON of ``obj`` (sorted keys, ``str`` for other types)."""
    text = json.dumps(obj, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def source_version(*modules: ModuleType) -> str:
    """Hash of the source files of ``modules`` (a package counts with every file under it)."""
    hashes: dict[str, str] = {}
    for module in modules:
        path = Path(str(module.__file__))
        files = (sorted(p for p in path.parent.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
                 if path.name == "__init__.py" else [path])
        hashes.update({f"{module.__name__}:{p.relative_to(path.parent).as_posix()}": file_sha256(p)
                       for p in files})
    return digest(hashes)


@functools.cache
def code_version() -> str:
    """The code part of every key: package version, the data layer's source, pandas and pyarrow."""
    return digest([FORMAT, about.__version__, source_version(sys.modules["cpanalytics.data"]),
                    pd.__version__, pa.__version__])


def _mkdirs(path: Path) -> None:
    """Create ``path`` and any missing parents, each mode 700 (``mkdir -p -m 700``)."""
    if not path.is_dir():
        _mkdirs(path.parent)
        path.mkdir(mode=0o700, exist_ok=True)


def private_dir(path: Path) -> bool:
    """Make ``path`` a folder only its owner can open (700); False when another user owns it.
    Missing parents are made as ``mkdir -p`` makes them (the cache may sit in a shared folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.mkdir(mode=0o700, exist_ok=True)
    st = path.stat()
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        log.warning("cache: %s belongs to another user; loading without the cache", path)
        return False
    if st.st_mode & 0o077:
        path.chmod(0o700)
    return True


def _write_private(path: Path, content: bytes) -> None:
    """Write ``content`` to a new file readable and writable by its owner only (600)."""
    _mkdirs(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        if hasattr(os, "fchmod"):  # exactly 600, whatever the umask
            os.fchmod(handle.fileno(), 0o600)
        handle.write(content)


# -- column types that Parquet does not keep exactly --------------------------------------


def _xml_place_text(place: object) -> str | None:
    if not isinstance(place, XmlPlace):
        return None
    return json.dumps([place.child, place.record, place.start, place.elements])


def _xml_place(text: object) -> object:
    if not isinstance(text, str):
        return float("nan")  # a CSV row's SRC_XML, as pd.concat leaves it
    child, record, start, elements = json.loads(text)
    return XmlPlace(child, record, tuple(start), {k: tuple(v) for k, v in elements.items()})


def _encode(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, dict[str, Any]]]:
    """``frame`` ready for Parquet, and per column what :func:`_conform` needs to give it
    back its exact dtype (and SRC_XML its :class:`XmlPlace` objects, kept as JSON text)."""
    specs: dict[str, dict[str, Any]] = {}
    encoded = {}
    for name in frame.columns:
        column = frame[name]
        spec: dict[str, Any] = {"dtype": str(column.dtype)}
        if isinstance(column.dtype, pd.CategoricalDtype):
            cats = column.dtype.categories
            spec.update(categories=cats.tolist(), categories_dtype=str(cats.dtype),
                        ordered=bool(column.dtype.ordered))
        elif column.dtype == object and column.map(lambda v: isinstance(v, XmlPlace)).any():
            spec["xml_place"] = True
            encoded[str(name)] = column.map(_xml_place_text).astype("str")
        elif column.dtype == object and len(column) and column.map(lambda v: v is pd.NA).all():
            spec["all_na"] = True
        specs[str(name)] = spec
    return frame.assign(**encoded) if encoded else frame, specs


def _conform(frame: pd.DataFrame, specs: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """``frame`` as read from Parquet, with each column's recorded dtype; Damaged when one
    cannot be restored."""
    for name, spec in specs.items():
        column = frame[name]
        if "categories" in spec:
            have = column.dtype
            if not (isinstance(have, pd.CategoricalDtype) and have.ordered == spec["ordered"]
                    and str(have.categories.dtype) == spec["categories_dtype"]
                    and have.categories.tolist() == spec["categories"]):
                wanted = pd.CategoricalDtype(
                    pd.Index(spec["categories"], dtype=spec["categories_dtype"]), spec["ordered"])
                frame[name] = pd.Series(pd.Categorical(column, dtype=wanted), index=frame.index)
        elif spec.get("xml_place"):
            frame[name] = pd.Series(column.map(_xml_place).to_numpy(dtype=object), index=frame.index)
        elif spec.get("all_na"):
            frame[name] = pd.Series(pd.NA, index=frame.index, dtype=object)
        elif str(column.dtype) != spec["dtype"]:
            frame[name] = column.astype(spec["dtype"])
        if str(frame[name].dtype) != spec["dtype"]:
            raise Damaged(f"column {name} reads back as {frame[name].dtype}")
    return frame


def _write_frame(folder: Path, name: str, frame: pd.DataFrame) -> dict[str, Any]:
    """Write ``folder/<name>.parquet``; its hash and column types, for ``meta.json``."""
    encoded, columns = _encode(frame)
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(encoded), sink, compression="lz4")
    content = sink.getvalue()
    _write_private(folder / f"{name}.parquet", content)
    return {"sha256": hashlib.sha256(content).hexdigest(), "columns": columns}


def write_frames(folder: Path, frames: dict[str, pd.DataFrame], meta: dict[str, Any]) -> None:
    """Write each frame to ``folder/<name>.parquet`` (a thread per core: Arrow's encoder
    releases the GIL), then ``meta.json`` with their hashes."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        written = {name: pool.submit(_write_frame, folder, name, frame)
                   for name, frame in frames.items()}
        files = {name: future.result() for name, future in written.items()}
    _write_private(folder / META, json.dumps({**meta, "files": files}, default=str).encode())


def read_frames(folder: Path, key: str) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """The frames and meta of an entry written by :func:`write_frames`; Damaged when any
    file is missing, altered or unreadable, or the entry is for another key."""
    try:
        meta = json.loads((folder / META).read_bytes())
        if not isinstance(meta, dict) or meta.get("key") != key:
            raise Damaged("meta.json is for another key")
        frames = {}
        for name, info in meta["files"].items():
            content = (folder / f"{name}.parquet").read_bytes()
            if hashlib.sha256(content).hexdigest() != info["sha256"]:
                raise Damaged(f"{name}.parquet does not match its hash")
            # one thread: with Arrow's Parquet threads, 1 process in 22 aborted as it exited
            # ("terminate called without an active exception", apache/arrow#34314)
            table = pq.ParquetFile(pa.BufferReader(content)).read(use_threads=False)
            frames[name] = _conform(table.to_pandas(use_threads=False), info["columns"])
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException) as exc:
        raise Damaged(str(exc)) from exc
    return frames, meta


def _new_folder(parent: Path) -> Path:
    _mkdirs(parent)
    return Path(tempfile.mkdtemp(prefix=".new-", dir=parent))


def _move_into_place(tmp: Path, final: Path) -> None:
    """Rename ``tmp`` to ``final`` and drop the older siblings; another process's entry wins."""
    try:
        tmp.rename(final)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        return
    for old in final.parent.iterdir():
        if old != final and old.is_dir() and not old.name.startswith(".new-"):
            shutil.rmtree(old, ignore_errors=True)


# -- the entry of one loaded data set ---------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Entry:
    """Where a loaded data set is cached; keeps tables derived from it (``derived/``)."""

    path: Path

    def frames(self, name: str, version: str) -> dict[str, pd.DataFrame] | None:
        """The frames stored under ``name`` for code ``version``, or None (damaged: deleted)."""
        folder = self.path / "derived" / name / version[:32]
        if not folder.is_dir():
            return None
        try:
            return read_frames(folder, version)[0]
        except Damaged as exc:
            log.warning("cache: the stored %s tables were damaged (%s); computing them again",
                        name, exc)
            shutil.rmtree(folder, ignore_errors=True)
            return None

    def put(self, name: str, version: str, frames: dict[str, pd.DataFrame]) -> None:
        """Store ``frames`` under ``name`` for code ``version`` (best effort: never raises OSError)."""
        if not self.path.is_dir():  # replaced by a newer load meanwhile
            return
        try:
            tmp = _new_folder(self.path / "derived" / name)
            write_frames(tmp, frames, {"key": version})
            _move_into_place(tmp, self.path / "derived" / name / version[:32])
        except _WRITE_ERRORS as exc:
            log.warning("cache: could not store the %s tables (%s)", name, exc)


def _stamp(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def fingerprint(files: list[Path], known: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """``file -> [size, mtime_ns, ctime_ns, inode, sha256]``; the hash is reused from ``known``
    when the stamp is unchanged, else read from the file."""
    out: dict[str, list[Any]] = {}
    for path in files:
        stamp = _stamp(path.stat())
        old = known.get(str(path))
        sha = old[4] if old is not None and old[:4] == stamp else file_sha256(path)
        out[str(path)] = [*stamp, sha]
    return out


def _save_stamps(slot: Path, stamps: dict[str, list[Any]], known: dict[str, list[Any]]) -> None:
    """Keep the stamps of files not changed within RACY_NS of now, when they differ from
    ``known`` (atomic replace; best effort)."""
    settled = time.time_ns() - RACY_NS
    steady = {k: v for k, v in stamps.items() if max(v[1], v[2]) < settled}
    if steady == known:
        return
    tmp = slot / f".stamps-{os.getpid()}"
    try:
        _write_private(tmp, json.dumps(steady).encode())
        tmp.replace(slot / STAMPS)
    except OSError:
        tmp.unlink(missing_ok=True)


def _load_stamps(slot: Path) -> dict[str, list[Any]]:
    try:
        stamps = json.loads((slot / STAMPS).read_bytes())
    except (OSError, ValueError):
        return {}
    return stamps if isinstance(stamps, dict) else {}


#: CareData fields kept in ``meta.json`` by their own rules (the rest are plain values or paths).
_OWN_RULES = ("tables", "local", "sources", "findings", "cache", "stored")


def _to_meta(data: CareData, key: str) -> dict[str, Any]:
    plain = {f.name: getattr(data, f.name) for f in dataclasses.fields(CareData)
             if f.name not in _OWN_RULES}
    return {
        "key": key,
        "fields": {k: {"path": str(v)} if isinstance(v, Path) else v for k, v in plain.items()},
        "sources": [{**dataclasses.asdict(s), "path": str(s.path)} for s in data.sources],
        "findings": [dataclasses.asdict(f) for f in data.findings],
    }


def _from_meta(frames: dict[str, pd.DataFrame], meta: dict[str, Any], entry: Path) -> CareData:
    def group(prefix: str) -> dict[str, pd.DataFrame]:
        return {n.split("/", 1)[1]: f for n, f in frames.items() if n.startswith(prefix + "/")}

    fields: dict[str, Any] = {k: Path(v["path"]) if isinstance(v, dict) and set(v) == {"path"} else v
                              for k, v in meta["fields"].items()}
    return CareData(
        tables=group("tables"), local=group("local"), **fields,
        sources=[SourceFile(**{**s, "path": Path(s["path"])}) for s in meta["sources"]],
        findings=[Finding(**f) for f in meta["findings"]], stored=Entry(entry),
    )


def _prune(root: Path, keep: Path) -> None:
    """Delete the least recently used slots beyond MAX_SLOTS (never ``keep``)."""
    slots = sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
                   key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in slots[MAX_SLOTS:]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


def cached_load(
    root: Path, path: Path, years: list[int] | None, files: list[Path],
    load: Callable[[], CareData],
) -> CareData:
    """``load()``, or its result stored under ``root`` when ``files`` (every input file)
    are unchanged since it was stored."""
    try:
        if not private_dir(root):
            return load()
        slot = root / digest([str(path), str(path.resolve()), years])[:16]
        slot.mkdir(exist_ok=True, mode=0o700)
        known = _load_stamps(slot)
        stamps = fingerprint(files, known)
    except OSError as exc:
        log.warning("cache: %s cannot be used (%s); loading without it", root, exc)
        return load()
    key = digest([code_version(), str(path), str(path.resolve()), years,
                   {k: v[4] for k, v in stamps.items()}])
    entry = slot / key[:32]
    if entry.is_dir():
        try:
            frames, meta = read_frames(entry, key)
            data = _from_meta(frames, meta, entry)
        except (Damaged, KeyError, TypeError, ValueError) as exc:
            log.warning("cache: the stored copy of %s was damaged (%s); reading the files again",
                        path, exc)
            shutil.rmtree(entry, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.utime(slot)  # used last: kept longest (_prune)
            _save_stamps(slot, stamps, known)
            return data
    data = load()
    read = {str(s.path): s.sha256 for s in data.sources}
    if any(str(p) in read and read[str(p)] != stamps[str(p)][4] for p in files):
        return data  # a file changed while it was read: store nothing
    try:
        tmp = _new_folder(slot)
        frames = {**{f"tables/{n}": f for n, f in data.tables.items()},
                  **{f"local/{n}": f for n, f in data.local.items()}}
        write_frames(tmp, frames, _to_meta(data, key))
        _move_into_place(tmp, entry)
        _save_stamps(slot, stamps, known)
        _prune(root, slot)
    except _WRITE_ERRORS as exc:
        log.warning("cache: could not store the loaded data (%s)", exc)
        return data
    data.stored = Entry(entry)
    return data


def clear(root: Path) -> int:
    """Delete the cache folder ``root``; the bytes freed."""
    if not root.is_dir():
        return 0
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    shutil.rmtree(root)
    return size
