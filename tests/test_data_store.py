"""The loaded-data cache (cpanalytics.data.store): exact round trip, invalidation, damage,
permissions, where it lives and how it is cleared."""

from __future__ import annotations

import dataclasses
import logging
import os
import stat
from pathlib import Path

import pandas as pd
import pytest
from builders import small_year, write_local, write_xml, write_year

from cpanalytics import about
from cpanalytics.cli.main import main
from cpanalytics.data import loading, store
from cpanalytics.data.loading import load_data
from cpanalytics.data.model import CareData
from cpanalytics.data.xml903 import XmlPlace
from cpanalytics.measures import derive
from cpanalytics.measures.derive import derived

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the loads that read the input files (cache misses)."""
    calls: list[int] = []
    real = loading._load

    def counted(*args: object) -> CareData:
        calls.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(loading, "_load", counted)
    return calls


def _rich_root(root: Path) -> Path:
    """Two CSV years, an XML year, a local extract and an ISO date (a W102 finding)."""
    for year in (2018, 2019):
        write_year(root, year, small_year(year))
    tables = small_year(2020)
    tables["uasc"] = [{"CHILD": "002", "SEX": "2", "DOB": "15/01/2008", "DUC": "2026-01-15"}]
    write_year(root, 2020, tables)
    write_xml(root / "903" / "2021" / "return.xml", small_year(2021))
    write_local(root, "child_attributes", [
        {"CHILD": "001", "NATIONALITY": "British", "DISTRICT": "Maidstone", "DISABILITY": "N"}])
    return root


def assert_same(a: CareData, b: CareData) -> None:
    """Every table, extract and field of two loads equal, dtypes included."""
    assert a.tables.keys() == b.tables.keys() and a.local.keys() == b.local.keys()
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_exact=True,
                                      check_categorical=True, check_index_type=True)
    for name in a.local:
        pd.testing.assert_frame_equal(a.local[name], b.local[name], check_exact=True)
    for f in dataclasses.fields(CareData):
        if f.name not in ("tables", "local", "cache", "stored"):
            assert getattr(a, f.name) == getattr(b, f.name), f.name


def test_round_trip_is_exact(tmp_path: Path, loads: list[int]) -> None:
    root = _rich_root(tmp_path / "data")
    plain = load_data(root, cache=False)
    cold = load_data(root, cache=tmp_path / "cache")
    warm = load_data(root, cache=tmp_path / "cache")
    assert len(loads) == 2  # the uncached load and the cold one; the warm one read Parquet
    assert plain.stored is None and warm.stored is not None
    assert_same(plain, warm)
    assert_same(cold, warm)
    eps = warm.episodes
    assert set(eps["CHILD"]) == {"001", "002"}  # leading zeros kept
    assert str(eps["DECOM"].dtype) == "datetime64[us]"
    assert isinstance(eps["PLACE"].dtype, pd.CategoricalDtype)
    assert {"SRC_FILE", "SRC_ROW", "YEAR", "STITCH_RULE"} <= set(eps.columns)
    assert [f.rule for f in warm.findings] == ["W102"]  # the ISO DUC in 2020's uasc.csv
    assert warm.root == root and warm.years == [2018, 2019, 2020, 2021]
    assert warm.sources == plain.sources and isinstance(warm.sources[0].path, Path)
    places = warm.episodes["SRC_XML"]  # rows of the XML year keep their place in the file
    assert isinstance(places[warm.episodes["YEAR"].eq(2021)].iloc[0], XmlPlace)


@pytest.mark.slow
def test_synthetic_round_trip_with_derived_tables(tmp_path: Path, loads: list[int]) -> None:
    data_dir = REPO / "data" / "synthetic"
    plain = load_data(data_dir, cache=False)
    cold = load_data(data_dir, cache=tmp_path)
    derived(cold)  # computed and stored beside the data
    warm = load_data(data_dir, cache=tmp_path)
    assert len(loads) == 2
    assert_same(plain, warm)
    expected, got = derived(plain), derived(warm)
    for table in ("episodes", "periods", "placements", "children"):
        pd.testing.assert_frame_equal(getattr(expected, table), getattr(got, table), check_exact=True)
    assert got.config_roots == expected.config_roots


def test_derived_tables_without_local_attributes_round_trip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # children() fills NATIONALITY etc. with pd.NA (object columns) when the extract is absent
    write_year(tmp_path / "data", 2019, small_year(2019))
    first = load_data(tmp_path / "data", cache=tmp_path / "cache")
    expected = derived(first).children
    again = load_data(tmp_path / "data", cache=tmp_path / "cache")
    monkeypatch.setattr(derive, "children", lambda data: pytest.fail("not read from the cache"))
    pd.testing.assert_frame_equal(derived(again).children, expected, check_exact=True)
    assert derived(again).children["nationality"].map(lambda v: v is pd.NA).all()


def test_a_changed_added_or_removed_file_is_read_again(tmp_path: Path, loads: list[int]) -> None:
    root = tmp_path / "data"
    folder = write_year(root, 2019, small_year(2019))
    cache = tmp_path / "cache"
    load_data(root, cache=cache)
    episodes = folder / "episodes.csv"
    before = episodes.stat()
    # the same size and the same mtime: only the content (and ctime) tell
    episodes.write_text(episodes.read_text().replace("PR4", "PR5"))
    os.utime(episodes, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert load_data(root, cache=cache).episodes["PLACE_PROVIDER"].tolist() == ["PR1", "PR5"]
    extract = write_local(root, "child_attributes", [{"CHILD": "001", "DISTRICT": "Dover"}])
    assert load_data(root, cache=cache).has("child_attributes")
    extract.unlink()
    assert not load_data(root, cache=cache).has("child_attributes")
    assert len(loads) == 4
    load_data(root, cache=cache)
    assert len(loads) == 4  # unchanged since: a hit
    assert len([p for p in next(cache.iterdir()).iterdir() if p.is_dir()]) == 1  # old keys dropped


def test_a_new_package_version_or_other_years_miss(
    tmp_path: Path, loads: list[int], monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = tmp_path / "data"
    for year in (2018, 2019):
        write_year(root, year, small_year(year))
    load_data(root, cache=tmp_path / "cache")
    load_data(root, years=[2019], cache=tmp_path / "cache")
    assert load_data(root, years=[2019], cache=tmp_path / "cache").years == [2019]
    assert len(loads) == 2
    monkeypatch.setattr(about, "__version__", "99.0")
    store.code_version.cache_clear()
    try:
        load_data(root, cache=tmp_path / "cache")
    finally:
        store.code_version.cache_clear()
    assert len(loads) == 3


def test_unchanged_files_are_not_hashed_again_unless_just_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loads: list[int],
) -> None:
    root = tmp_path / "data"
    folder = write_year(root, 2019, small_year(2019))
    hashed: list[str] = []
    real = store.file_sha256
    store.code_version()  # hashes the package source once per process
    monkeypatch.setattr(store, "file_sha256", lambda p: hashed.append(p.name) or real(p))
    load_data(root, cache=tmp_path / "cache")
    load_data(root, cache=tmp_path / "cache")
    # written under 2 s ago: a later edit in the same clock tick could keep the stamp, so hash
    assert sorted(hashed) == sorted(["episodes.csv", "header.csv", "reviews.csv"] * 2)
    monkeypatch.setattr(store, "RACY_NS", 0)
    load_data(root, cache=tmp_path / "cache")
    hashed.clear()
    load_data(root, cache=tmp_path / "cache")
    assert hashed == [] and len(loads) == 1  # size, mtime, ctime and inode unchanged
    header = folder / "header.csv"
    before = header.stat()
    header.write_text(header.read_text().replace("WBRI", "WIRI"))  # same size
    os.utime(header, ns=(before.st_atime_ns, before.st_mtime_ns))  # and mtime put back
    assert load_data(root, cache=tmp_path / "cache").header["ETHNIC"].tolist()[0] == "WIRI"
    assert hashed == ["header.csv"] and len(loads) == 2  # the ctime told


@pytest.mark.parametrize("damage", ["truncate", "flip", "no meta", "bad meta"])
def test_a_damaged_entry_is_rebuilt_not_trusted(
    tmp_path: Path, loads: list[int], damage: str, caplog: pytest.LogCaptureFixture,
) -> None:
    root = _rich_root(tmp_path / "data")
    cache = tmp_path / "cache"
    expected = load_data(root, cache=cache)
    entry = Path(expected.stored.path)  # type: ignore[union-attr]
    episodes = entry / "tables" / "episodes.parquet"
    if damage == "truncate":
        episodes.write_bytes(episodes.read_bytes()[:100])
    elif damage == "flip":  # same size, one byte different
        raw = bytearray(episodes.read_bytes())
        raw[len(raw) // 2] ^= 0xFF
        episodes.write_bytes(bytes(raw))
    elif damage == "no meta":  # a writer killed before meta.json
        (entry / "meta.json").unlink()
    else:
        (entry / "meta.json").write_text("{not json")
    with caplog.at_level(logging.WARNING, logger="cpanalytics.data.store"):
        again = load_data(root, cache=cache)
    assert len(loads) == 2
    assert "damaged" in caplog.text
    assert_same(expected, again)
    caplog.clear()
    load_data(root, cache=cache)  # the rebuilt entry is good
    assert len(loads) == 2 and "damaged" not in caplog.text


def test_damaged_derived_tables_are_computed_again(tmp_path: Path) -> None:
    write_year(tmp_path / "data", 2019, small_year(2019))
    cache = tmp_path / "cache"
    expected = derived(load_data(tmp_path / "data", cache=cache)).periods
    parquet = next(cache.rglob("derived/*/*/periods.parquet"))
    parquet.write_bytes(b"PAR1 not really")
    got = derived(load_data(tmp_path / "data", cache=cache)).periods
    pd.testing.assert_frame_equal(got, expected)


def test_files_are_600_and_folders_700(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "RACY_NS", 0)  # so that stamps.json is written too
    root = _rich_root(tmp_path / "data")
    cache = tmp_path / "out" / ".cache" / "data"
    derived(load_data(root, cache=cache))
    paths = [cache, *cache.rglob("*")]
    assert any(p.suffix == ".parquet" for p in paths) and any(p.name == "stamps.json" for p in paths)
    for path in paths:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_a_cache_folder_of_another_user_is_not_used(
    tmp_path: Path, loads: list[int], monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    write_year(tmp_path / "data", 2019, small_year(2019))
    monkeypatch.setattr(store.os, "getuid", lambda: os.stat(tmp_path).st_uid + 1)
    with caplog.at_level(logging.WARNING, logger="cpanalytics.data.store"):
        assert load_data(tmp_path / "data", cache=tmp_path / "cache").stored is None
        load_data(tmp_path / "data", cache=tmp_path / "cache")
    assert len(loads) == 2 and "another user" in caplog.text
    assert not any((tmp_path / "cache").iterdir())


def test_default_location_and_opt_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(store.ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert store.default_root() == tmp_path / "xdg" / "cpanalytics" / "data"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert store.default_root() == tmp_path / "home" / ".cache" / "cpanalytics" / "data"
    monkeypatch.setenv(store.ENV, "off")
    assert store.default_root() is None
    monkeypatch.setenv(store.ENV, str(tmp_path / "mine"))
    write_year(tmp_path / "data", 2019, small_year(2019))
    assert load_data(tmp_path / "data").stored is not None  # the default: $CPANALYTICS_CACHE
    assert any((tmp_path / "mine").rglob("meta.json"))


def test_cache_clear_removes_the_user_and_build_caches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(store.ENV, str(tmp_path / "user"))
    write_year(tmp_path / "data", 2019, small_year(2019))
    load_data(tmp_path / "data")
    load_data(tmp_path / "data", cache=tmp_path / "out" / ".cache" / "data")
    (tmp_path / "out" / ".cache" / "2019").mkdir()
    (tmp_path / "out" / "2019").mkdir()  # published outputs: left alone
    assert main(["cache", "clear", "--out", str(tmp_path / "out")]) == 0
    assert not (tmp_path / "user").exists() and not (tmp_path / "out" / ".cache").exists()
    assert (tmp_path / "out" / "2019").is_dir()
    printed = capsys.readouterr().out
    assert str(tmp_path / "user") in printed and str(tmp_path / "out" / ".cache") in printed


def test_cache_clear_is_refused_while_a_build_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    from cpanalytics.pipeline import outputs

    monkeypatch.setenv(store.ENV, "off")
    (tmp_path / "out" / ".cache" / "2019").mkdir(parents=True)
    with outputs.build_lock(tmp_path / "out", 2019):
        assert main(["cache", "clear", "--out", str(tmp_path / "out")]) == 2
    assert "E403" in capsys.readouterr().err
    assert (tmp_path / "out" / ".cache" / "2019").is_dir()
