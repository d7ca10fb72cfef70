"""Monte Carlo studies: reproducible by seed, the same through Dask, resumable, honest rows."""

import dataclasses
import math

import numpy as np
import pytest

from spacerace.catalog import load
from spacerace.errors import CatalogError
from spacerace.mission import Dispersion
from spacerace.montecarlo import (
    MC_OPTIONS,
    STATUS_NO_LIFTOFF,
    StudySpec,
    _flatten,
    draw,
    draw_offsets,
    fly_batch,
    linearize,
    nominal,
    open_study,
    read_batch,
    read_study,
    run_study,
    sample_run,
)
from spacerace.packing import pack as _pack


@pytest.fixture(scope="module")
def spec():
    v, m = load("v2-london")
    return StudySpec(v, nominal(v, m), seed=1, n=240, batch_size=60)


def _same(a, b):
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)


def test_same_seed_same_rows_and_other_seed_differs(spec, tmp_path):
    a = read_study(run_study(spec, tmp_path / "a"))
    b = read_study(run_study(spec, tmp_path / "b"))
    _same(a, b)
    c = read_study(run_study(dataclasses.replace(spec, seed=2), tmp_path / "c"))
    assert not np.array_equal(a["impact_lat_deg"], c["impact_lat_deg"])
    assert list(a["run"]) == list(range(240))


def test_a_run_flies_again_alone(spec):
    whole = fly_batch(spec, range(0, 60))
    alone = fly_batch(spec, range(37, 38))
    for k in whole:
        np.testing.assert_array_equal(whole[k][37], alone[k][0], err_msg=k)


def test_linearized_packing_equals_packing_each_sample(spec):
    lin = linearize(spec.vehicle, spec.mission, MC_OPTIONS)
    assert lin.is_linear
    offsets = draw_offsets(spec.mission, spec.seed, [5, 6])
    for row, i in enumerate([5, 6]):
        v, m, drawn = sample_run(spec.vehicle, spec.mission, spec.seed, i)
        assert list(drawn.values()) == list(offsets[row])
        direct = _flatten(_pack(v, m, MC_OPTIONS))
        fast = lin.flat(offsets[row:row + 1])[0]
        fin = np.isfinite(direct)
        np.testing.assert_allclose(fast[fin], direct[fin], rtol=1e-12, atol=1e-9)
        assert np.array_equal(fin, np.isfinite(fast))


def test_interrupted_study_resumes_to_the_same_table(spec, tmp_path):
    whole = read_study(run_study(spec, tmp_path / "whole"))
    folder = tmp_path / "cut"

    class Stop(Exception):
        pass

    def stop_after_two(done, total):
        if done >= 120:
            raise Stop

    with pytest.raises(Stop):
        run_study(spec, folder, on_batch=stop_after_two)
    assert len(list(folder.glob("batch-*.parquet"))) == 2
    (folder / "batch-000001.parquet").write_bytes(b"torn")  # a write cut short
    with pytest.raises(CatalogError, match="--resume"):
        run_study(spec, folder)
    _same(read_study(run_study(spec, folder, resume=True)), whole)
    other = dataclasses.replace(spec, seed=9)
    with pytest.raises(CatalogError, match="other inputs"):
        run_study(other, folder, resume=True)


def test_a_batch_damaged_in_the_middle_is_flown_again_on_resume(spec, tmp_path):
    folder = tmp_path / "s"
    whole = read_study(run_study(spec, folder))
    assert open_study(folder, spec, resume=False) == []  # finished: nothing to fly again
    batch = folder / "batch-000001.parquet"
    raw = bytearray(batch.read_bytes())
    mid = len(raw) // 3  # inside the data pages; the footer stays intact
    raw[mid:mid + 200] = bytes(b ^ 0xFF for b in raw[mid:mid + 200])
    batch.write_bytes(bytes(raw))
    with pytest.raises(CatalogError, match="damaged batch"):
        read_batch(batch)
    with pytest.raises(CatalogError, match="1 batch.* still to fly.*--resume"):
        run_study(spec, folder)
    assert open_study(folder, spec, resume=True) == [1]
    _same(read_study(run_study(spec, folder, resume=True)), whole)
    read_batch(batch)


