"""Fail when a chapter glues a measurement into a claim that nothing checks.

usage: python .ci/check_claims.py [CHAPTER.md ...]   (default: book/*.md)

The book's convention (README.md, "Conventions for chapters"): a prose
sentence that glues a value (a ``{glue:text}``, ``{glue:}`` or ``{glue}`` role)
and states a direction or a size with words of its own ("faster", "falls",
"close to", "most of", "within", "times", a percentage, ...) is a claim about
a measurement. Each glue key in such a sentence must be named in the first
lines, ``# guard: key1 key2`` (one or several at the top), of a code cell
tagged ``remove-cell`` in the same file; that cell asserts the claim at every
build.

What counts as prose: Markdown text, including the bodies of directives that
hold text (exercise, admonition, glossary, ...). Skipped: code cells, fenced
code, the code directives in CODE_DIRECTIVES, front matter, ``$$`` math, MyST
comments (lines starting with ``%``) and inline code. Paragraphs are split
into sentences at ``.``, ``!`` or ``?`` followed by a space and a capital
letter (outside backticks); a table row, a heading and a list item are units
of their own.

A sentence passes without a guard when its direction comes from a glued
verdict: the roles are removed before the direction words are looked for,
so "{glue:text}`verdict`" (computed as "faster than", "within noise of", ...)
is not a direction word. A sentence that has a direction word but is not a
claim about a measurement takes a MyST comment on the line just before it;
the comment covers the one sentence that starts at the beginning of the next
line. (A comment line ends a paragraph in MyST, so put it before a paragraph
and let the sentence open it.):

    % claim-ok: the count is exact, not a measurement

The reason after ``claim-ok:`` is required. ``grep -rn claim-ok book`` lists
every exemption. Exit status: 0 when every claim is guarded, 1 otherwise.
"""

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Words that state a direction, a proportion or a size relation. Matched as
# whole words, case-insensitively, in the sentence with its glue roles and
# inline code removed.
DIRECTION_WORDS = tuple(
    word.strip()
    for word in """
    faster, slower, quicker, cheaper, costlier, more expensive,
    speed-up, speedup, slow-down, slowdown,
    fall, falls, fell, falling, rise, rises, rose, rising,
    grow, grows, grew, growing, shrink, shrinks, shrank,
    drop, drops, dropped, increase, increases, increased,
    decrease, decreases, decreased,
    larger, smaller, more, less, fewer, higher, lower,
    better, worse, dominate, dominates, dominated, exceeds, twice, half,
    close to, most of, within, about, around, roughly, nearly,
    almost, approximately, times, fold, percent
    """.split(",")
)
# Symbols: a percent sign, "x-fold"/"5-fold", and an "x" right after a role
# ("{glue:text}`speedup:.0f`x faster" reads as "17x").
SYMBOLS = (r"%", r"\w-fold\b", r"\bx-fold\b")
ROLE_X = re.compile(r"\{glue(?::text|:)?\}`[^`]*`x\b")

GLUE_ROLE = re.compile(r"\{glue(?::text|:)?\}`([^`]*)`")
ANY_ROLE = re.compile(r"\{[\w:.-]+\}`[^`]*`")
INLINE_CODE = re.compile(r"``.*?``|`[^`]*`")
WORDS = re.compile(
    r"\b(?:"
    + "|".join(re.escape(word) for word in DIRECTION_WORDS)
    + r")\b"
    + "|"
    + "|".join(SYMBOLS),
    re.IGNORECASE,
)
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*(.*)$")
# Directives whose body is code or data, not prose.
CODE_DIRECTIVES = set(
    "code-cell code code-block sourcecode literalinclude math raw eval-rst "
    "glue:figure glue:math csv-table mermaid".split()
)
ESCAPE = re.compile(r"^\s*%\s*claim-ok:\s*\S")
GUARD = re.compile(r"^#\s*guard:(.*)$")
# The end of a sentence: . ! or ? (and closing marks), a space, then a capital,
# a digit, a role, inline code or math.
SENTENCE_END = re.compile(r"(?<=[.!?])[)\"'*_]*\s+(?=[\[({\"'*_]*[A-Z0-9{`$])")
ABBREVIATIONS = ("e.g.", "i.e.", "cf.", "vs.", "etc.")


@dataclass
class Chapter:
    """What one file holds: its prose lines and the keys its guards name."""

    path: Path
    prose: list = field(default_factory=list)  # (line number, text)
    guarded: set = field(default_factory=set)
    escapes: set = field(default_factory=set)  # the lines after a claim-ok


@dataclass
class Finding:
    path: Path
    line: int
    keys: list
    words: list
    sentence: str

    def __str__(self):
        keys = " ".join(self.keys)
        words = ", ".join(repr(word) for word in self.words)
        return (
            f"{self.path}:{self.line}: glue key(s) {keys} in a sentence with "
            f"{words}, and no '# guard: {keys}' cell:\n    {self.sentence}"
        )


def cell_guard(lines):
    """The keys named by a code cell's guard line, if it is tagged remove-cell."""
    body, tags = list(lines), ""
    if body and body[0].strip() == "---":  # YAML options block
        end = next((i for i in range(1, len(body)) if body[i].strip() == "---"), 0)
        options, body = body[1:end], body[end + 1 :]
        tags = " ".join(options)
    else:
        while body and body[0].lstrip().startswith(":"):
            tags += " " + body.pop(0)
    while body and not body[0].strip():
        body.pop(0)
    if "remove-cell" not in tags or not body:
        return set()
    keys = set()
    for line in body:  # the leading "# guard:" lines, one or several
        match = GUARD.match(line.strip())
        if not match:
            break
        keys |= set(re.split(r"[\s,]+", match.group(1).strip())) - {""}
    return keys


