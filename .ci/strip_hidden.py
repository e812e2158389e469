"""Write a chapter's notebook without the cells a reader never sees.

usage: python .ci/strip_hidden.py IN.ipynb OUT.ipynb

A reader who copies only what a page shows, the visible cells and the folded
ones (``hide-input``, ``hide-cell``, ``hide-output``), must be able to run
it: a name that shown code needs is defined in shown code. This drops every
cell tagged ``remove-cell`` or ``remove-input`` (the install check, the
guards, glue plumbing), so that running the result in a fresh kernel
(``make check-notebooks``) fails with a NameError where shown code leans on a
hidden cell.
"""

import json
import sys

HIDDEN = {"remove-cell", "remove-input"}


def strip(notebook):
    kept = [
        cell
        for cell in notebook["cells"]
        if not HIDDEN & set(cell.get("metadata", {}).get("tags", []))
    ]
    return {**notebook, "cells": kept}, len(notebook["cells"]) - len(kept)


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    source, target = argv
    with open(source, encoding="utf-8") as file:
        notebook, dropped = strip(json.load(file))
    with open(target, "w", encoding="utf-8") as file:
        json.dump(notebook, file, indent=1)
    print(f"{target}: {len(notebook['cells'])} cells, {dropped} hidden dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
