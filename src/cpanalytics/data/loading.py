"""Load a data root (``903/<YYYY>/*.csv|*.xml`` and ``local/*.csv``) into :class:`CareData`.

``path`` may be the data root, its ``903`` folder, or one collection-year folder
(``.../903/2019``: only that year is loaded, with the root's local extracts if any).
Year folders are named ``YYYY`` (the year ending 31 March) or ``YYYY-YY`` (``2018-19``).
"""

from __future__ import annotations

import errno
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from cpanalytics.data import store
from cpanalytics.data.ingest import (
    categorise,
    check_columns,
    parse_dates,
    parse_numbers,
    read_csv,
    read_raw,
    read_table,
    upper_codes,
)
from cpanalytics.data.model import (
    LOCAL_EXTRACTS,
    REQUIRED_903,
    SRC_FILE,
    SRC_ROW,
    TABLES_903,
    YEAR,
    CareData,
    SourceFile,
)
from cpanalytics.data.stitching import stitch
from cpanalytics.data.xml903 import read_xml
from cpanalytics.errors import Finding, UserError

_YEAR_FOLDER = re.compile(r"^(\d{4})(?:[-_/](\d{2}|\d{4}))?$")
_SPREADSHEET = (".xlsx", ".xlsm", ".xls", ".ods")


def collection_year(folder: Path) -> int:
    """The collection year a folder name claims: ``2019`` -> 2019, ``2018-19`` -> 2019."""
    match = _YEAR_FOLDER.match(folder.name)
    if not match:
        raise UserError(
            f"the folder name {folder.name!r} is not a collection year",
            file=folder, code="E105",
            fix="name each folder under 903/ after the collection year it holds, the year "
                "ending 31 March (e.g. 903/2019 for April 2018 to March 2019)",
        )
    start, end = match.groups()
    if end is None:
        return int(start)
    year = int(start) + 1
    if int(end) != (year % 100 if len(end) == 2 else year):
        raise UserError(
            f"the folder name {folder.name!r} does not name one year ending 31 March",
            file=folder, code="E105",
            fix=f"rename it to {year} (or {start}-{str(year)[2:]})",
        )
    return year


def _listing(folder: Path) -> list[Path]:
    """The folder's entries, not hidden; E120 when it cannot be listed (a link loop, no permission)."""
    try:
        return sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            problem = "the folder is a symbolic link that leads back to itself (a link loop)"
            fix = (f"replace the link {folder.name} with the real folder, or point it at the "
                   "folder holding the files")
        elif exc.errno in (errno.EACCES, errno.EPERM):
            problem = "the folder cannot be read (permission denied)"
            fix = ("ask for read permission on the folder (and its files), or copy the files "
                   "to a folder you can read")
        else:
            problem = f"the folder cannot be read ({exc.strerror or exc})"
            fix = "check the folder exists and you have permission to read it"
        raise UserError(problem, file=folder, code="E120", fix=fix) from exc


def _locate(path: Path) -> tuple[Path | None, list[Path]]:
    """(data root or None, year folders) for a root, a 903 folder or one year folder."""
    if not path.exists() and path.is_symlink():
        _listing(path)  # a link loop or a dangling link: say which
    if not path.exists():
        raise UserError(
            "the data folder does not exist", file=path, code="E101",
            fix="give the path of a data root holding 903/<YYYY>/ folders "
                "(e.g. data/synthetic)",
        )
    if (path / "903").is_dir():
        path = path / "903"
    if path.is_dir() and path.name == "903":
        folders = _listing(path)
        loose = [p for p in folders if p.is_file()]
        if loose:
            raise UserError(
                f"files must be inside a collection-year folder, found {loose[0].name}",
                file=loose[0], code="E105",
                fix=f"move it into {path}/<YYYY>/ (the collection year ending 31 March)",
            )
        if not folders:
            raise UserError(
                "the 903 folder has no collection-year folders", file=path, code="E101",
                fix="put each year's return in 903/<YYYY>/ (e.g. 903/2019/header.csv)",
            )
        return path.parent, folders
    if path.is_dir() and _YEAR_FOLDER.match(path.name):
        root = path.parent.parent if path.parent.name == "903" else None
        return root, [path]
    raise UserError(
        "no 903 folder found", file=path, code="E101",
        fix="give the data root holding 903/<YYYY>/ folders, e.g. data/synthetic, "
            "or one year folder such as data/synthetic/903/2019",
    )


