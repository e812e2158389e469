"""Every ``literalinclude`` in book/*.md shows the code its chapter means.

A chapter shows code from ``kernels/`` with ``literalinclude``: a Python
function or class by name (``:pyobject:``), or, in Cython and C, where
``:pyobject:`` cannot be used, the lines between two marker comments
(``:start-after: start-x`` and ``:end-before: end-x``).  Sphinx cuts at the
first line that *contains* the marker text, so a marker written twice, or one
whose name is part of another's (``start-gauss`` in ``start-gauss-nd``),
includes the wrong code as soon as a definition moves, without a warning.
These tests fail instead: each included file exists, each marker an include
names is on exactly one line of its file, each fragment has code in it, and
each marker in ``kernels/`` is used by a chapter and has its partner.

The cutting below is this file's own, for the three options the chapters
use; ``test_fragment_is_what_sphinx_includes`` checks it against Sphinx's
``LiteralIncludeReader`` (Sphinx is in the test group for that).
"""

import ast
import dataclasses
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
CHAPTERS = sorted(BOOK.glob("*.md"))

# The one form the chapters use: a ``` fence with {literalinclude} and
# `:key: value` option lines. SUPPORTED lists the options this file knows how
# to cut by; a new one fails test_every_include_is_understood.
OPENING = re.compile(r"^(?P<fence>`{3,})\{literalinclude\}\s+(?P<path>\S+)\s*$")
OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*?)\s*$")
SUPPORTED = {"language", "pyobject", "start-after", "end-before"}
MARKER_LINE = re.compile(
    r"^\s*(?:#|//|/\*)\s*(?P<name>(?:start|end)-[\w-]+)\s*(?:\*/)?$"
)
SOURCES = {".py", ".pyx", ".pxd", ".c", ".h"}


@dataclasses.dataclass
class Include:
    chapter: pathlib.Path
    line: int
    path: pathlib.Path
    options: dict

    @property
    def id(self):
        return f"{self.chapter.name}:{self.line}"

    def lines(self):
        return self.path.read_text(encoding="utf-8").splitlines(True)


def book_includes():
    found = []
    for chapter in CHAPTERS:
        lines = chapter.read_text(encoding="utf-8").splitlines()
        for number, text in enumerate(lines, 1):
            opening = OPENING.match(text)
            if opening is None:
                continue
            options = {}
            for option_line in lines[number:]:
                match = OPTION.match(option_line)
                if match is None:
                    break
                options[match["key"]] = match["value"]
            path = (chapter.parent / opening["path"]).resolve()
            found.append(Include(chapter, number, path, options))
    return found


INCLUDES = book_includes()
IDS = [include.id for include in INCLUDES]


def python_object(include):
    """The lines of a top-level function or class, as ``:pyobject:`` shows it."""
    name = include.options["pyobject"]
    source = "".join(include.lines())
    for node in ast.parse(source).body:
        if getattr(node, "name", None) == name:
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            return source.splitlines(True)[first - 1 : node.end_lineno]
    raise AssertionError(f"{include.id}: no function or class {name} in {include.path}")


def fragment(include):
    """What Sphinx includes: pyobject, then start-after, then end-before."""
    options = include.options
    lines = python_object(include) if "pyobject" in options else include.lines()
    if "start-after" in options:
        at = [i for i, text in enumerate(lines) if options["start-after"] in text]
        assert at, f"{include.id}: :start-after: {options['start-after']} not found"
        lines = lines[at[0] + 1 :]
    if "end-before" in options:
        # Sphinx never ends a fragment on its first line.
        at = [i for i, text in enumerate(lines) if i and options["end-before"] in text]
        assert at, f"{include.id}: :end-before: {options['end-before']} not found"
        lines = lines[: at[0]]
    return lines


def test_every_include_is_understood():
    # Any other way of writing the directive would escape the tests below.
    assert len(INCLUDES) > 40
    for chapter in CHAPTERS:
        text = chapter.read_text(encoding="utf-8")
        assert text.count("literalinclude") == sum(
            include.chapter == chapter for include in INCLUDES
        ), f"{chapter.name}: a literalinclude not written as ```{{literalinclude}}"
    for include in INCLUDES:
        unknown = set(include.options) - SUPPORTED
        assert not unknown, f"{include.id}: teach this test the options {unknown}"


@pytest.mark.parametrize("include", INCLUDES, ids=IDS)
def test_included_file_exists(include):
    assert include.path.is_file(), f"{include.id}: {include.path} does not exist"


@pytest.mark.parametrize("include", INCLUDES, ids=IDS)
def test_each_marker_occurs_once(include):
    # Every line that contains the text is a place the fragment could cut.
    for key in ("start-after", "end-before"):
        if key in include.options:
            marker = include.options[key]
            found = [n for n, text in enumerate(include.lines(), 1) if marker in text]
            assert len(found) == 1, (
                f"{include.id}: :{key}: {marker} must be on exactly one line of "
                f"{include.path.name}, found on lines {found}"
            )


@pytest.mark.parametrize("include", INCLUDES, ids=IDS)
def test_fragment_is_not_empty(include):
    lines = fragment(include)
    assert any(text.strip() for text in lines), f"{include.id}: empty fragment"
    inside = [m["name"] for text in lines if (m := MARKER_LINE.match(text))]
    assert not inside, f"{include.id}: the fragment contains the markers {inside}"


@pytest.mark.parametrize("include", INCLUDES, ids=IDS)
def test_fragment_is_what_sphinx_includes(include):
    from sphinx.directives import code

    config = type("Config", (), {"source_encoding": "utf-8-sig"})()
    reader = code.LiteralIncludeReader(str(include.path), include.options, config)
    assert "".join(fragment(include)) == reader.read()[0]


def markers():
    """(path, line, name) of every marker comment under kernels/."""
    found = []
    for path in sorted((ROOT / "kernels").rglob("*")):
        if path.suffix in SOURCES:
            text = path.read_text(encoding="utf-8").splitlines()
            for number, line in enumerate(text, 1):
                if match := MARKER_LINE.match(line):
                    found.append((path, number, match["name"]))
    return found


MARKERS = markers()


@pytest.mark.parametrize(
    "marker", MARKERS, ids=[f"{p.name}:{n}:{name}" for p, n, name in MARKERS]
)
def test_marker_is_used_and_paired(marker):
    path, line, name = marker
    kind, _, stem = name.partition("-")
    assert any(
        include.path == path and name in include.options.values()
        for include in INCLUDES
    ), f"{path.name}:{line}: no chapter uses {name}; remove it or show its code"
    partner = ("end-" if kind == "start" else "start-") + stem
    lines = [n for p, n, other in MARKERS if p == path and other == partner]
    assert len(lines) == 1, f"{path.name}:{line}: {len(lines)} {partner}, not 1"
    assert (line < lines[0]) == (kind == "start"), f"{path.name}: {partner} order"


MARKED = sorted({path for path, _, _ in MARKERS})


@pytest.mark.parametrize(
    "path", MARKED, ids=[p.relative_to(ROOT).as_posix() for p in MARKED]
)
def test_no_marker_name_is_part_of_another(path):
    # start-gauss is part of start-gauss-nd: an include of the first would
    # start at the second if it came first in the file.
    names = {name for p, _, name in MARKERS if p == path}
    clashes = sorted((a, b) for a in names for b in names if a != b and a in b)
    assert not clashes, f"{path.name}: marker names inside others: {clashes}"
