"""Every ``literalinclude`` in book/*.md shows the code its chapter means.

A chapter shows code from ``kernels/`` with ``literalinclude``: a Python
function or class by name (``:pyobject:``), or the lines between two marker
comments (``:start-after: start-x`` and ``:end-before: end-x``) in Cython and
C, where ``:pyobject:`` cannot be used.  Sphinx cuts at the first line that
*contains* the marker text, so a marker written twice, or one whose name is
part of another's (``start-gauss`` in ``start-gauss-nd``), includes the wrong
code as soon as a definition moves, without a warning.  These tests fail
instead: each included file exists, each marker an include names is on
exactly one line of its file, each fragment has code in it, and each marker
in ``kernels/`` is used by a chapter and has its partner.

Standard library only (``make test`` does not install Sphinx): the fragments
are cut as Sphinx's ``LiteralIncludeReader`` cuts them
(sphinx/directives/code.py), and ``test_fragment_is_what_sphinx_includes``
compares the two where Sphinx is installed.
"""

import ast
import dataclasses
import pathlib
import re
import textwrap

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
KERNELS = ROOT / "kernels"
CHAPTERS = sorted(BOOK.glob("*.md"))

# The options that name a line of the included file by its text.
MARKER_OPTIONS = ("start-after", "start-at", "end-before", "end-at")

# A fence of MyST Markdown (``` and ~~~, and ::: with colon_fence), with its
# info string: "{literalinclude} ../kernels/seed.pyx" names the directive.
FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,}|:{3,})\s*(?P<info>.*?)\s*$")
DIRECTIVE = re.compile(r"^\{(?P<name>[\w:-]+)\}\s*(?P<argument>.*)$")
# Directives whose body is not Markdown: nothing in them is a directive.
VERBATIM = {"code-cell", "code-block", "code", "sourcecode", "raw", "math"}
MYST_OPTION = re.compile(r"^\s*:(?P<key>[\w-]+):(?:\s+(?P<value>.*?))?\s*$")
YAML_OPTION = re.compile(r"^\s*(?P<key>[\w-]+):(?:\s+(?P<value>.*?))?\s*$")
RST_INCLUDE = re.compile(r"^(?P<indent>\s*)\.\.\s+literalinclude::\s*(?P<arg>.*?)\s*$")
# Any line that opens a literalinclude, whatever its form: each must be
# parsed, or be inside a code block (an example, not a directive).
ANY_INCLUDE = re.compile(
    r"^\s*(?:(?:`{3,}|~{3,}|:{3,})\s*\{literalinclude\}|\.\.\s+literalinclude::)"
)
# A marker line: a comment that is a marker and nothing else.
MARKER_LINE = re.compile(
    r"^\s*(?:#|//|/\*)\s*(?P<name>(?:start|end)-[\w-]+)\s*(?:\*/)?\s*$"
)
SOURCE_SUFFIXES = {".py", ".pyx", ".pxd", ".pxi", ".c", ".h"}


def shown(path):
    """``path`` from the project root, as the ids and messages name it."""
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


@dataclasses.dataclass
class Include:
    chapter: pathlib.Path
    line: int  # of the directive's first line in the chapter, from 1
    argument: str
    options: dict

    @property
    def id(self):
        return f"{self.chapter.name}:{self.line}"

    @property
    def path(self):
        # Sphinx's relfn2path: absolute from the source directory (the
        # project root, `jupyter-book build .`), else from the chapter's.
        if self.argument.startswith("/"):
            return ROOT / self.argument.lstrip("/")
        return (self.chapter.parent / self.argument).resolve()

    @property
    def shown_path(self):
        return shown(self.path)

    def __str__(self):
        return f"{self.id} ({self.argument})"


def myst_options(chapter, line, body):
    """The options at the top of a fenced directive's body."""
    options = {}
    if body and body[0].strip() == "---":
        closing = next(
            (i for i, text in enumerate(body[1:], 1) if text.strip() == "---"), None
        )
        if closing is None:
            raise ValueError(f"{chapter.name}:{line}: options block never closed")
        for text in body[1:closing]:
            match = YAML_OPTION.match(text)
            if match is None:
                raise ValueError(
                    f"{chapter.name}:{line}: cannot read option line {text!r}"
                )
            options[match["key"]] = match["value"] or ""
        return options
    for text in body:
        match = MYST_OPTION.match(text)
        if match is None:
            break
        options[match["key"]] = match["value"] or ""
    return options


