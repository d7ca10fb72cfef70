"""Monte Carlo studies: dispersed flights in batches, a resumable store, local cores or Dask.

Dispersions are data (``Mission.dispersions``): a field path, a distribution and its
numbers. Run *i* of a study draws its inputs from ``SeedSequence(seed, spawn_key=(i,))``
(the i-th child of ``SeedSequence(seed).spawn``), so any run can be flown again alone and a
study gives the same rows whatever runs it: the local cores, a Dask cluster, or a resumed
study. Finished batches are written as Parquet files in the study folder as they complete.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spacerace._files import atomic_path, make_folder, write_text
from spacerace._jit import max_threads, set_num_threads
from spacerace._version import __version__
from spacerace.edit import check_path, perturb
from spacerace.errors import CatalogError
from spacerace.flight import may_orbit, orbit_figures
from spacerace.kernel.inputs import ATOL, NO_SAMPLES, Packed, SimOptions
from spacerace.kernel.layout import STATUS_MESSAGES
from spacerace.kernel.output import batch_output, run_batch, summarize, summary_columns
from spacerace.mission import Dispersion, Mission
from spacerace.models.geodesic import geodesic
from spacerace.packing import liftoff_thrust_and_weight, pack
from spacerace.runner import run_packed
from spacerace.streams import run_generators
from spacerace.targeting import aim_mission
from spacerace.vehicle import Vehicle

STATUS_NO_LIFTOFF = 100  # a sample that cannot lift off (checked before the kernel)
# rtol 1e-7: the impact moves by about 0.2 m against 1e-9, far below any dispersion.
MC_OPTIONS = SimOptions(rtol=1e-7, output_interval=NO_SAMPLES)
Z95 = 1.959964  # two-sided 95 % quantile of the normal distribution [-]


def draw(d: Dispersion, rng: np.random.Generator) -> float:
    """One offset from a dispersion's distribution."""
    if d.distribution == "normal":
        return float(rng.normal(d.mean, d.sd))
    if d.distribution == "uniform":
        return float(rng.uniform(d.low, d.high))
    if d.distribution == "truncnormal":
        for _ in range(1000):  # rejection; the bounds are at least a standard deviation out
            x = float(rng.normal(d.mean, d.sd))
            if d.low <= x <= d.high:
                return x
        return float(np.clip(d.mean, d.low, d.high))
    raise ValueError(f"unknown distribution {d.distribution!r}")


def sample_run(vehicle: Vehicle, mission: Mission, seed: int, index: int
               ) -> tuple[Vehicle, Mission, dict[str, float]]:
    """The dispersed vehicle and mission of run ``index`` and the offsets drawn."""
    offsets = draw_offsets(mission, seed, [index])[0]
    drawn = {}
    for d, x in zip(mission.dispersions, offsets):
        drawn[d.path] = float(x)
        vehicle, mission = perturb(vehicle, mission, d.path, float(x), d.relative)
    return vehicle, mission, drawn


# --- flying batches ----------------------------------------------------------------------------

@dataclass(frozen=True)
class StudySpec:
    """What a study flies: the aimed nominal vehicle and mission, the seed and the size."""

    vehicle: Vehicle
    mission: Mission
    seed: int
    n: int
    batch_size: int = 500

    def batches(self) -> list[range]:
        """Run indices of each batch."""
        return [range(i, min(i + self.batch_size, self.n))
                for i in range(0, self.n, self.batch_size)]

    def fingerprint(self) -> str:
        """Hash of everything that decides the results (to refuse a mismatched resume)."""
        text = repr((self.vehicle, self.mission, self.seed, self.n, self.batch_size,
                     __version__))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


_FIELDS = ("y0", "p", "phases", "stg", "cd_mach", "cd_val", "tab")


def _flatten(pk: Packed) -> np.ndarray:
    return np.concatenate([np.ravel(getattr(pk, f)) for f in _FIELDS])


@dataclass(frozen=True)
class Linearization:
    """The packed kernel inputs as nominal + sum of offset x sensitivity (exact when linear).

    Almost every dispersible figure enters the kernel's arrays linearly (masses, thrust,
    flow, cut-off speed, azimuth, a pitch bias, wind and density factors), so a sample is
    packed by a matrix product instead of a pass through the Python data classes. Paths that
    enter non-linearly (the launch site's position, a diameter) are found by a second
    difference and then packed one by one.
    """

    nominal: np.ndarray
    jacobian: np.ndarray  # (n_dispersions, n_flat)
    shapes: tuple[tuple[int, ...], ...]
    is_linear: bool

    def flat(self, offsets: np.ndarray) -> np.ndarray:
        """The flattened inputs of runs with ``offsets`` (n_runs, n_dispersions).

        Summed one dispersion at a time over the entries it moves, not as a BLAS product:
        OpenBLAS's worker threads keep spinning after a product and take a core from the
        kernel's threads that follow it (10,000 V-2 runs in 500-run batches on 2 cores:
        2.8 s against 1.8 s). A run's inputs are also the same whatever batch it is in.
        """
        out = np.repeat(self.nominal[None, :], len(offsets), axis=0)
        for j, row in enumerate(self.jacobian):
            moved = np.flatnonzero(row)
            out[:, moved] += offsets[:, j, None] * row[moved]
        return out


