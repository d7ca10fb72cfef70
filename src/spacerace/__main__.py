"""``python -m spacerace`` runs the command line."""

import sys

from spacerace.cli import main

sys.exit(main(sys.argv[1:]))
