"""Names and paths, caches that repair themselves, outputs written whole or not at all."""

import errno
import json
import os
import shutil
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spacerace import _files, catalog
from spacerace._files import atomic_path, read_checked, write_checked, write_text
from spacerace._jit import IS_COMPILED
from spacerace.cli import app
from spacerace.errors import CatalogError, OutputError

runner = CliRunner()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A private parsed-catalog cache folder."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("SPACERACE_CACHE_DIR", str(folder))
    return folder


def _lighter_v2(path: Path) -> Path:
    """A copy of the catalog V-2 with half its payload (another apogee)."""
    text = (catalog.VEHICLES / "v2.toml").read_text()
    assert '"1000 kg"' in text
    path.write_text(text.replace('"1000 kg"', '"500 kg"'))
    return path


# --- a name is a name, a path is a path --------------------------------------------------------

def test_the_working_directory_never_shadows_a_catalog_name(tmp_path, monkeypatch, cache):
    catalog_payload = catalog.load_vehicle("v2").payload_mass
    monkeypatch.chdir(tmp_path)
    (tmp_path / "v2-london").mkdir()  # e.g. left by `fly v2-london --report v2-london`
    _lighter_v2(tmp_path / "v2")
    _lighter_v2(tmp_path / "v2.toml")
    for _ in range(2):  # a cache miss, then a hit
        v, m = catalog.load("v2-london")
        assert m.id == "v2-london" and v.payload_mass == catalog_payload
    assert catalog.load("v2-london", "v2")[0].payload_mass == catalog_payload
    # a file is named as a path: a Path, a separator or a .toml ending
    assert catalog.load("v2-london", Path("v2"))[0].payload_mass == 500.0
    assert catalog.load("v2-london", "./v2")[0].payload_mass == 500.0
    assert catalog.load("v2-london", "v2.toml")[0].payload_mass == 500.0
    # and the cache still holds the catalog's own pair
    assert catalog.load("v2-london")[0].payload_mass == catalog_payload
    (tmp_path / "v2").unlink()
    (tmp_path / "v2").mkdir()  # a folder named like the vehicle
    assert catalog.load("v2-london", "v2")[0].payload_mass == catalog_payload
    with pytest.raises(CatalogError, match="unknown mission"):
        catalog.load("v2")
    with pytest.raises(CatalogError, match="cannot read the file"):
        catalog.load("v2-london/")


def test_fly_by_name_ignores_look_alike_files(tmp_path, monkeypatch, cache):
    clean = runner.invoke(app, ["fly", "v2-london", "--json"])
    assert clean.exit_code == 0, clean.output
    monkeypatch.chdir(tmp_path)
    (tmp_path / "v2-london").mkdir()
    _lighter_v2(tmp_path / "v2")
    shadowed = runner.invoke(app, ["fly", "v2-london", "--json"])
    assert shadowed.exit_code == 0, shadowed.output
    assert json.loads(shadowed.stdout)["figures"] == json.loads(clean.stdout)["figures"]
    own = runner.invoke(app, ["fly", "v2-london", "--vehicle", "v2", "--json"])
    assert own.exit_code == 0, own.output
    lighter = json.loads(own.stdout)["figures"]["max_altitude_m"]
    assert lighter > json.loads(clean.stdout)["figures"]["max_altitude_m"] + 1000


# --- the parsed-catalog cache ------------------------------------------------------------------

def _entry(cache: Path) -> Path:
    (entry,) = (cache / "catalog").glob("v2-london-*.pickle")
    return entry


