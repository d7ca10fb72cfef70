"""Conversion factors to SI, used only at the edges (catalog loader, CLI, exporters)."""

import math

DEG = math.pi / 180.0  # [rad per degree]
KM = 1000.0  # [m per km]
MINUTE = 60.0  # [s per minute]
TONNE_FORCE = 9.80665e3  # [N per tf] (1 t x standard gravity)
LBF = 4.4482216152605  # [N per lbf] (NIST SP 811)