def test_an_unreadable_study_file_is_named(spec, tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "study.json").write_text("")
    with pytest.raises(CatalogError, match="study.json: not a readable study file"):
        run_study(spec, folder, resume=True)


@pytest.mark.slow
def test_local_dask_cluster_gives_the_same_rows(spec, tmp_path):
    pytest.importorskip("distributed")
    local = read_study(run_study(spec, tmp_path / "local"))
    dask = read_study(run_study(spec, tmp_path / "dask", scheduler="local", workers=2))
    _same(local, dask)


def test_a_sample_that_cannot_lift_off_is_a_row_not_a_crash(spec):
    heavy = dataclasses.replace(spec.mission, dispersions=(
        Dispersion("vehicle.stages[0].propellant_mass", "uniform", low=0.0, high=30000.0,
                   source="test"),))
    s = dataclasses.replace(spec, mission=heavy)
    cols = fly_batch(s, range(0, 40))
    assert np.any(cols["status"] == STATUS_NO_LIFTOFF)
    assert np.any(cols["status"] == 0)
    assert np.all(np.isnan(cols["impact_lat_deg"][cols["status"] == STATUS_NO_LIFTOFF]))


def test_distributions():
    rng = np.random.default_rng(0)
    n = Dispersion("x", "normal", mean=1.0, sd=2.0)
    x = np.array([draw(n, rng) for _ in range(20000)])
    assert x.mean() == pytest.approx(1.0, abs=0.05) and x.std() == pytest.approx(2.0, rel=0.03)
    u = Dispersion("x", "uniform", low=-1.0, high=3.0)
    x = np.array([draw(u, rng) for _ in range(20000)])
    assert x.min() >= -1 and x.max() <= 3 and x.mean() == pytest.approx(1.0, abs=0.05)
    t = Dispersion("x", "truncnormal", sd=1.0, low=-1.0, high=1.0)
    x = np.array([draw(t, rng) for _ in range(5000)])
    assert x.min() >= -1 and x.max() <= 1 and x.std() == pytest.approx(0.5396, rel=0.05)


def test_dispersion_spreads_the_impacts_as_physics_says(spec):
    # the cut-off speed alone: range moves ~ dR/dv = 0.4 km per m/s at 1,655 m/s
    only_v = dataclasses.replace(spec.mission, dispersions=(
        Dispersion("mission.phases[1].until_speed", "normal", sd=4.0, source="test"),))
    cols = fly_batch(dataclasses.replace(spec, mission=only_v), range(0, 200))
    dv = cols["d:mission.phases[1].until_speed"]
    from spacerace.scatter import local_plane

    m = spec.mission
    xy = local_plane(np.radians(cols["impact_lat_deg"]), np.radians(cols["impact_lon_deg"]),
                     m.target.lat, m.target.lon)
    az = math.radians(255.0)
    down = xy @ np.array([math.sin(az), math.cos(az)])
    slope = np.polyfit(dv, down, 1)[0]
    assert 300.0 < slope < 550.0


def test_bad_dispersion_path_names_the_field(spec):
    bad = dataclasses.replace(spec.mission, dispersions=(
        Dispersion("vehicle.stages[0].thrust", "normal", sd=1.0, source="test"),))
    with pytest.raises(CatalogError, match=r"dispersions\.vehicle\.stages\[0\]\.thrust"):
        nominal(spec.vehicle, bad)


def test_run_streams_are_numpys():
    """Each run's generator, seeded for a whole batch at once, is in the state numpy's
    ``PCG64(SeedSequence(seed, spawn_key=(i,)))`` gives it: the same numbers."""
    from spacerace.streams import pcg64_states, run_generators

    indices = [0, 1, 2, 7, 499, 12_345, 2**32 - 1]
    for seed in (0, 1, 2024, 2**40 + 7):
        for (state, inc), i in zip(pcg64_states(seed, indices), indices):
            ref = np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(i,))).state["state"]
            assert (state, inc) == (ref["state"], ref["inc"]), (seed, i)
    for rng, i in zip(run_generators(3, range(5)), range(5)):
        ref = np.random.default_rng(np.random.SeedSequence(3, spawn_key=(i,)))
        assert np.array_equal(rng.normal(size=4), ref.normal(size=4))
