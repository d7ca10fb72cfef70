"""The unit a key names by its suffix: one rule for figure keys (``range_m``,
``burnout_speed_m_s``), exported columns (``v_mps``, ``alt_m``) and archive figures.

Keys carry their unit in the name (SI, angles in degrees, long times in days); this is where
the suffix is read, for the tables, the files' unit fields and the catalog loader alike.
"""

from __future__ import annotations

# (suffix, unit, kind of quantity), longest suffixes first so that ``_m_s`` wins over ``_s``.
SUFFIXES: tuple[tuple[str, str, str], ...] = (
    ("_m_s2", "m/s^2", "acceleration"),
    ("_mps2", "m/s^2", "acceleration"),
    ("_days", "days", "time"),
    ("_m_s", "m/s", "speed"),
    ("_mps", "m/s", "speed"),
    ("_deg", "deg", "angle"),
    ("_pa", "Pa", "pressure"),
    ("_kg", "kg", "mass"),
    ("_n", "N", "force"),
    ("_m", "m", "length"),
    ("_s", "s", "time"),
)


def unit_of_key(key: str) -> str:
    """The unit a key names by its suffix (``range_m`` -> ``m``), or "" (a pure number)."""
    return next((u for suffix, u, _ in SUFFIXES if key.endswith(suffix)), "")


def kind_of_key(key: str) -> str | None:
    """The kind of quantity a key names by its suffix (``range_m`` -> ``length``), or None."""
    return next((k for suffix, _, k in SUFFIXES if key.endswith(suffix)), None)
