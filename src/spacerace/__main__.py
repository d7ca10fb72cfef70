"""``python -m spacerace`` runs the command line."""

from spacerace._entry import run

run()