def linearize(vehicle: Vehicle, mission: Mission, options: SimOptions) -> Linearization:
    """Sensitivities of the packed inputs to each dispersion of ``mission``."""
    base = pack(vehicle, mission, options)
    x0 = _flatten(base)
    rows = []
    linear = True
    for d in mission.dispersions:
        step = d.sd if d.sd > 0 else (d.high - d.low) / 4 if math.isfinite(d.high - d.low) \
            else 1.0
        step = step or 1e-3
        plus = _flatten(pack(*perturb(vehicle, mission, d.path, step, d.relative), options))
        minus = _flatten(pack(*perturb(vehicle, mission, d.path, -step, d.relative), options))
        if plus.shape != x0.shape or minus.shape != x0.shape:
            linear = False
            rows.append(np.zeros_like(x0))
            continue
        same = (plus == x0) & (minus == x0)  # untouched entries, infinities among them
        with np.errstate(invalid="ignore"):
            jac = np.where(same, 0.0, (plus - minus) / (2 * step))
            curvature = np.where(same, 0.0, np.abs(plus + minus - 2 * x0))
        if not np.all(np.isfinite(jac)) or np.any(
                curvature > 1e-9 * (np.abs(x0) + np.abs(jac * step)) + 1e-12):
            linear = False
        rows.append(jac)
    shapes = tuple(np.shape(getattr(base, f)) for f in _FIELDS)
    jacobian = np.array(rows) if rows else np.zeros((0, x0.size))
    return Linearization(x0, jacobian, shapes, linear)


def _unflatten(flat: np.ndarray, shapes: tuple[tuple[int, ...], ...]) -> list[np.ndarray]:
    n = flat.shape[0]
    out, pos = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        out.append(np.ascontiguousarray(flat[:, pos:pos + size].reshape((n, *shape))))
        pos += size
    return out


def _draw_groups(dispersions: Sequence[Dispersion]
                 ) -> list[tuple[int, int, np.ndarray | None, np.ndarray | None]]:
    """Spans ``[lo, hi)`` of the dispersions drawn in one call: runs of normal ones, with
    their means and standard deviations; every other dispersion alone (no arrays)."""
    spans: list[tuple[int, int, np.ndarray | None, np.ndarray | None]] = []
    lo = 0
    while lo < len(dispersions):
        hi = lo + 1
        if dispersions[lo].distribution == "normal":
            while hi < len(dispersions) and dispersions[hi].distribution == "normal":
                hi += 1
            if hi - lo > 1:
                ds = dispersions[lo:hi]
                spans.append((lo, hi, np.array([d.mean for d in ds]),
                              np.array([d.sd for d in ds])))
                lo = hi
                continue
        spans.append((lo, hi, None, None))
        lo = hi
    return spans


def draw_offsets(mission: Mission, seed: int, indices: Sequence[int]) -> np.ndarray:
    """Offsets of every dispersion for each run, shape (len(indices), n_dispersions).

    Run ``i`` draws from its own stream (``spacerace.streams``), the dispersions in the
    mission's order: a run's offsets do not depend on the batch it is flown in. Normal
    dispersions side by side are drawn in one call, which gives the same numbers.
    """
    spans = _draw_groups(mission.dispersions)
    out = np.empty((len(indices), len(mission.dispersions)))
    for row, rng in enumerate(run_generators(seed, indices)):
        for lo, hi, mean, sd in spans:
            if mean is not None and sd is not None:
                out[row, lo:hi] = mean + sd * rng.standard_normal(hi - lo)
            else:
                out[row, lo] = draw(mission.dispersions[lo], rng)
    return out


def _packed_samples(spec: StudySpec, lin: Linearization, offsets: np.ndarray,
                    indices: Sequence[int]) -> list[np.ndarray]:
    if lin.is_linear:
        flat = lin.flat(offsets)
    else:
        flat = np.stack([_flatten(pack(*sample_run(spec.vehicle, spec.mission, spec.seed,
                                                    i)[:2], MC_OPTIONS)) for i in indices])
    return _unflatten(flat, lin.shapes)


