"""The claims check (.ci/check_claims.py) on small synthetic chapters.

Each chapter below is a minimal MyST file: a measurement glued into a
sentence, with or without the guard cell the book's convention asks for.
"""

import importlib.util
import textwrap
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / ".ci" / "check_claims.py"


@pytest.fixture(scope="module")
def check_claims():
    spec = importlib.util.spec_from_file_location("check_claims", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MEASUREMENT = """\
    ---
    jupytext:
      text_representation:
        format_name: myst
    ---
    # A chapter

    ```{code-cell} ipython3
    speedup = 17.0
    glue("speedup", speedup, display=False)
    glue("verdict", "faster than", display=False)
    ```
"""

GUARD = """
    ```{code-cell} ipython3
    :tags: [remove-cell]
    # guard: speedup
    assert speedup > 5, f"'many times faster' no longer holds: {speedup:.1f}x"
    ```
"""

CLAIM = """
    The compiled callback is {glue:text}`speedup:.0f` times faster than Python.
"""


def chapter(*parts):
    return textwrap.dedent("".join(parts))


def findings(check_claims, text):
    return check_claims.check_text(Path("synthetic.md"), text)


def test_a_guarded_claim_passes(check_claims):
    assert findings(check_claims, chapter(MEASUREMENT, GUARD, CLAIM)) == []


def test_a_guard_in_yaml_options_counts(check_claims):
    guard = GUARD.replace(
        ":tags: [remove-cell]", "---\n    tags: [remove-cell]\n    ---"
    )
    assert findings(check_claims, chapter(MEASUREMENT, guard, CLAIM)) == []


def test_an_unguarded_claim_fails_with_its_line_and_sentence(check_claims):
    text = chapter(MEASUREMENT, CLAIM)
    [finding] = findings(check_claims, text)
    assert finding.keys == ["speedup"]
    assert "faster" in finding.words and "times" in finding.words
    assert text.splitlines()[finding.line - 1].startswith("The compiled callback")
    assert "synthetic.md:" in str(finding) and "times faster" in str(finding)


def test_a_guard_cell_that_is_shown_does_not_count(check_claims):
    shown = GUARD.replace(":tags: [remove-cell]\n", "")
    assert len(findings(check_claims, chapter(MEASUREMENT, shown, CLAIM))) == 1


def test_a_guard_must_be_the_first_line(check_claims):
    late = GUARD.replace("# guard: speedup", "x = 1\n    # guard: speedup")
    assert len(findings(check_claims, chapter(MEASUREMENT, late, CLAIM))) == 1


def test_guard_lines_may_continue_at_the_top_of_the_cell(check_claims):
    two = GUARD.replace("# guard: speedup", "# guard: other_key\n    # guard: speedup")
    assert findings(check_claims, chapter(MEASUREMENT, two, CLAIM)) == []


def test_a_guard_for_another_key_does_not_count(check_claims):
    other = GUARD.replace("# guard: speedup", "# guard: other_key")
    assert len(findings(check_claims, chapter(MEASUREMENT, other, CLAIM))) == 1


def test_a_glued_verdict_passes(check_claims):
    verdict = "\n    Compiled code is {glue:text}`verdict` Python here.\n"
    assert findings(check_claims, chapter(MEASUREMENT, verdict)) == []


def test_a_number_without_a_direction_word_passes(check_claims):
    plain = "\n    The child ended with status {glue:text}`speedup`.\n"
    assert findings(check_claims, chapter(MEASUREMENT, plain)) == []


def test_a_percent_sign_and_an_x_after_a_number_are_directions(check_claims):
    for sentence in (
        "It spends {glue:text}`speedup:.0f` % of its time there.",
        "Reuse gives {glue:text}`speedup:.0f`x, on this machine.",
    ):
        text = chapter(MEASUREMENT, "\n    ", sentence, "\n")
        assert len(findings(check_claims, text)) == 1, sentence


def test_the_escape_exempts_the_next_sentence_only(check_claims):
    escaped = """
    % claim-ok: a count of calls, exact, not a measurement
    It called the callback {glue:text}`speedup` times. Later it is
    {glue:text}`speedup` times faster.
    """
    [finding] = findings(check_claims, chapter(MEASUREMENT, escaped))
    assert finding.sentence.startswith("Later it is")


def test_the_escape_needs_a_reason(check_claims):
    bare = "\n    % claim-ok:\n    It called the callback {glue:text}`speedup` times.\n"
    assert len(findings(check_claims, chapter(MEASUREMENT, bare))) == 1


def test_code_is_not_prose(check_claims):
    code = """
    ```{code-cell} ipython3
    print("{glue:text}`speedup` times faster")
    ```

    ```python
    # {glue:text}`speedup` times faster
    ```
    """
    assert findings(check_claims, chapter(MEASUREMENT, code)) == []


def test_prose_inside_an_exercise_is_checked(check_claims):
    exercise = """
    ````{exercise}
    :label: ex-speed

    Why is it {glue:text}`speedup:.0f` times faster?

    ```cython
    # {glue:text}`speedup` times faster, in code: not checked
    ```
    ````
    """
    [finding] = findings(check_claims, chapter(MEASUREMENT, exercise))
    assert finding.sentence.startswith("Why is it")


def test_sentences_split_outside_backticks(check_claims):
    two = (
        "\n    It takes {glue:text}`speedup:.1f` us. The callback is "
        "{glue:text}`verdict` Python.\n"
    )
    assert findings(check_claims, chapter(MEASUREMENT, two)) == []


def test_a_sentence_may_start_with_inline_code(check_claims):
    text = chapter(
        MEASUREMENT,
        "\n    It is {glue:text}`speedup:.0f` us, more or less. `quad` takes "
        "{glue:text}`verdict` that.\n",
    )
    [finding] = findings(check_claims, text)
    assert finding.sentence.startswith("It is")


def test_no_split_after_an_abbreviation(check_claims):
    text = chapter(
        MEASUREMENT,
        "\n    Costs, e.g. `quad`, are {glue:text}`speedup:.0f` times higher.\n",
    )
    [finding] = findings(check_claims, text)
    assert finding.sentence.startswith("Costs, e.g.")
