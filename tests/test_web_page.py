"""What the page is sent: compressed static files, flights to the Moon made ready to draw.

Apollo 11's charts need its ascent sampled finely enough for max-Q (35.4 kPa at T+83 s,
Saturn V flight evaluation report AS-506, FER506 Table 4-1); its parking orbit holds no
encounter with the Moon; a what-if flies the whole coast under the mission's time limit.
"""

from __future__ import annotations

import asyncio
import gzip

import httpx
import numpy as np
import pytest

from spacerace.api import fly as api_fly
from spacerace.event_kinds import MOON_CLOSEST_APPROACH
from spacerace.web.app import Settings, create_app, page_document
from spacerace.web.flightview import ascent_end, near_moon_events, with_fine_ascent
from spacerace.web.whatif import FlyRequest, fly_whatif

MOON_SOI_M = 66.1e6  # the Moon's sphere of influence, a (m_Moon / m_Earth)^(2/5) [m]


def _get(paths: list[str], headers: dict[str, str]) -> list[httpx.Response]:
    """GET each path from the app in-process (its lifespan entered)."""
    app = create_app(Settings())

    async def run() -> list[httpx.Response]:
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                         base_url="http://testserver") as http:
                return [await http.get(p, headers=headers) for p in paths]
    return asyncio.run(run())


def test_static_files_are_gzip_compressed_when_accepted():
    gz = _get(["/app.js", "/style.css", "/"], {"accept-encoding": "gzip, deflate"})
    plain = _get(["/app.js", "/style.css", "/"], {"accept-encoding": "identity"})
    for a, b in zip(gz, plain, strict=True):
        assert a.status_code == b.status_code == 200
        assert a.headers["content-encoding"] == "gzip" and "content-encoding" not in b.headers
        assert a.headers["vary"] == "Accept-Encoding"
        assert a.headers["content-type"] == b.headers["content-type"]
        assert a.content == b.content  # httpx decodes gzip: the same bytes arrive
        assert int(a.headers["content-length"]) < 0.6 * len(b.content)
        assert gzip.decompress(gzip.compress(b.content)) == b.content


@pytest.fixture(scope="module")
def apollo():
    return api_fly("apollo-11")


@pytest.mark.slow
def test_apollo_ascent_is_sampled_finely_enough_for_max_q(apollo):
    coarse = apollo.trajectory
    fine = with_fine_ascent(apollo).trajectory
    end = ascent_end(apollo)
    assert end is not None and 600 < end < 2000  # past the parking-orbit insertion (T+699 s)
    ascent = fine.t[fine.t <= end]
    assert np.max(np.diff(ascent)) <= 1.0 + 1e-9
    # FER506 Table 4-1: max-Q 35.4 kPa (the coarse samples have 2.8 kPa)
    assert np.max(coarse["dynamic_pressure"]) < 10e3
    assert 30e3 <= np.max(fine["dynamic_pressure"]) <= 40e3
    # the samples after the ascent are the flight's own, and the join is seamless
    after = fine.t > end
    assert np.array_equal(fine.t[after], coarse.t[coarse.t > fine.t[~after][-1]])
    k = np.searchsorted(coarse.t, end)
    i = np.searchsorted(fine.t, coarse.t[k])
    assert fine["alt"][i] == pytest.approx(coarse["alt"][k], abs=50.0)


@pytest.mark.slow
def test_no_moon_encounter_in_the_parking_orbit(apollo):
    raw = [e for e in apollo.trajectory.events if e.kind == MOON_CLOSEST_APPROACH]
    kept = [e for e in near_moon_events(apollo).trajectory.events
            if e.kind == MOON_CLOSEST_APPROACH]
    assert len(raw) > 1 and len(kept) == 1
    assert kept[0].t == pytest.approx(apollo.figures["moon_closest_approach_time_s"], abs=1.0)


@pytest.mark.slow
def test_page_document_of_a_flight_to_the_moon(apollo):
    req = FlyRequest(mission="apollo-11")
    doc = page_document(apollo, apollo, req, 2000)
    tr = doc["trajectory"]
    assert len(tr["t_s"]) <= 2000 + 50
    assert 30e3 <= max(tr["q_pa"]) <= 40e3
    # near the Moon: the inertial speed is the Moon's ~1 km/s plus or minus the pass's
    i = int(np.argmin(np.abs(np.array(tr["t_s"]) - apollo.figures["moon_closest_approach_time_s"])))
    assert 1000 < tr["speed_inertial_m_s"][i] < 2500
    assert tr["speed_m_s"][i] > 20_000  # Earth-fixed axes turn once a day: no speed to show


@pytest.mark.slow
def test_lunar_whatif_flies_to_the_moon(apollo):
    res = fly_whatif(apollo, FlyRequest(mission="apollo-11", thrust_factor=1.01))
    assert res.trajectory.t[-1] == pytest.approx(apollo.trajectory.t[-1])
    assert res.figures["moon_closest_approach_m"] < MOON_SOI_M
