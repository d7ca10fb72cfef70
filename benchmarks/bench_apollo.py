"""Benchmark: Apollo 11 from liftoff to the Moon, against the one-second budget.

The flight is the catalog's ``apollo-11`` as aimed by ``spacerace fly`` (launch azimuth for
the parking orbit's inclination, translunar injection aimed at the Moon); the aiming is done
once, as a flight plan is, and then the whole flight is timed: S-IC, S-II and S-IVB under
closed-loop guidance solved every second, the parking-orbit coast, TLI, and the 3.5-day coast
in the Earth-Moon-Sun field past the closest approach to the Moon, with its trajectory table,
events and figures. Median of several runs after compilation.

Figures and references measured in the same run:

- ``apollo_flight_s``: reference = one V-2 flight (``v2-london``, unaimed), so the ratio says
  how many V-2 flights an Apollo flight costs; it is also checked against the 1 s budget;
- ``apollo_aim_and_fly_s`` (what ``spacerace fly apollo-11`` computes): reference = the flight.

Run: ``python benchmarks/bench_apollo.py [--out FILE] [--repeat N]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from common import median_time, print_figures, save

from spacerace.catalog import load
from spacerace.flight import SimOptions, aim_inclination, fly, options_for, simulate
from spacerace.targeting import aim_moon

BUDGET_S = 1.0  # a full Apollo 11 flight to the Moon, after compilation [s]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" /
                    "apollo.json")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    v, m = load("apollo-11")
    options = options_for(m, None) or SimOptions()
    m, _ = aim_inclination(v, m, options)
    m, lunar = aim_moon(v, m, options)
    result = simulate(v, m, options)
    ca = result.figures["moon_closest_approach_altitude_m"]
    flight = median_time(lambda: simulate(v, m, options), args.repeat)
    v2, m2 = load("v2-london")
    simulate(v2, m2)
    v2_flight = median_time(lambda: simulate(v2, m2), 50)
    v0, m0 = load("apollo-11")
    aim_and_fly = median_time(lambda: fly(v0, m0), max(1, args.repeat // 2))
    figures = {
        "apollo_flight_s": {"value": flight, "reference": v2_flight,
                            "reference_name": "one V-2 flight"},
        "apollo_aim_and_fly_s": {"value": aim_and_fly, "reference": flight,
                                 "reference_name": "the Apollo flight"},
    }
    print(f"Apollo 11: closest approach {ca / 1e3:,.1f} km above the Moon, "
          f"{result.trajectory.columns['t'].size} samples, {lunar.flights} trial injections")
    print_figures(figures)
    verdict = "met" if flight < BUDGET_S else "NOT met"
    print(f"budget: a full flight in under {BUDGET_S:g} s after compilation: {verdict} "
          f"({flight:.3f} s)")
    save(args.out, "apollo-11 from liftoff past the lunar closest approach (aimed plan)",
         figures, repeat=args.repeat, budget_s=BUDGET_S, budget_met=flight < BUDGET_S,
         closest_approach_altitude_m=ca)


if __name__ == "__main__":
    main()