def fly_batch(spec: StudySpec, indices: range, threads: int = 0,
              lin: Linearization | None = None) -> dict[str, np.ndarray]:
    """Fly the runs ``indices`` of a study; returns columns (one row per run).

    Runs that cannot lift off are rows with status ``STATUS_NO_LIFTOFF``, not errors.
    """
    if threads and max_threads() > 1:
        set_num_threads(max(1, min(threads, max_threads())))
    lin = lin or linearize(spec.vehicle, spec.mission, MC_OPTIONS)
    offsets = draw_offsets(spec.mission, spec.seed, indices)
    y0s, ps, phases, stgs, cd_mach, cd_val, tabs = _packed_samples(spec, lin, offsets, indices)
    f, w = liftoff_thrust_and_weight(phases, stgs, y0s, spec.mission.site.alt)
    ok = f > w
    out = batch_output(len(indices))
    if np.any(ok) and any(ph.is_closed_loop for ph in spec.mission.phases):
        # closed-loop guidance runs in Python between kernel calls: one flight at a time
        for row in np.flatnonzero(ok):
            v, m, _ = sample_run(spec.vehicle, spec.mission, spec.seed, indices[row])
            pk = pack(v, m, MC_OPTIONS)
            kr = run_packed(pk, MC_OPTIONS)
            ev = kr.events
            last = np.asarray(ev.y[-1]) if len(ev.y) else pk.y0
            summarize(len(ev.t), kr.status, float(ev.t[-1]) if len(ev.t) else 0.0, last,
                      ev.t, ev.code, ev.phase, ev.y, pk.p, kr.phases, pk.cd_mach, pk.cd_val,
                      pk.tab, out[row])
    elif np.any(ok):
        res = batch_output(int(ok.sum()))
        run_batch(y0s[ok], ps[ok], phases[ok], stgs[ok], cd_mach[ok], cd_val[ok], tabs[ok],
                  MC_OPTIONS.max_time, MC_OPTIONS.rtol, ATOL, MC_OPTIONS.max_step, res)
        out[ok] = res
    fig = summary_columns(out)
    status = np.where(ok, fig["status"], STATUS_NO_LIFTOFF)
    cols: dict[str, np.ndarray] = {
        "run": np.array(list(indices), dtype=np.int64),
        "seed": np.full(len(indices), spec.seed, dtype=np.int64),
        "status": status,
        "impact_lat_deg": np.degrees(fig["impact_lat"]),
        "impact_lon_deg": np.degrees(fig["impact_lon"]),
        "flight_time_s": fig["impact_time"],
        "impact_speed_m_s": fig["impact_speed"],
        "max_altitude_m": fig["apogee_altitude"],
        "burnout_time_s": fig["cutoff_time"],
        "burnout_speed_m_s": fig["cutoff_speed"],
        "burnout_altitude_m": fig["cutoff_altitude"],
        "burnout_inertial_speed_m_s": fig["cutoff_inertial_speed"],
        **_orbit_columns(fig["cutoff_state"]),
    }
    for k, d in enumerate(spec.mission.dispersions):
        cols[f"d:{d.path}"] = offsets[:, k]
    return cols


ORBIT_COLUMNS = ("perigee_altitude_m", "apogee_altitude_m", "inclination_deg", "period_s")


def _orbit_columns(states: np.ndarray) -> dict[str, np.ndarray]:
    """Orbit at each run's last cut-off (NaN where it is no orbit)."""
    cols = {k: np.full(len(states), np.nan) for k in ORBIT_COLUMNS}
    finite = np.all(np.isfinite(states), axis=1)
    candidates = np.zeros(len(states), dtype=bool)
    candidates[finite] = may_orbit(states[finite])
    for i in np.flatnonzero(candidates):
        fig = orbit_figures(states[i], 0.0)
        for k in ORBIT_COLUMNS:
            cols[k][i] = fig.get(k, np.nan)
    return cols


def status_text(code: int) -> str:
    """Meaning of a run's status code."""
    if code == STATUS_NO_LIFTOFF:
        return "cannot lift off"
    return STATUS_MESSAGES.get(code, f"status {code}")


def nominal(vehicle: Vehicle, mission: Mission) -> Mission:
    """The mission the dispersions are applied to: aimed as the mission asks."""
    mission, _ = aim_mission(vehicle, mission)
    for d in mission.dispersions:
        try:
            check_path(vehicle, mission, d.path)
        except (KeyError, AttributeError, IndexError, ValueError):
            raise CatalogError(mission.origin or mission.id, f"dispersions.{d.path}",
                               "a path to a number of the vehicle or mission, e.g. "
                               "vehicle.stages[0].propellant_mass or mission.azimuth") from None
    return mission


