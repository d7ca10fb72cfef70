"""Write docs/file-format.md and the JSON Schemas of vehicle and mission files.

All three are generated from the loader's schema (``spacerace.catalog.schema``) by
``spacerace.catalog.reference``; ``tests/test_file_format.py`` fails when the committed files
differ from what it gives. Run after changing the schema::

    PYTHONPATH=src python tools/gen_file_format.py
"""

from __future__ import annotations

import json
from pathlib import Path

from spacerace._files import write_text
from spacerace.catalog.reference import ROOTS, json_schema, markdown

DOCS = Path(__file__).resolve().parent.parent / "docs"


def outputs() -> dict[str, str]:
    """File name in docs/ -> its text."""
    out = {"file-format.md": markdown()}
    for kind in ROOTS:
        out[f"spacerace-{kind}.schema.json"] = json.dumps(json_schema(kind), indent=2) + "\n"
    return out


if __name__ == "__main__":
    for name, text in outputs().items():
        write_text(DOCS / name, text)
        print(f"wrote docs/{name}")