@pytest.mark.parametrize("damage", ["flip", "truncate", "bad-pickle", "wrong-object"])
def test_a_damaged_cache_entry_is_rebuilt_with_one_line(cache, capfd, damage):
    fresh = catalog._load(catalog.MISSIONS / "v2-london.toml", None)
    catalog.load("v2-london")
    entry = _entry(cache)
    data = bytearray(entry.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x40
        entry.write_bytes(bytes(data))
    elif damage == "truncate":
        entry.write_bytes(bytes(data[: len(data) // 2]))
    elif damage == "bad-pickle":  # a whole entry whose pickle cannot be decoded
        write_checked(entry, b"\x80\x04X\x02\x00\x00\x00\xff\xfe.")
    else:
        write_checked(entry, b"\x80\x04K\x07.")  # the number 7
    capfd.readouterr()
    assert repr(catalog.load("v2-london")) == repr(fresh)
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and "damaged" in err and str(entry) in err
    assert "Traceback" not in err
    assert repr(catalog.load("v2-london")) == repr(fresh)  # rebuilt: silent from now on
    assert capfd.readouterr().err == ""
    assert read_checked(entry) is not None


def test_the_cache_key_covers_the_code(tmp_path, monkeypatch, cache):
    copy = tmp_path / "spacerace"
    shutil.copytree(_files.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(_files, "PACKAGE", copy)
    files = [catalog.MISSIONS / "sputnik-1.toml", catalog.VEHICLES / "r7-8k71ps.toml"]
    _files.package_digest.cache_clear()
    try:
        before = catalog._cache_file("sputnik-1", files)
        constants = copy / "constants.py"
        constants.write_text(constants.read_text() + "\nEXTRA = 1.0\n")
        _files.package_digest.cache_clear()
        assert catalog._cache_file("sputnik-1", files) != before
    finally:
        _files.package_digest.cache_clear()


def test_an_unwritable_cache_folder_costs_only_time(tmp_path, monkeypatch, capfd):
    blocker = tmp_path / "afile"
    blocker.write_text("")
    monkeypatch.setenv("SPACERACE_CACHE_DIR", str(blocker / "cache"))
    v, m = catalog.load("v2-london")
    assert m.id == "v2-london" and capfd.readouterr().err == ""


def test_the_cache_folder_is_the_users(monkeypatch):
    monkeypatch.delenv("SPACERACE_CACHE_DIR", raising=False)
    assert _files.PACKAGE not in _files.cache_dir().parents


# --- the compiled-code (numba) cache -----------------------------------------------------------

KERNEL = '''
from spacerace._jit import jit


def twice_plus_one(x):
    return 2.0 * x + 1.0
'''


@pytest.mark.skipif(not IS_COMPILED, reason="numba JIT disabled")
def test_a_damaged_compiled_cache_is_rebuilt_with_one_line(tmp_path, monkeypatch, capfd):
    from spacerace._jit import jit

    (tmp_path / "tiny_kernel.py").write_text(KERNEL)
    monkeypatch.syspath_prepend(str(tmp_path))
    import tiny_kernel

    assert jit(tiny_kernel.twice_plus_one)(2.0) == 5.0  # compiled and cached
    (data,) = (tmp_path / "__pycache__").glob("*.nbc")
    assert data.with_name(data.name + ".sha256").exists()
    assert capfd.readouterr().err == ""
    assert jit(tiny_kernel.twice_plus_one)(3.0) == 7.0  # a new dispatcher: loaded from disk
    assert capfd.readouterr().err == ""
    raw = bytearray(data.read_bytes())
    raw[len(raw) // 2: len(raw) // 2 + 64] = bytes(b ^ 0xFF for b in
                                                   raw[len(raw) // 2: len(raw) // 2 + 64])
    data.write_bytes(bytes(raw))
    assert jit(tiny_kernel.twice_plus_one)(4.0) == 9.0
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and "damaged" in err and "twice_plus_one" in err
    (index,) = (tmp_path / "__pycache__").glob("*.nbi")
    index.write_bytes(index.read_bytes()[:10])  # a torn index
    assert jit(tiny_kernel.twice_plus_one)(5.0) == 11.0
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and "damaged" in err
    assert jit(tiny_kernel.twice_plus_one)(6.0) == 13.0  # rebuilt: silent again
    assert capfd.readouterr().err == ""
    sys.modules.pop("tiny_kernel", None)


# --- outputs: whole or not at all --------------------------------------------------------------

def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    write_text(target, "old and complete\n")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OutputError, match="out.txt: cannot write .no space left"):
        write_text(target, "new" * 10000)
    monkeypatch.undo()
    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError, match="no space left"):
        write_text(target, "new" * 10000)
    monkeypatch.undo()
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("a writer failing half-way")
    assert target.read_text() == "old and complete\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def _one_line(res) -> str:
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
    return lines[0]


def test_output_names_that_cannot_be_written_are_refused_in_one_line(tmp_path):
    (tmp_path / "afile").write_text("")
    (tmp_path / "adir").mkdir()
    line = _one_line(runner.invoke(app, ["fly", "v2-london", "--csv", str(tmp_path / "adir")]))
    assert "adir: is a folder; expected a file name" in line
    line = _one_line(runner.invoke(app, ["fly", "v2-london", "--parquet",
                                         str(tmp_path / "afile" / "t.parquet")]))
    assert "afile is a file, not a folder" in line
    line = _one_line(runner.invoke(app, ["fly", "v2-london", "--report",
                                         str(tmp_path / "afile")]))
    assert "afile: is a file; expected a folder" in line
    line = _one_line(runner.invoke(app, ["montecarlo", "v2-london", "-n", "8", "--study",
                                         str(tmp_path / "s"), "--out", str(tmp_path / "adir")]))
    assert "adir: is a folder" in line
    assert not (tmp_path / "s").exists()  # refused before any flight


@pytest.mark.parametrize("failure", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_full_disk_or_read_only_folder_one_line_nothing_torn(tmp_path, monkeypatch, failure):
    old = tmp_path / "t.csv"
    old.write_text("old, complete\n")
    real_mkstemp = _files.tempfile.mkstemp
    calls = {"n": 0}

    def failing_mkstemp(*args, **kwargs):
        if failure != errno.ENOSPC:
            raise OSError(failure, os.strerror(failure))
        calls["n"] += 1
        return real_mkstemp(*args, **kwargs)

    def failing_replace(src, dst):
        raise OSError(failure, os.strerror(failure))

    monkeypatch.setattr(_files.tempfile, "mkstemp", failing_mkstemp)
    monkeypatch.setattr(os, "replace", failing_replace)
    reason = "no space left on the disk" if failure == errno.ENOSPC else \
        "the folder is not writable"
    for output in (["--csv", str(old)], ["--report", str(tmp_path / "rep")]):
        line = _one_line(runner.invoke(app, ["fly", "v2-london", *output]))
        assert reason in line and output[1] in line
    assert old.read_text() == "old, complete\n"
    left = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert left == ["t.csv"]  # nothing half-written, no temporary files


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs a user that file permissions apply to")
def test_a_really_read_only_folder(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        line = _one_line(runner.invoke(app, ["fly", "v2-london", "--csv", str(ro / "t.csv")]))
        assert "not writable" in line
    finally:
        ro.chmod(0o755)


def test_montecarlo_out_on_a_full_disk_one_line_old_file_kept(tmp_path, monkeypatch):
    pq = pytest.importorskip("pyarrow.parquet")
    args = ["montecarlo", "v2-london", "-n", "8", "--study", str(tmp_path / "s"), "--out",
            str(tmp_path / "o.parquet"), "--json"]
    assert runner.invoke(app, args).exit_code == 0
    before = (tmp_path / "o.parquet").read_bytes()

    def full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    other = [*args[:3], "9", "--study", str(tmp_path / "s9"), *args[6:]]  # a new study
    line = _one_line(runner.invoke(app, other))
    assert "s9/study.json: cannot write (no space left on the disk)" in line
    line = _one_line(runner.invoke(app, args))  # the finished study: only --out is written
    assert "o.parquet: cannot write (no space left on the disk)" in line
    assert (tmp_path / "o.parquet").read_bytes() == before
    assert pq.read_table(tmp_path / "o.parquet").num_rows == 8
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_temporary_files_of_long_killed_writers_are_removed(tmp_path):
    target = tmp_path / "out.csv"
    stale = tmp_path / ".out.csv.abc123.tmp"
    recent = tmp_path / ".out.csv.def456.tmp"  # perhaps another process writing now
    for p in (stale, recent):
        p.write_text("half")
    old = time.time() - 2 * _files.LEFTOVER_AGE_S
    os.utime(stale, (old, old))
    write_text(target, "whole\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [recent.name, "out.csv"]


KERNEL_WITH_FLAG = '''
from spacerace._jit import jit


@jit
def scaled(x, double):
    return 2.0 * x if double else x


@jit
def both(x):
    return scaled(x, True) + scaled(x, False)
'''


@pytest.mark.skipif(not IS_COMPILED, reason="numba JIT disabled")
def test_a_callee_is_compiled_once_whatever_constants_it_is_called_with(tmp_path,
                                                                          monkeypatch):
    (tmp_path / "flag_kernel.py").write_text(KERNEL_WITH_FLAG)
    monkeypatch.syspath_prepend(str(tmp_path))
    import flag_kernel

    assert flag_kernel.both(3.0) == 9.0
    # one machine code for (float64, bool), not one per constant: True, False
    assert len(flag_kernel.scaled.signatures) == 1
    sys.modules.pop("flag_kernel", None)