# --- the study folder --------------------------------------------------------------------------

def _batch_file(folder: Path, k: int) -> Path:
    return folder / f"batch-{k:06d}.parquet"


def _checksum(table: Any) -> str:
    """SHA-256 of a batch's column names and values."""
    digest = hashlib.sha256()
    for name in table.column_names:
        digest.update(name.encode() + b"\0")
        digest.update(np.ascontiguousarray(table.column(name).to_numpy()).tobytes())
    return digest.hexdigest()


def read_batch(path: Path) -> Any:
    """A batch file as a pyarrow table, checked against the checksum stored in it.

    Raises ``CatalogError`` naming the file when it is torn, damaged or has no checksum.
    """
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
        meta = table.schema.metadata or {}
        ok = meta.get(b"spacerace-sha256", b"").decode() == _checksum(table)
    except Exception:  # a torn or damaged file fails to decode in many ways
        ok = False
    if not ok:
        raise CatalogError(str(path), "", "damaged batch (its checksum does not match); "
                           "run the study again with --resume to fly it again")
    return table.replace_schema_metadata(None)


def _read_meta(meta_path: Path) -> dict[str, Any]:
    try:
        meta = json.loads(meta_path.read_text())
        if not isinstance(meta, dict):
            raise ValueError("not a JSON object")
        return meta
    except (OSError, ValueError) as exc:
        raise CatalogError(str(meta_path), "", f"not a readable study file ({exc}); remove "
                           "the study folder to start again") from None


def open_study(folder: Path, spec: StudySpec, resume: bool) -> list[int]:
    """Prepare the study folder; returns the batch numbers still to fly.

    A folder holding this very study, finished, needs no ``resume``: nothing is flown again.
    Batches that fail their checksum are removed and flown again.
    """
    make_folder(folder)
    meta_path = folder / "study.json"
    meta = {"mission": spec.mission.id, "vehicle": spec.vehicle.id, "seed": spec.seed,
            "n": spec.n, "batch_size": spec.batch_size, "fingerprint": spec.fingerprint(),
            "spacerace_version": __version__}
    if not meta_path.exists():
        write_text(meta_path, json.dumps(meta, indent=2))
        return list(range(len(spec.batches())))
    old = _read_meta(meta_path)
    if old.get("fingerprint") != meta["fingerprint"]:
        raise CatalogError(str(folder), "", "the study here was made with other inputs "
                           f"(mission {old.get('mission')}, n {old.get('n')}, seed "
                           f"{old.get('seed')}, batch size {old.get('batch_size')}); it "
                           "cannot be continued with these: choose another folder")
    todo = []
    for k in range(len(spec.batches())):
        f = _batch_file(folder, k)
        try:
            read_batch(f)
        except CatalogError:
            todo.append(k)
    if todo and not resume:
        raise CatalogError(str(folder), "", f"a study with {len(todo)} batch(es) still to "
                           "fly is already here; use --resume to fly them or choose another "
                           "folder")
    for k in todo:  # torn by a killed run or damaged since: fly that batch again
        _batch_file(folder, k).unlink(missing_ok=True)
    return todo


