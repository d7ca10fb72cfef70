"""Every figure of the catalog has a unit and a source that the bibliography knows."""

import tomllib

import pytest

from spacerace.catalog import (
    MISSIONS,
    VEHICLES,
    list_missions,
    list_vehicles,
    load,
    load_mission,
    load_vehicle,
    sources,
)
from spacerace.catalog.quantities import registry
from spacerace.errors import CatalogError

FILES = sorted(VEHICLES.glob("*.toml")) + sorted(MISSIONS.glob("*.toml"))
_NON_FIGURES = {"count", "killed", "injured", "epoch"}


def _figures(node, path="", inherited=None):
    """Yield (path, leaf, source) for each numeric or quantity leaf.

    A figure table ``{value, source}`` is one leaf; elsewhere a ``source`` key of a table
    covers the numbers directly inside it (a drag table, a pitch programme, an orbit target).
    """
    if isinstance(node, dict):
        if "value" in node or isinstance(node.get("range"), list):
            yield path, node, node.get("source")
            return
        here = node.get("source", inherited)
        for k, v in node.items():
            if k in ("alternatives", "sources", "source"):
                continue
            yield from _figures(v, f"{path}.{k}" if path else k, here)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _figures(v, f"{path}[{i}]", inherited)
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        yield path, node, inherited
    elif isinstance(node, str) and node[:1].isdigit():
        try:
            registry().Quantity(node)
            yield path, node, inherited
        except Exception:
            pass


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_figure_has_a_known_source(path):
    data = tomllib.loads(path.read_text())
    known = set(sources())
    for where, _node, source in _figures(data):
        if where.split(".")[-1] in _NON_FIGURES:
            continue
        assert source is not None, f"{path.name}: {where} has no source"
        assert source.split()[0] in known, f"{path.name}: {where}: {source}"


def test_tables_carry_their_source():
    for path in FILES:
        data = tomllib.loads(path.read_text())
        for stage in data.get("stages", []):
            assert stage["drag"]["source"] in sources()
        if "pitch_program" in data:
            assert data["pitch_program"]["source"] in sources()


def test_catalog_loads():
    assert "v2" in list_vehicles() and "v2-london" in list_missions()
    for name in list_missions():
        vehicle, mission = load(name)
        assert vehicle.liftoff_mass > 0 and mission.phases


def test_v2_figures_in_si():
    vehicle, mission = load("v2-london")
    stage = vehicle.stages[0]
    assert stage.engines[0].thrust_sea_level == pytest.approx(245.2e3, rel=1e-9)
    assert stage.mass_flow == pytest.approx(130.2)
    assert vehicle.liftoff_mass == pytest.approx(12540.0)
    assert mission.site.lat == pytest.approx(0.908552, rel=1e-5)


def test_unknown_source_is_rejected(tmp_path):
    text = (MISSIONS / "v2-london.toml").read_text().replace('source = "JPMOREAU"',
                                                            'source = "NOBODY"', 1)
    p = tmp_path / "m.toml"
    p.write_text(text)
    with pytest.raises(CatalogError, match="unknown source 'NOBODY'"):
        load_mission(p)


def _sputnik_with(tmp_path, old, new):
    text = (MISSIONS / "sputnik-1.toml").read_text()
    assert old in text
    p = tmp_path / "m.toml"
    p.write_text(text.replace(old, new, 1))
    return p


def test_spent_stage_is_read_with_its_stage_and_figure():
    vehicle, mission = load("sputnik-1")
    (core,) = mission.spent_stages
    assert vehicle.stages[core.stage].name == "Block A"
    assert core.figure in {f.key for f in mission.archive}
    assert vehicle.stages[core.stage].length == pytest.approx(28.0)


def test_stage_profile_is_read_in_si():
    v = load_vehicle("r7-8k71ps")
    stations, diameters = v.stages[1].profile
    assert stations[0] == 0.0 and stations[-1] == pytest.approx(28.0)
    assert max(diameters) == pytest.approx(v.stages[1].diameter)


def test_stage_profile_with_stations_out_of_order_is_rejected(tmp_path):
    text = (VEHICLES / "r7-8k71ps.toml").read_text()
    old = "values = [0.0, 2.432, 8.272, 12.822, 28.0]"
    assert old in text
    p = tmp_path / "v.toml"
    p.write_text(text.replace(old, "values = [0.0, 8.272, 2.432, 12.822, 28.0]"))
    with pytest.raises(CatalogError, match=r"profile\.station.*increasing"):
        load_vehicle(p)


def test_spent_stage_dropped_before_the_cutoff_is_rejected(tmp_path):
    p = _sputnik_with(tmp_path, 'stage = "Block A"', 'stage = "Blocks B, V, G, D"')
    with pytest.raises(CatalogError, match=r"spent_stages\[0\]\.stage.*not dropped"):
        load(p)


def test_spent_stage_of_unknown_name_is_rejected(tmp_path):
    p = _sputnik_with(tmp_path, 'stage = "Block A"', 'stage = "Block Z"')
    with pytest.raises(CatalogError, match=r"spent_stages\[0\]\.stage.*Block A"):
        load(p)