def _years(folders: list[Path], wanted: list[int] | None) -> dict[int, Path]:
    found: dict[int, Path] = {}
    for folder in folders:
        year = collection_year(folder)
        if year in found:
            raise UserError(
                f"two folders claim collection year {year}: {found[year].name} and {folder.name}",
                file=folder, code="E104",
                fix="keep one folder per collection year (merge or delete the other)",
            )
        found[year] = folder
    if wanted is not None:
        absent = sorted(set(wanted) - set(found))
        if absent:
            raise UserError(
                f"collection year(s) {', '.join(map(str, absent))} not found "
                f"(found {', '.join(map(str, sorted(found)))})",
                file=folders[0].parent, code="E116",
                fix="add the year folder(s), or ask for years that are present",
            )
        found = {y: p for y, p in found.items() if y in wanted}
    return dict(sorted(found.items()))


def _finish_text(
    frame: pd.DataFrame, path: Path, year: int | None,
) -> tuple[pd.DataFrame, list[Finding]]:
    frame, findings = parse_dates(frame, path, year)
    return upper_codes(parse_numbers(frame, path)), findings


def _read_year(
    year: int, folder: Path,
) -> tuple[dict[str, pd.DataFrame], list[SourceFile], list[Finding]]:
    files = [p for p in _listing(folder) if p.is_file()]
    findings: list[Finding] = []
    tables: dict[str, pd.DataFrame] = {}
    origin: dict[str, Path] = {}
    sources: list[SourceFile] = []

    def add(table: str, frame: pd.DataFrame, path: Path, sha: str) -> None:
        if table in origin:
            raise UserError(
                f"two files hold the {table} table for collection year {year}: "
                f"{origin[table].name} and {path.name}",
                file=path, code="E104",
                fix="keep one file per table in each year folder (an XML return holds "
                    "every table, so it cannot sit beside CSVs)",
            )
        origin[table] = path
        tables[table] = frame.assign(**{YEAR: year})
        sources.append(SourceFile(path, table, year, len(frame), sha))

    for path in files:
        suffix = path.suffix.lower()
        if suffix == ".csv":
            table, frame, sha, found = read_table(path, TABLES_903, year)
            findings += found
            add(table, frame, path, sha)
        elif suffix == ".xml":
            xml_tables, sha = read_xml(path)
            for table, frame in xml_tables.items():
                typed, found = _finish_text(frame, path, year)
                findings += found
                add(table, typed, path, sha)
        elif suffix in _SPREADSHEET:
            read_raw(path)
            raise UserError(
                "spreadsheets are not read; each table must be a CSV file",
                file=path, code="E107",
                fix="open it in Excel and use File > Save As > 'CSV UTF-8 (Comma delimited)'",
            )
        else:
            findings.append(Finding(
                "warning", "W103", str(path), "file ignored: not a .csv or .xml table",
                fix="remove it from the year folder, or ignore this warning",
            ))
    if not origin:
        raise UserError(
            f"the folder for collection year {year} has no CSV or XML files",
            file=folder, code="E102",
            fix="put that year's SSDA903 tables in it (header.csv, episodes.csv, ...) or "
                "delete the empty folder",
        )
    for table in REQUIRED_903:
        if table not in tables:
            raise UserError(
                f"collection year {year} has no {table} table ({table}.csv)",
                file=folder, code="E103",
                fix=f"add {table}.csv for {year} to {folder}; every year needs "
                    + " and ".join(f"{t}.csv" for t in REQUIRED_903),
            )
    return tables, sources, findings


def _empty(table: str, columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="str") for c in [*columns, SRC_FILE]})
    frame[SRC_ROW] = pd.Series(dtype="int64")
    frame, _ = _finish_text(frame, Path(table), None)
    return frame.assign(**{YEAR: pd.Series(dtype="int64")})


def _read_local(
    root: Path | None, year: int,
) -> tuple[dict[str, pd.DataFrame], list[SourceFile], list[Finding]]:
    """The local extracts under ``root/local``; ``year`` (the latest loaded) anchors two-digit years."""
    folder = root / "local" if root is not None else None
    if folder is None or not (folder.is_dir() or folder.is_symlink()):
        return {}, [], []
    local: dict[str, pd.DataFrame] = {}
    sources: list[SourceFile] = []
    findings: list[Finding] = []
    for path in (p for p in _listing(folder) if p.is_file()):
        name = path.stem.strip().lower().replace(" ", "_").replace("-", "_")
        if path.suffix.lower() in _SPREADSHEET and name in LOCAL_EXTRACTS:
            read_raw(path)
        if path.suffix.lower() != ".csv" or name not in LOCAL_EXTRACTS:
            findings.append(Finding(
                "warning", "W103", str(path),
                "file ignored: not one of the local extracts "
                f"({', '.join(f'{n}.csv' for n in LOCAL_EXTRACTS)})",
                fix="rename it to the extract it holds, or remove it",
            ))
            continue
        raw = read_csv(path)
        frame, found = check_columns(raw.frame, name, LOCAL_EXTRACTS[name], path)
        frame, date_found = parse_dates(frame, path, year)
        local[name] = categorise(upper_codes(parse_numbers(frame, path)))
        findings += raw.findings + found + date_found
        sources.append(SourceFile(path, name, None, len(frame), raw.sha256))
    return local, sources, findings


