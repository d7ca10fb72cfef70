"""U.S. Standard Atmosphere 1976: temperature, pressure, density and speed of sound.

From -5 km to 86 km geometric altitude the model is the standard's closed form: seven layers
of linear molecular-scale temperature in geopotential altitude, hydrostatic pressure, and the
mean-molecular-weight correction of Table 8 between 80 and 86 km. From 86 km to 1000 km the
standard integrates the diffusion of each species; here that part is a 1-km table of the
standard (``ussa76_upper.csv``, made by ``tools/gen_ussa76_upper.py``) interpolated linearly in
temperature and in the logarithms of pressure and density. Above 86 km the standard defines no
speed of sound; ``sqrt(gamma R T)`` with the sea-level molecular weight is returned there.

References
----------
U.S. Standard Atmosphere, 1976, NOAA-S/T 76-1562 (NASA-TM-X-74335), Part 1 eqs. 18, 23, 33a-b,
42, 50 and Tables 4 and 8.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from spacerace._jit import jit
from spacerace.constants import (
    US76_G0,
    US76_GAMMA,
    US76_P0,
    US76_R0,
    US76_R_AIR,
)
from spacerace.errors import OutOfRangeError

ALT_MIN = -5000.0  # lowest altitude of the model [m]
ALT_MAX = 1000e3  # highest altitude of the model [m]
ALT_UPPER = 86e3  # where the tabulated upper part begins [m]

# Table 4: base geopotential altitudes [m'] and molecular-scale temperature gradients [K/m'].
_H_BASE = np.array([0.0, 11e3, 20e3, 32e3, 47e3, 51e3, 71e3, 84852.0])
_LAPSE = np.array([-6.5e-3, 0.0, 1.0e-3, 2.8e-3, 0.0, -2.8e-3, -2.0e-3, 0.0])
_T0 = 288.15  # sea-level temperature [K]

# Geometric altitudes of the layer bases [m] (eq. 18 inverted): where the temperature's
# gradient, and so the speed of sound's, changes abruptly.
LAYER_BASE_Z = US76_R0 * _H_BASE / (US76_R0 - _H_BASE)

# Table 8: M/M0 from 80 to 86 km geometric, every 0.5 km.
_MRATIO = np.array([1.000000, 0.999996, 0.999989, 0.999971, 0.999941, 0.999909, 0.999870,
                    0.999829, 0.999786, 0.999741, 0.999694, 0.999641, 0.999579])


def _base_values() -> tuple[np.ndarray, np.ndarray]:
    """Molecular-scale temperature and pressure at each layer base (eqs. 23, 33a, 33b)."""
    t_base = np.empty(_H_BASE.size)
    p_base = np.empty(_H_BASE.size)
    t_base[0], p_base[0] = _T0, US76_P0
    for i in range(1, _H_BASE.size):
        dh = _H_BASE[i] - _H_BASE[i - 1]
        t_base[i] = t_base[i - 1] + _LAPSE[i - 1] * dh
        if _LAPSE[i - 1] == 0.0:
            p_base[i] = p_base[i - 1] * np.exp(-US76_G0 * dh / (US76_R_AIR * t_base[i - 1]))
        else:
            p_base[i] = p_base[i - 1] * (t_base[i - 1] / t_base[i]) ** (
                US76_G0 / (US76_R_AIR * _LAPSE[i - 1])
            )
    return t_base, p_base


_T_BASE, _P_BASE = _base_values()


def _load_upper() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Altitude [m], temperature [K], ln pressure and ln density of the upper table."""
    lines = Path(__file__).with_name("ussa76_upper.csv").read_text().splitlines()
    rows = [ln.split(",") for ln in lines if ln and not ln.startswith(("#", "alt"))]
    z, t, p, rho = (np.ascontiguousarray(c, dtype=np.float64) for c in zip(*rows))
    return z * 1e3, t, np.log(p), np.log(rho)


_UP_Z, _UP_T, _UP_LNP, _UP_LNRHO = _load_upper()
_UP_DZ = _UP_Z[1] - _UP_Z[0]


