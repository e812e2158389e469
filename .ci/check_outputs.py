"""Fail when an executed notebook shows an error it was not meant to show.

usage: python .ci/check_outputs.py NOTEBOOK.ipynb [...]

A cell may show an error only when it is tagged ``raises-exception``. Besides
error outputs, this catches what does not stop a notebook: a ``%%cython``
cell that failed to compile prints its error and returns, so only its output
tells.
"""

import json
import sys

SIGNS = ("Error compiling Cython file", "Traceback (most recent call last)")


def problems(path):
    with open(path, encoding="utf-8") as file:
        notebook = json.load(file)
    for number, cell in enumerate(notebook["cells"], start=1):
        if cell["cell_type"] != "code":
            continue
        if "raises-exception" in cell.get("metadata", {}).get("tags", []):
            continue
        for output in cell.get("outputs", []):
            if output["output_type"] == "error":
                yield f"{path}: cell {number}: {output['ename']}: {output['evalue']}"
            text = output.get("text", "")
            text = "".join(text) if isinstance(text, list) else text
            for sign in SIGNS:
                if sign in text:
                    yield f"{path}: cell {number}: {sign}"


def main(paths):
    if not paths:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    found = [problem for path in paths for problem in problems(path)]
    for problem in found:
        print(problem, file=sys.stderr)
    print(f"{len(paths)} notebooks checked, {len(found)} unexpected errors")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