def rst_includes(chapter, first, body):
    """The ``.. literalinclude::`` directives in an {eval-rst} block."""
    for i, text in enumerate(body):
        match = RST_INCLUDE.match(text)
        if match is None:
            continue
        options = {}
        for option_line in body[i + 1 :]:
            if len(option_line) - len(option_line.lstrip()) <= len(match["indent"]):
                break
            option = MYST_OPTION.match(option_line)
            if option is None:
                break
            options[option["key"]] = option["value"] or ""
        yield Include(chapter, first + i, match["arg"], options), first + i


def scan(chapter, lines, first=1):
    """Yield (include or None, line) for the directives and code blocks.

    ``lines`` are a chapter's, or a directive body's, starting at line
    ``first`` of the chapter.  A fence closes at the first fence of the same
    character at least as long with no info string, as markdown-it's do; the
    body of a directive other than a code block is Markdown, and is scanned.
    Each line of a code block is yielded as (None, line).
    """
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if opening is None or not opening["info"] and opening["fence"][0] == ":":
            i += 1
            continue
        fence = opening["fence"]
        closing = re.compile(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        end = next(
            (j for j in range(i + 1, len(lines)) if closing.match(lines[j])),
            len(lines),
        )
        body = lines[i + 1 : end]
        directive = DIRECTIVE.match(opening["info"])
        name = directive["name"] if directive else None
        if name == "literalinclude":
            options = myst_options(chapter, first + i, body)
            yield Include(chapter, first + i, directive["argument"], options), first + i
        elif name == "eval-rst":
            yield from rst_includes(chapter, first + i + 1, body)
        elif name is not None and name not in VERBATIM:
            yield from scan(chapter, body, first + i + 1)
        else:
            for j in range(i + 1, end):
                yield None, first + j
        i = end + 1


def book_includes():
    includes = []
    for chapter in CHAPTERS:
        lines = chapter.read_text(encoding="utf-8").splitlines()
        includes += [found for found, _ in scan(chapter, lines) if found is not None]
    return includes


INCLUDES = book_includes()


def read_lines(include):
    # Sphinx reads with source_encoding (utf-8-sig) and keeps the line ends.
    assert include.path.is_file(), (
        f"{include}: {include.shown_path} does not exist (the path is "
        f"relative to {include.chapter.parent.relative_to(ROOT)}/)"
    )
    text = include.path.read_text(encoding="utf-8-sig")
    if "tab-width" in include.options:
        text = text.expandtabs(int(include.options["tab-width"]))
    return text.splitlines(True)


def python_objects(path, source):
    """{dotted name: (first line, last line)} of the functions and classes.

    As sphinx.pycode.ModuleAnalyzer.find_tags: from the first decorator to
    the last line of the body, methods as Class.method, no nested functions.
    """
    found = {}

    def visit(body, prefix):
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = prefix + node.name
                start = min([node.lineno] + [d.lineno for d in node.decorator_list])
                found[name] = (start, node.end_lineno)
                if isinstance(node, ast.ClassDef):
                    visit(node.body, name + ".")

    try:
        tree = ast.parse(source, filename=str(path))
    except SyntaxError as exc:
        raise AssertionError(
            f"{shown(path)} is not Python ({exc}): :pyobject: cannot find "
            "anything in it; use start-/end- markers"
        ) from exc
    visit(tree.body, "")
    return found


def line_numbers(spec, total):
    """Sphinx's parselinenos: "1,3-5,8-" as indexes from 0."""
    numbers = []
    for part in spec.split(","):
        bounds = part.strip().split("-")
        if len(bounds) == 1 and bounds[0]:
            numbers.append(int(bounds[0]) - 1)
        elif len(bounds) == 2 and bounds != ["", ""]:
            start = int(bounds[0] or 1)
            end = int(bounds[1] or max(start, total))
            if start > end:
                raise ValueError(f"invalid line number spec: {spec!r}")
            numbers.extend(range(start - 1, end))
        else:
            raise ValueError(f"invalid line number spec: {spec!r}")
    return numbers


def fragment(include):
    """The lines Sphinx's LiteralIncludeReader.read would include.

    The same filters in the same order: pyobject, start, end, lines, dedent,
    prepend, append.
    """
    options = include.options
    lines = read_lines(include)
    if "pyobject" in options:
        objects = python_objects(include.path, "".join(lines))
        name = options["pyobject"]
        assert name in objects, (
            f"{include}: :pyobject: {name} is not a function or class of "
            f"{include.shown_path} (it has {', '.join(sorted(objects))})"
        )
        start, end = objects[name]
        lines = lines[start - 1 : end]
    for key, keep in (("start-at", 0), ("start-after", 1)):
        if key in options:
            marker = options[key]
            at = next((i for i, text in enumerate(lines) if marker in text), None)
            assert at is not None, f"{include}: :{key}: {marker} not found"
            lines = lines[at + keep :]
            break
    for key, keep in (("end-at", 1), ("end-before", 0)):
        if key in options:
            marker = options[key]
            # end-before skips a match on the first line, as Sphinx does.
            first = 0 if keep else 1
            at = next(
                (i for i, text in enumerate(lines) if i >= first and marker in text),
                None,
            )
            assert at is not None, f"{include}: :{key}: {marker} not found"
            lines = lines[: at + keep]
            break
    if "lines" in options:
        wanted = line_numbers(options["lines"], len(lines))
        lines = [lines[n] for n in wanted if n < len(lines)]
    if "dedent" in options:
        if options["dedent"]:
            width = int(options["dedent"])
            lines = [
                text[width:] or ("\n" if text.endswith("\n") else "") for text in lines
            ]
        else:
            lines = textwrap.dedent("".join(lines)).splitlines(True)
    if "prepend" in options:
        lines.insert(0, options["prepend"] + "\n")
    if "append" in options:
        lines.append(options["append"] + "\n")
    return lines


@dataclasses.dataclass
class Marker:
    path: pathlib.Path
    line: int
    name: str

    @property
    def id(self):
        return f"{shown(self.path)}:{self.line}:{self.name}"

    def __str__(self):
        return f"{self.id} ({self.name})"


def named_marker(value):
    """The marker an option's text names: "start-x" from "# start-x" too."""
    match = MARKER_LINE.match(value)
    return match["name"] if match else value.strip()


def marker_files():
    """Every source file in kernels/ (and below), and every included file."""
    files = {
        path
        for path in KERNELS.rglob("*")
        if path.suffix in SOURCE_SUFFIXES and "__pycache__" not in path.parts
    }
    files |= {include.path for include in INCLUDES if include.path.is_file()}
    return sorted(files)


def file_markers(path):
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    return [
        Marker(path, number, match["name"])
        for number, line in enumerate(text.splitlines(), 1)
        if (match := MARKER_LINE.match(line))
    ]


MARKERS = [marker for path in marker_files() for marker in file_markers(path)]
FILES_WITH_MARKERS = sorted({marker.path for marker in MARKERS})


SAMPLE_CHAPTER = """\
```{literalinclude} ../kernels/a.pyx
:start-after: start-a
:end-before: end-a
```
:::{literalinclude} ../kernels/b.py
:pyobject: b
:::
````{note}
```{literalinclude} /kernels/c.pxd
---
lines: 2-3
---
```
````
```{eval-rst}
.. literalinclude:: ../kernels/d.c
   :start-at: start-d
```
````markdown
```{literalinclude} ../an/example.py
```
````
"""


def test_scan_reads_every_form():
    # The forms MyST accepts (``` and ::: fences, options as :key: lines or
    # a YAML block, nested in another directive, reStructuredText in
    # {eval-rst}); an example inside a code block is not a directive.
    chapter = BOOK / "sample.md"
    found = list(scan(chapter, SAMPLE_CHAPTER.splitlines()))
    includes = [(i.line, i.shown_path, i.options) for i, _ in found if i]
    assert includes == [
        (1, "kernels/a.pyx", {"start-after": "start-a", "end-before": "end-a"}),
        (5, "kernels/b.py", {"pyobject": "b"}),
        (9, "kernels/c.pxd", {"lines": "2-3"}),
        (16, "kernels/d.c", {"start-at": "start-d"}),
    ]
    assert (None, 20) in found


def test_every_literalinclude_is_checked():
    # A form of the directive the scanner above does not read would escape
    # every test below: each line that opens one must have been read.
    assert INCLUDES, "no literalinclude found in book/*.md"
    for chapter in CHAPTERS:
        lines = chapter.read_text(encoding="utf-8").splitlines()
        accounted = {line for _, line in scan(chapter, lines)}
        missed = [
            f"{chapter.name}:{number}"
            for number, text in enumerate(lines, 1)
            if ANY_INCLUDE.match(text) and number not in accounted
        ]
        assert not missed, f"literalinclude directives not parsed: {missed}"


@pytest.mark.parametrize("include", INCLUDES, ids=[i.id for i in INCLUDES])
def test_included_file_exists(include):
    assert include.path.is_file(), (
        f"{include}: {include.shown_path} does not exist (the path is "
        f"relative to {include.chapter.parent.relative_to(ROOT)}/)"
    )


@pytest.mark.parametrize("include", INCLUDES, ids=[i.id for i in INCLUDES])
def test_each_marker_occurs_once(include):
    # Sphinx cuts at the first line that contains the text: any other line
    # that contains it is a place where the fragment could start or end.
    lines = read_lines(include)
    for key in MARKER_OPTIONS:
        if key not in include.options:
            continue
        marker = include.options[key]
        assert marker.strip(), f"{include}: :{key}: is empty"
        found = [n for n, text in enumerate(lines, 1) if marker in text]
        assert len(found) == 1, (
            f"{include}: :{key}: {marker} must be on exactly one line of "
            f"{include.shown_path}, found on {len(found)}: lines {found}"
        )


@pytest.mark.parametrize("include", INCLUDES, ids=[i.id for i in INCLUDES])
def test_fragment_is_not_empty(include):
    lines = fragment(include)
    assert any(text.strip() for text in lines), (
        f"{include}: the fragment of {include.shown_path} is empty "
        f"(options {include.options})"
    )
    # A marker line inside the fragment means it starts or ends at the
    # wrong one (or its markers are nested).
    inside = [m["name"] for text in lines if (m := MARKER_LINE.match(text))]
    assert not inside, f"{include}: the fragment contains the markers {inside}"


@pytest.mark.parametrize("include", INCLUDES, ids=[i.id for i in INCLUDES])
def test_fragment_is_what_sphinx_includes(include):
    # The resolution above, checked against Sphinx's own where the book's
    # dependencies are installed (`make book`); skipped under `make test`
    # on a fresh clone.
    code = pytest.importorskip("sphinx.directives.code")
    options = dict(include.options)
    for key in ("dedent", "tab-width", "lineno-start"):
        if key in options:
            options[key] = int(options[key]) if options[key] else None
    config = type("Config", (), {"source_encoding": "utf-8-sig"})()
    reader = code.LiteralIncludeReader(str(include.path), options, config)
    text, _ = reader.read()
    assert "".join(fragment(include)) == text


@pytest.mark.parametrize("marker", MARKERS, ids=[m.id for m in MARKERS])
def test_marker_is_used_and_paired(marker):
    users = [
        include
        for include in INCLUDES
        if include.path == marker.path
        and any(
            named_marker(include.options[key]) == marker.name
            for key in MARKER_OPTIONS
            if key in include.options
        )
    ]
    assert users, (
        f"{marker}: no chapter's literalinclude uses this marker; remove it "
        "(or show its code)"
    )
    kind, _, stem = marker.name.partition("-")
    partner = ("end-" if kind == "start" else "start-") + stem
    lines = [m.line for m in MARKERS if m.path == marker.path and m.name == partner]
    assert len(lines) == 1, (
        f"{marker}: needs exactly one {partner} in the same file, found {len(lines)}"
    )
    start, end = (marker.line, lines[0]) if kind == "start" else (lines[0], marker.line)
    assert start < end, f"{marker}: start-{stem} must come before end-{stem}"


@pytest.mark.parametrize(
    "path",
    FILES_WITH_MARKERS,
    ids=[shown(path) for path in FILES_WITH_MARKERS],
)
def test_no_marker_name_is_part_of_another(path):
    # `start-gauss` is part of `start-gauss-nd`: an include of the first
    # would start at the second if it came first in the file.
    names = sorted({m.name for m in MARKERS if m.path == path})
    clashes = [(a, b) for a in names for b in names if a != b and a in b]
    assert not clashes, f"{shown(path)}: marker names inside others: {clashes}"
