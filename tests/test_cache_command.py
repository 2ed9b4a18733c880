"""`cpanalytics cache clear --out` takes the lock of every build and pack into OUT, so it
never deletes a cache (or the shared loaded-data cache) from under a running one."""

from __future__ import annotations

from pathlib import Path

import pytest

from cpanalytics.cli.main import main
from cpanalytics.data import store
from cpanalytics.errors import UserError
from cpanalytics.pipeline import outputs


@pytest.fixture
def out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An output folder after a 2019 build and an August 2018 pack: their caches, the
    shared loaded-data cache and their (released) lock files."""
    monkeypatch.setenv(store.ENV, "off")
    folder = tmp_path / "out"
    for name in ("2019", "pack-2018-08", "data"):
        (folder / ".cache" / name).mkdir(parents=True)
        (folder / ".cache" / name / "entry").write_text("x")
    with outputs.build_lock(folder, 2019), outputs.build_lock(folder / "pack", "2018-08"):
        pass
    (folder / "2019").mkdir()  # published outputs: never touched
    return folder


@pytest.mark.parametrize(("home", "slot"), [("pack", "2018-08"), ("", "2019")])
def test_clear_is_refused_while_a_pack_or_a_build_runs(
    out: Path, home: str, slot: str, capsys: pytest.CaptureFixture[str],
) -> None:
    with outputs.build_lock(out / home, slot):
        assert main(["cache", "clear", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error E403: ") and f"another build of {slot} is running" in err
    assert "cannot be cleared while it runs" in err
    assert {p.name for p in (out / ".cache").iterdir()} == {"2019", "pack-2018-08", "data"}


def test_clear_takes_every_lock_then_deletes_the_whole_cache(out: Path) -> None:
    with outputs.every_build_lock(out) as held:
        assert held == [out / ".2019.lock", out / "pack" / ".2018-08.lock"]
        with pytest.raises(UserError) as err, outputs.build_lock(out / "pack", "2018-08"):
            pass  # a pack starting now is refused (or, with --wait, waits for the clear)
        assert err.value.code == "E403"
    assert main(["cache", "clear", "--out", str(out)]) == 0
    assert not (out / ".cache").exists()
    assert (out / "2019").is_dir() and (out / ".2019.lock").is_file()