def load_data(
    path: str | Path, years: list[int] | None = None, *, cache: str | Path | bool | None = None,
) -> CareData:
    """Read, type and stitch every collection year under ``path`` (and local extracts).

    The layout and columns are the data contract (``docs/data-contract.md``):
    ``903/<YYYY>/*.csv`` (or the DfE XML return) per collection year ending 31 March,
    optional ``local/*.csv`` extracts and ``config/``. Returns are stitched into one
    history (de-duplicated on CHILD and DECOM, the latest return winning, open episodes
    closed by the next year); each row keeps ``YEAR``, ``SRC_FILE`` and ``SRC_ROW``.

    Args:
        path: the data root, its ``903`` folder, or one collection-year folder.
        years: only these collection years (default: every one found).
        cache: where the loaded tables are kept for the next load of the same unchanged
            files (``cpanalytics.data.store``): ``None`` for the default
            (``$CPANALYTICS_CACHE``, else ``~/.cache/cpanalytics/data``), a folder, or
            ``False`` for none.

    Returns:
        The data: ``data.episodes``, ``data.header``, ... (every SSDA903 table, empty
            when absent), ``data.local`` (the extracts supplied), ``data.years``; ingest
            warnings are in ``data.findings``.

    Raises:
        UserError: for input that cannot be read, naming the file, row and column and
            how to fix it (``docs/errors.md``). Validation proper is
            ``cpanalytics validate`` (``cpanalytics.data.validation.validate``).

    Examples:
        >>> data = load_data("data/synthetic")  # doctest: +SKIP
        >>> data.episodes[["CHILD", "DECOM", "DEC"]].head()  # doctest: +SKIP
    """
    given = Path(path)
    root, folders = _locate(given)
    by_year = _years(folders, years)
    where = store.default_root() if cache is None or cache is True else (
        Path(cache) if cache else None)
    if where is None:
        return _load(root, by_year)
    try:
        files = _input_files(root, by_year)
    except UserError:
        return _load(root, by_year)  # raises the error, in the loader's order
    wanted = None if years is None else sorted(set(years))
    return store.cached_load(where, given, wanted, files, lambda: _load(root, by_year))


def _input_files(root: Path | None, by_year: dict[int, Path]) -> list[Path]:
    """Every file :func:`_load` lists: those in the chosen year folders and in ``local/``."""
    folders = list(by_year.values())
    if root is not None and ((root / "local").is_dir() or (root / "local").is_symlink()):
        folders.append(root / "local")
    return [p for folder in folders for p in _listing(folder) if p.is_file()]


def _load(root: Path | None, by_year: dict[int, Path]) -> CareData:
    """Read, type and stitch the chosen year folders and the local extracts (no cache).

    Files are read on a thread per core (Arrow's parser and compute functions release the
    GIL); errors are raised in the order a one-by-one read would meet them.
    """
    parts: dict[str, list[pd.DataFrame]] = {t: [] for t in TABLES_903}
    sources: list[SourceFile] = []
    findings: list[Finding] = []
    pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1)
    try:
        reads = [pool.submit(_read_year, year, folder) for year, folder in by_year.items()]
        extracts = pool.submit(_read_local, root, max(by_year))
        for read in reads:
            tables, found_sources, found = read.result()
            for table, frame in tables.items():
                parts[table].append(frame)
            sources += found_sources
            findings += found
        combined = {
            table: pd.concat(frames, ignore_index=True) if frames else _empty(table, TABLES_903[table])
            for table, frames in parts.items()
        }
        stitched = {t: categorise(f) for t, f in stitch(combined).items()}
        local, local_sources, local_findings = extracts.result()
    finally:  # after an error or Ctrl-C, the files not yet started are not read
        pool.shutdown(cancel_futures=True)
    return CareData(
        tables=stitched,
        local=local,
        years=list(by_year),
        sources=sources + local_sources,
        findings=findings + local_findings,
        root=root,
    )
