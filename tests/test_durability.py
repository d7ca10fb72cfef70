"""Nothing finished is torn: SIGKILL a real `spacerace montecarlo --out` at random moments."""

import hashlib
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

pq = pytest.importorskip("pyarrow.parquet")

from spacerace.montecarlo import read_batch  # noqa: E402

RUNS = {4: 200, 3: 2000}  # the old study's flights and the new one's (a second or two)
KILLS = 30
BUDGET_S = 35.0  # on a loaded machine fewer kills are made (at least MIN_KILLS)
MIN_KILLS = 12


def _command(folder, seed: int) -> list[str]:
    return [sys.executable, "-m", "spacerace", "montecarlo", "v2-london", "-n", str(RUNS[seed]),
            "--seed", str(seed), "--study", str(folder / f"s{seed}"), "--resume",
            "--out", str(folder / "o.parquet"), "--json"]


def _table_digest(path) -> tuple[int, str]:
    """(seed, digest) of a complete --out file; fails on a torn or partial one."""
    table = pq.read_table(path)
    seeds = set(table.column("seed").to_pylist())
    assert len(seeds) == 1 and table.num_rows == RUNS[min(seeds)]
    digest = hashlib.sha256()
    for name in table.column_names:
        digest.update(np.ascontiguousarray(table.column(name).to_numpy()).tobytes())
    return seeds.pop(), digest.hexdigest()


def _study_is_sound(folder) -> None:
    """Every batch present passes its checksum; study.json, when present, parses."""
    import json

    if (folder / "study.json").exists():
        json.loads((folder / "study.json").read_text())
    for batch in folder.glob("batch-*.parquet"):
        read_batch(batch)


def _out_state(folder) -> list:
    """Names, sizes and times of --out and of any temporary file beside it."""
    state = []
    for entry in os.scandir(folder):
        if "o.parquet" in entry.name:
            try:
                st = entry.stat()
            except FileNotFoundError:
                continue
            state.append((entry.name, st.st_size, st.st_mtime_ns, st.st_ino))
    return sorted(state)


def _wait_for_writing(proc, folder, timeout: float) -> None:
    """Return as soon as --out (or a file beside it) starts to change, or the run ends."""
    before = _out_state(folder)
    end = time.perf_counter() + timeout
    while time.perf_counter() < end and proc.poll() is None:
        if _out_state(folder) != before:
            return
        time.sleep(0.0005)


@pytest.mark.slow
def test_thirty_random_kills_never_tear_a_finished_output(tmp_path):
    """Each kill leaves --out whole: the old study's rows or the new one's, never a torn file.

    Bounded in time: at most KILLS kills, fewer (at least MIN_KILLS) once BUDGET_S is spent.
    """
    rng = np.random.default_rng(20260)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    old = subprocess.run(_command(tmp_path, 4), capture_output=True, text=True, env=env,
                         timeout=300)
    assert old.returncode == 0, old.stderr
    start = time.time()  # a run on a finished study: load, aim, read, write
    again = subprocess.run(_command(tmp_path, 4), capture_output=True, env=env, timeout=300)
    span = time.time() - start
    written = (tmp_path / "o.parquet").stat().st_mtime - start  # when --out was written
    assert again.returncode == 0
    seen = {_table_digest(tmp_path / "o.parquet")}
    # the new study flown but for its last batch, so the killed runs fly it, then write
    new_study = _command(tmp_path, 3)
    new_study = new_study[:new_study.index("--resume")]
    assert subprocess.run(new_study, capture_output=True, env=env, timeout=300).returncode == 0
    (tmp_path / "s3" / "batch-000003.parquet").unlink()
    landed = []
    begun = time.perf_counter()
    for i in range(KILLS):
        if i >= MIN_KILLS and time.perf_counter() - begun > BUDGET_S:
            break
        # a third of the kills anywhere in a run, a third about the moment --out was written
        # in the calibration run, a third just after the first sign of that write
        kind = i % 3
        delay = float(rng.uniform(0.3 * span, 1.2 * span) if kind == 0 else
                      rng.uniform(written - 0.4, written + 0.1) if kind == 1 else
                      rng.uniform(0.0, 0.03))
        proc = subprocess.Popen(_command(tmp_path, 3), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=env)
        if kind == 2:
            _wait_for_writing(proc, tmp_path, timeout=3 * span)
        time.sleep(max(delay, 0.0))
        proc.send_signal(signal.SIGKILL)
        code = proc.wait(timeout=60)
        landed.append((round(delay, 2), code))
        # the previous complete output is still there, or the new one, whole
        seen.add(_table_digest(tmp_path / "o.parquet"))
        _study_is_sound(tmp_path / "s3")
    final = subprocess.run(_command(tmp_path, 3), capture_output=True, text=True, env=env,
                           timeout=300)
    assert final.returncode == 0, final.stderr
    new = _table_digest(tmp_path / "o.parquet")
    old_digest = next(d for d in seen if d[0] == 4)
    assert seen <= {old_digest, new}, landed  # only the old or the new file was ever seen
    print(f"{len(landed)} kills (delay s, exit): {landed}; run {span:.2f} s, --out written "
          f"at {written:.2f} s; outputs seen: {len(seen)}; temporary files left by kills: "
          f"{len(list(tmp_path.rglob('*.tmp')))}")
