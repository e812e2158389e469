"""Print the oldest versions pyproject.toml allows, as pip requirements.

Every ``name>=X`` of the build requirements, the runtime dependencies and the
``build`` and ``test`` dependency groups becomes ``name==X``; a requirement
without a lower bound (ninja) is printed as it is.  ``make test-oldest``
installs these into .venv-oldest, builds kernels there and runs the tests, so
that the lower bounds the project declares are the ones it was tested with.
"""

import pathlib
import re
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]
GROUPS = ("build", "test")


def pins(pyproject):
    requirements = [
        *pyproject["build-system"]["requires"],
        *pyproject["project"]["dependencies"],
    ]
    for group in GROUPS:
        requirements += pyproject["dependency-groups"][group]
    seen = {}
    for requirement in requirements:
        # "name>=X" or "name>=X,<Y": the lower bound, pinned.
        match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*>=\s*([^,;\s]+).*", requirement)
        if match:
            name, version = match.groups()
            line = f"{name}=={version}"
        else:
            name, line = re.split(r"[<>=!~; ]", requirement, maxsplit=1)[0], requirement
        key = name.lower().replace("_", "-")
        if seen.get(key, line) != line:
            sys.exit(f"two lower bounds for {name}: {seen[key]} and {line}")
        seen[key] = line
    return sorted(seen.values(), key=str.lower)


if __name__ == "__main__":
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    print("\n".join(pins(pyproject)))
