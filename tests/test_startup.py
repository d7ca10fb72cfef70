"""What the command line loads before it is asked to fly: listing, help and a user's mistake
answer without the simulator (numba and its compiled kernel), the plotting and table
libraries; flying loads the simulator but not those libraries. Checked in a fresh process,
where ``sys.modules`` says what was really imported."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("matplotlib", "pandas", "pyarrow", "scipy.optimize", "casadi")
SIMULATOR = ("numba", "llvmlite", "spacerace.api", "spacerace.flight", "spacerace.kernel")

PROBE = """
import json, sys
from spacerace.cli import main
code = main(sys.argv[1:]) if len(sys.argv) > 1 else 0
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _modules(*args: str) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True,
                          text=True, check=False)
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [(), ("catalog", "--json"), ("--help",), ("fly", "nowhere")])
def test_no_simulator_until_a_flight(args):
    loaded = _modules(*args)
    assert not [m for m in SIMULATOR + HEAVY if m in loaded]


def test_fly_loads_the_simulator_not_the_plotting_or_table_libraries():
    loaded = _modules("fly", "v2-london", "--json")
    assert "spacerace.kernel" in loaded
    assert not [m for m in HEAVY if m in loaded]