def write_batch(folder: Path, k: int, cols: dict[str, np.ndarray]) -> None:
    """Write one finished batch, with its checksum, whole or not at all."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(cols)
    table = table.replace_schema_metadata({b"spacerace-sha256": _checksum(table).encode()})
    with atomic_path(_batch_file(folder, k)) as tmp:
        pq.write_table(table, tmp)


def read_study(folder: Path) -> dict[str, np.ndarray]:
    """All finished rows of a study, ordered by run (every batch checked)."""
    import pyarrow as pa

    files = sorted(folder.glob("batch-*.parquet"))
    table = pa.concat_tables([read_batch(f) for f in files]).sort_by("run")
    return {name: table.column(name).to_numpy() for name in table.column_names}


def run_study(spec: StudySpec, folder: Path, resume: bool = False, scheduler: str | None = None,
              workers: int = 0, on_batch: Callable[[int, int], None] | None = None) -> Path:
    """Fly every batch not yet in ``folder``, locally or on Dask; returns the folder.

    Parameters
    ----------
    scheduler : str, optional
        ``None`` for the local cores (threads of the compiled batch kernel), ``"local"`` for
        a local Dask cluster, or a scheduler address ``tcp://host:port``.
    workers : int
        Local threads or local Dask workers (0: all cores).
    on_batch : callable, optional
        Called with (runs done, runs in all) after each batch.
    """
    todo = open_study(folder, spec, resume)
    batches = spec.batches()
    done = spec.n - sum(len(batches[k]) for k in todo)
    if on_batch:
        on_batch(done, spec.n)
    for k, cols in _execute(spec, todo, scheduler, workers):
        write_batch(folder, k, cols)
        done += len(batches[k])
        if on_batch:
            on_batch(done, spec.n)
    return folder


def _execute(spec: StudySpec, todo: list[int], scheduler: str | None, workers: int
             ) -> Iterator[tuple[int, dict[str, np.ndarray]]]:
    batches = spec.batches()
    if scheduler is None:
        threads = workers or max_threads()
        for k in todo:
            yield k, fly_batch(spec, batches[k], threads)
        return
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler == "local":
        import os

        cluster = LocalCluster(n_workers=workers or (os.cpu_count() or 1), threads_per_worker=1,
                               processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        spec_future = client.scatter(spec, broadcast=True)
        futures = {client.submit(fly_batch, spec_future, batches[k], 1, pure=False): k
                   for k in todo}
        for fut in as_completed(futures):
            yield futures[fut], fut.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def summary_table(cols: dict[str, np.ndarray]) -> dict[str, Any]:
    """Counts of runs by status."""
    codes, counts = np.unique(cols["status"], return_counts=True)
    return {status_text(int(c)): int(n) for c, n in zip(codes, counts)}


def finite_rows(cols: dict[str, np.ndarray]) -> np.ndarray:
    """Mask of the runs that reached an impact point."""
    return np.isfinite(cols["impact_lat_deg"]) & np.isfinite(cols["impact_lon_deg"])


def default_batch_size(n: int) -> int:
    """Batches of 500 runs, fewer for small studies (at least 4 batches when possible)."""
    return max(1, min(500, math.ceil(n / 4)))


FIGURE_COLUMNS = ("max_altitude_m", "flight_time_s", "impact_speed_m_s", "burnout_time_s",
                  "burnout_speed_m_s", "burnout_altitude_m", "burnout_inertial_speed_m_s",
                  *ORBIT_COLUMNS)


def study_summary(spec: StudySpec, cols: dict[str, np.ndarray]) -> dict[str, Any]:
    """Statistics of a study: statuses, figure spreads and, with a target, the impact scatter."""
    from spacerace.scatter import scatter

    m = spec.mission
    out: dict[str, Any] = {"mission": m.id, "vehicle": spec.vehicle.id, "n": spec.n,
                           "seed": spec.seed, "runs": int(len(cols["run"])),
                           "statuses": summary_table(cols), "figures": {}}
    for name in FIGURE_COLUMNS:
        x = cols[name][np.isfinite(cols[name])]
        if x.size:
            out["figures"][name] = {"mean": float(x.mean()), "sd": float(x.std(ddof=1))
                                    if x.size > 1 else 0.0,
                                    "p05": float(np.percentile(x, 5)),
                                    "p95": float(np.percentile(x, 95))}
    ok = finite_rows(cols)
    if m.target is not None and ok.sum() >= 3:
        az = geodesic(m.site.lat, m.site.lon, m.target.lat, m.target.lon, final=True)[1]
        s = scatter(np.radians(cols["impact_lat_deg"][ok]), np.radians(cols["impact_lon_deg"][ok]),
                    m.target.lat, m.target.lon, az)
        out["impact"] = {
            "aim_lat_deg": math.degrees(m.target.lat), "aim_lon_deg": math.degrees(m.target.lon),
            "track_azimuth_deg": math.degrees(az) % 360.0,
            "mean_lat_deg": math.degrees(s.mean_lat), "mean_lon_deg": math.degrees(s.mean_lon),
            "mean_downrange_m": s.mean_downrange, "mean_crossrange_m": s.mean_crossrange,
            "sd_downrange_m": s.sd_downrange, "sd_crossrange_m": s.sd_crossrange,
            "cep_m": s.cep_about_mean, "cep_about_aim_m": s.cep_about_aim,
            "range_extent_95_m": 2 * Z95 * s.sd_downrange,
            "crossrange_extent_95_m": 2 * Z95 * s.sd_crossrange,
            "ellipses": [{"probability": e.probability, "semi_major_m": e.semi_major,
                          "semi_minor_m": e.semi_minor,
                          "azimuth_deg": math.degrees(e.azimuth)} for e in s.ellipses],
        }
    out["archive"] = {f.key: {"value": f.value, "range": [f.low, f.high]
                              if f.low is not None else None, "source": f.source,
                              "note": f.note}
                      for f in m.archive if f.key.startswith("mc_")}
    return out
