"""The console script: start the command line, answering a Ctrl-C that comes while it loads.

The command line imports numpy, numba and the catalog before it can parse its arguments (about
a second); an interrupt in that second would otherwise end in a traceback.
"""

import sys


def run() -> None:
    """Console-script entry point: ``spacerace ...``."""
    try:
        from spacerace.cli import main
    except KeyboardInterrupt:
        print("interrupted while starting", file=sys.stderr)
        sys.exit(130)
    sys.exit(main(sys.argv[1:]))