def read_chapter(path, text=None):
    """Split a MyST file into prose lines, guard keys and escaped lines."""
    text = path.read_text(encoding="utf-8") if text is None else text
    lines = text.splitlines()
    chapter = Chapter(path)
    number = 0
    if lines and lines[0].strip() == "---":  # front matter
        number = next(
            (i + 1 for i in range(1, len(lines)) if lines[i].strip() == "---"),
            len(lines),
        )
    prose_fences = []  # closing fences of the prose directives we are inside
    in_math = False
    while number < len(lines):
        line = lines[number]
        number += 1
        fence = FENCE.match(line)
        if fence:
            marks, info = fence.group(2), fence.group(3).strip()
            if prose_fences and not info and marks.startswith(prose_fences[-1]):
                prose_fences.pop()  # the end of a prose directive
                continue
            name = re.match(r"\{([^}]*)\}", info)
            if name and name.group(1) not in CODE_DIRECTIVES:
                prose_fences.append(marks)
                # Skip the directive's options (":key: value" or a YAML block).
                if number < len(lines) and lines[number].strip() == "---":
                    number += 1
                    while number < len(lines) and lines[number].strip() != "---":
                        number += 1
                    number += 1
                while number < len(lines) and lines[number].lstrip().startswith(":"):
                    number += 1
                chapter.prose.append((number, ""))  # a paragraph break
                continue
            # Code: read up to the matching closing fence.
            body = []
            while number < len(lines):
                closing = FENCE.match(lines[number])
                number += 1
                if (
                    closing
                    and not closing.group(3).strip()
                    and closing.group(2)[0] == marks[0]
                    and len(closing.group(2)) >= len(marks)
                ):
                    break
                body.append(lines[number - 1])
            if name and name.group(1) == "code-cell":
                chapter.guarded |= cell_guard(body)
            chapter.prose.append((number, ""))
            continue
        if line.strip() == "$$" or (line.strip().startswith("$$") and not in_math):
            in_math = not in_math if line.strip().count("$$") == 1 else in_math
            chapter.prose.append((number, ""))
            continue
        if in_math:
            continue
        if ESCAPE.match(line):
            chapter.escapes.add(number + 1)
            continue
        if line.lstrip().startswith("%") or re.match(r"^\s*\([\w-]+\)=\s*$", line):
            continue  # a comment or a label: not text, not a break
        chapter.prose.append((number, line))
    return chapter


def units(prose):
    """Paragraphs (and headings, list items, table rows) as (first line, lines)."""
    unit = []
    for number, line in prose:
        stripped = line.strip()
        starts_new = (
            not stripped
            or stripped.startswith(("#", "|", "- ", "* ", "+ ", ": "))
            or re.match(r"^\d+[.)]\s", stripped)
        )
        if starts_new and unit:
            yield unit
            unit = []
        if stripped:
            unit.append((number, stripped))
        if stripped.startswith(("#", "|")):
            yield unit
            unit = []
    if unit:
        yield unit


def sentences(unit):
    """The sentences of a unit, each as (line where it starts, text)."""
    text, starts = "", []
    for number, line in unit:
        starts.append((len(text), number))
        text += line + " "
    # Inline code keeps its length and its backticks, and loses its dots.
    masked = INLINE_CODE.sub(lambda m: "`" + "x" * (len(m.group()) - 2) + "`", text)
    bounds = [0] + [
        match.end()
        for match in SENTENCE_END.finditer(masked)
        if not masked[: match.start()].lower().endswith(ABBREVIATIONS)
    ]
    bounds.append(len(text))
    for begin, end in zip(bounds, bounds[1:], strict=False):
        sentence = text[begin:end].strip()
        if not sentence:
            continue
        first = max(
            (num for offset, num in starts if offset <= begin), default=unit[0][0]
        )
        yield first, sentence


def check_text(path, text=None):
    """Every unguarded claim in one MyST file."""
    chapter = read_chapter(Path(path), text)
    findings = []
    escapes = set(chapter.escapes)
    for unit in units(chapter.prose):
        for first, sentence in sentences(unit):
            escaped = first in escapes
            escapes.discard(first)  # an escape covers one sentence
            keys = [
                match.group(1).split(":")[0].strip()
                for match in GLUE_ROLE.finditer(sentence)
            ]
            if not keys:
                continue
            words = sorted(
                {
                    match.group().lower()
                    for match in WORDS.finditer(
                        INLINE_CODE.sub(" ", ANY_ROLE.sub(" ", sentence))
                    )
                }
            )
            if ROLE_X.search(sentence):
                words.append("x (after a glued number)")
            if not words or escaped:
                continue
            missing = [key for key in dict.fromkeys(keys) if key not in chapter.guarded]
            if missing:
                findings.append(Finding(Path(path), first, missing, words, sentence))
    return findings


def main(argv):
    paths = [Path(arg) for arg in argv] or sorted(Path("book").glob("*.md"))
    if not paths:
        print("check_claims: no chapters found (run it from the repository root)")
        return 2
    findings = [finding for path in paths for finding in check_text(path)]
    for finding in findings:
        print(finding)
    print(
        f"check_claims: {len(paths)} files, {len(findings)} unguarded claim"
        f"{'' if len(findings) == 1 else 's'} (see README.md, 'Conventions for "
        "chapters': guard them, glue the verdict, or mark '% claim-ok: reason')"
    )
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