@jit
def atmosphere(z: float) -> tuple[float, float, float, float]:
    """Temperature, pressure, density and speed of sound at a geometric altitude.

    No range check (kernel use): below -5 km the first layer is extrapolated, above 1000 km
    the top of the table is held. ``us76`` is the checked public entry.

    Parameters
    ----------
    z : float
        Geometric altitude above mean sea level [m].

    Returns
    -------
    tuple of float
        Kinetic temperature [K], pressure [Pa], density [kg/m^3], speed of sound [m/s].
    """
    if z < ALT_UPPER:
        h = US76_R0 * z / (US76_R0 + z)  # geopotential altitude, eq. 18
        i = 0
        while i < 6 and h >= _H_BASE[i + 1]:
            i += 1
        lapse = _LAPSE[i]
        dh = h - _H_BASE[i]
        tm = _T_BASE[i] + lapse * dh
        if lapse == 0.0:
            p = _P_BASE[i] * np.exp(-US76_G0 * dh / (US76_R_AIR * _T_BASE[i]))
        else:
            p = _P_BASE[i] * (_T_BASE[i] / tm) ** (US76_G0 / (US76_R_AIR * lapse))
        ratio = 1.0
        if z > 80e3:
            x = (z - 80e3) / 500.0
            k = min(int(x), 11)
            ratio = _MRATIO[k] + (x - k) * (_MRATIO[k + 1] - _MRATIO[k])
        rho = p / (US76_R_AIR * tm)  # eq. 42 with molecular-scale temperature
        a = np.sqrt(US76_GAMMA * US76_R_AIR * tm)  # eq. 50
        return tm * ratio, p, rho, a
    x = (z - _UP_Z[0]) / _UP_DZ
    n = _UP_Z.size
    if x >= n - 1:
        k, f = n - 2, 1.0
    else:
        k = int(x)
        f = x - k
    t = _UP_T[k] + f * (_UP_T[k + 1] - _UP_T[k])
    p = np.exp(_UP_LNP[k] + f * (_UP_LNP[k + 1] - _UP_LNP[k]))
    rho = np.exp(_UP_LNRHO[k] + f * (_UP_LNRHO[k + 1] - _UP_LNRHO[k]))
    return t, p, rho, np.sqrt(US76_GAMMA * US76_R_AIR * t)


@jit
def density_gradient(z: float, rho: float) -> float:
    """Derivative of the density with geometric altitude [kg/m^4] (no range check).

    Below 86 km from the hydrostatic closed form of each layer,
    d ln rho/dH = -(g0 / (R T_M) + L / T_M), with dH/dz = (r0 / (r0 + z))^2 (the small
    molecular-weight correction between 80 and 86 km is left out); above, the slope of the
    interpolated table.

    Parameters
    ----------
    z : float
        Geometric altitude [m].
    rho : float
        The density there (from ``atmosphere``, or scaled) [kg/m^3]; the gradient scales
        with it.
    """
    if z < ALT_UPPER:
        h = US76_R0 * z / (US76_R0 + z)
        i = 0
        while i < 6 and h >= _H_BASE[i + 1]:
            i += 1
        tm = _T_BASE[i] + _LAPSE[i] * (h - _H_BASE[i])
        dh_dz = (US76_R0 / (US76_R0 + z)) ** 2
        return -rho * (US76_G0 / (US76_R_AIR * tm) + _LAPSE[i] / tm) * dh_dz
    x = (z - _UP_Z[0]) / _UP_DZ
    k = min(int(x), _UP_Z.size - 2)
    return rho * (_UP_LNRHO[k + 1] - _UP_LNRHO[k]) / _UP_DZ


@jit
def _atmosphere_array(z: np.ndarray) -> np.ndarray:
    out = np.empty((4, z.size))
    for j in range(z.size):
        t, p, rho, a = atmosphere(z[j])
        out[0, j] = t
        out[1, j] = p
        out[2, j] = rho
        out[3, j] = a
    return out


def us76(alt_m: float | np.ndarray) -> tuple:
    """U.S. Standard Atmosphere 1976 at geometric altitudes, with a range check.

    Parameters
    ----------
    alt_m : float or ndarray
        Geometric altitude above mean sea level [m], from -5000 to 1,000,000.

    Returns
    -------
    tuple
        ``(T, p, rho, a)``: kinetic temperature [K], pressure [Pa], density [kg/m^3] and
        speed of sound [m/s]; floats for a float input, arrays otherwise.

    Examples
    --------
    >>> T, p, rho, a = us76(11000.0)
    >>> round(float(T), 2), round(float(p))
    (216.77, 22700)
    """
    z = np.atleast_1d(np.asarray(alt_m, dtype=np.float64))
    if np.any(z < ALT_MIN) or np.any(z > ALT_MAX) or np.any(np.isnan(z)):
        raise OutOfRangeError(
            f"altitude out of bounds of the 1976 standard atmosphere: lower limit {ALT_MIN:.0f} m,"
            f" upper limit {ALT_MAX:.0f} m"
        )
    out = _atmosphere_array(z)
    if np.ndim(alt_m) == 0:
        return float(out[0, 0]), float(out[1, 0]), float(out[2, 0]), float(out[3, 0])
    return out[0], out[1], out[2], out[3]
