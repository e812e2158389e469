"""Count the prose words of the built book, page by page.

usage: python .ci/count_words.py [_build/html]

Counts the words of each chapter's article in the built HTML, leaving out
code cells and their outputs, code blocks, math and the navigation: the
words a reader reads, as the book's length budget counts them. A word is a
run of letters or digits, with inner apostrophes, dots and hyphens
("don't", "1.5", "well-kept"). Needs beautifulsoup4, which the book's
theme already installs.
"""

import pathlib
import re
import sys

from bs4 import BeautifulSoup

LEFT_OUT = (
    "div.cell",  # code cells with their outputs
    "div.highlight",  # code blocks and literalincludes
    "pre",
    "div.math",
    "span.math",
    "script",
    "style",
    "a.headerlink",
    "nav",
)
WORD = re.compile(r"[\w'’.-]*\w[\w'’.-]*")


def prose_words(html):
    soup = BeautifulSoup(html, "html.parser")
    article = soup.find("article") or soup.find("main") or soup
    for selector in LEFT_OUT:
        for element in article.select(selector):
            element.decompose()
    return len(WORD.findall(article.get_text(" ")))


def main(argv):
    root = pathlib.Path(argv[0] if argv else "_build/html")
    pages = sorted((root / "book").glob("*.html"))
    if not pages:
        print(
            f"no built pages under {root}/book: run `make book` first", file=sys.stderr
        )
        return 2
    total = 0
    for page in pages:
        words = prose_words(page.read_text(encoding="utf-8"))
        total += words
        print(f"{words:7,d}  {page.stem}")
    print(f"{total:7,d}  in all")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
