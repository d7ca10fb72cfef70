"""The Moon's and Sun's pull in the equations of motion against the formula, computed apart
from the kernel with the ephemeris (Battin 1999, An Introduction to the Mathematics and
Methods of Astrodynamics, eq. 8.8: a = mu_b ((r_b - r)/|r_b - r|^3 - r_b/|r_b|^3))."""

import datetime as dt

import numpy as np
import pytest
from conftest import make_vehicle

from spacerace.constants import GM_MOON, GM_SUN
from spacerace.ephem import moon_sun_eci
from spacerace.kernel.dynamics import forces
from spacerace.kernel.inputs import SimOptions
from spacerace.kernel.layout import D_MOON_R, N_DIAG, P_EPH_ROW
from spacerace.mission import LaunchSite, Mission, Phase
from spacerace.packing import pack

EPOCH = dt.datetime(1969, 7, 17, 0, 0, tzinfo=dt.UTC)


def test_third_body_acceleration_matches_the_formula():
    pytest.importorskip("de421", reason="the Moon's ephemeris needs the de421 package")
    mission = Mission("m", "m", "test", EPOCH, LaunchSite("s", 0.0, 0.0, 0.0), 0.0,
                      (Phase("coast", "coast", engine_on=False, until_time=1e5),),
                      third_bodies=True)
    opts = SimOptions(max_time=2e5, atmosphere=False)
    pk = pack(make_vehicle(), mission, opts)
    t = 54321.0
    y = np.array([1.5e8, -2.0e8, 0.7e8, 500.0, 800.0, -100.0, 1000.0])
    acc, acc0 = np.empty(3), np.empty(3)
    diag = np.empty(N_DIAG)
    forces(t, y, pk.p, pk.phases[0], pk.cd_mach, pk.cd_val, pk.tab, acc, diag, True)
    p0 = pk.p.copy()
    p0[P_EPH_ROW] = -1.0
    forces(t, y, p0, pk.phases[0], pk.cd_mach, pk.cd_val, pk.tab, acc0, np.empty(N_DIAG), True)
    moon, sun = moon_sun_eci(EPOCH, np.array([t]))
    expected = np.zeros(3)
    for body, mu in ((moon[0], GM_MOON), (sun[0], GM_SUN)):
        d = body - y[:3]
        expected += mu * (d / np.linalg.norm(d) ** 3 - body / np.linalg.norm(body) ** 3)
    np.testing.assert_allclose(acc - acc0, expected, rtol=1e-5, atol=1e-12)
    assert diag[D_MOON_R] == pytest.approx(np.linalg.norm(moon[0] - y[:3]), rel=1e-9)
    assert np.linalg.norm(expected) > 1e-5  # far from the Earth the bodies pull measurably
