"""Render every page of the built book in headless Chromium and check it.

usage: python .ci/check_pages.py [HTML_DIR] [--screenshots DIR] [--chromium PATH]

Playwright drives Debian's chromium (PATH: /usr/bin/chromium, which `make
check-pages` installs; no browser is downloaded). Each page of HTML_DIR
(_build/html) is served on 127.0.0.1, loaded at a desktop width and at a
phone's (390 px), and, once MathJax has run, checked for broken links, images
and anchors, failed requests, math that did not render, a traceback or Cython
compile error in a cell not tagged raises-exception (as the page shows it;
.ci/check_outputs.py reads the notebooks), JavaScript errors, sideways
scrolling at phone width, and absolute paths of the build machine. The
in-page checks are in check_pages.js. Screenshots go to DIR (_build/screenshots):
PAGE.png, the full page, and PAGE-phone.png. Exit status: 0 when every page
passes, 1 when a page has a problem, 2 when there is no build or no Chromium.
"""

import argparse
import functools
import html
import http.server
import json
import re
import shutil
import sys
import sysconfig
import tempfile
import threading
import urllib.parse
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}  # an iPhone 12 to 15, in CSS pixels
IN_PAGE = Path(__file__).with_name("check_pages.js")
# Playwright adds --headless; /dev/shm is often tiny in containers.
CHROMIUM_ARGS = """--no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync
    --disable-dev-shm-usage""".split()
SKIPPED_DIRS = {"_static", "_sources", "_images", "_downloads"}
# console.error messages that are not the book's: pydata-sphinx-theme logs the
# first on a reader's first visit (no colour mode stored yet), then picks the
# automatic one; the second repeats a failed request, which the network check
# reports with its URL (or the browser's own request for /favicon.ico).
HARMLESS_CONSOLE = ("Got invalid theme mode: . Resetting to auto.", "Failed to load")
REFRESH = re.compile(r'http-equiv="refresh" content="\d+; *url=([^"]+)"', re.I)


def cannot_check(why):
    print(f"check_pages: {why}", file=sys.stderr)
    sys.exit(2)


def built_pages(html_dir):
    """The pages of the last build, and the stale ones Sphinx left behind.

    Sphinx does not delete the page of a chapter that left the table of
    contents; such a page is not among the search index's documents.
    """
    pages = [page.relative_to(html_dir) for page in sorted(html_dir.rglob("*.html"))]
    pages = [page for page in pages if not SKIPPED_DIRS.intersection(page.parts)]
    index = html_dir / "searchindex.js"
    if not index.is_file():
        return pages, []
    index = index.read_text(encoding="utf-8").strip()
    docnames = json.loads(index.removeprefix("Search.setIndex(")[:-1])["docnames"]
    docnames = {*docnames, "index", "genindex", "search", "py-modindex"}
    current = [page for page in pages if page.with_suffix("").as_posix() in docnames]
    return current, [page for page in pages if page not in current]


@functools.cache
def static_ids(path):
    """The ids (and names) in an HTML file as written: other pages' anchors."""
    found = re.findall(r'\s(?:id|name)="([^"]*)"', path.read_text(encoding="utf-8"))
    return set(map(html.unescape, found))


def check_references(html_dir, base_url, page, found):
    """Links, images, scripts and stylesheets to missing files or anchors."""
    problems = []
    for ref in found["refs"]:
        value, url = ref["value"], urllib.parse.urlsplit(ref["url"] or "")
        if not value or f"{url.scheme}://{url.netloc}" != base_url:
            continue  # another site (no network here to check it), mailto:, ...
        target = html_dir / urllib.parse.unquote(url.path).lstrip("/")
        target = target / "index.html" if target.is_dir() else target
        if not target.is_file():
            problems.append(f"broken {ref['tag']} {value!r}: no file {target}")
        elif url.fragment and target.suffix == ".html":
            ids = set(found["ids"]) if target == html_dir / page else static_ids(target)
            if urllib.parse.unquote(url.fragment) not in ids:
                problems.append(f"broken anchor {value!r}: no such id there")
    return problems


def machine_paths(html_dir):
    """Absolute paths of the build machine that a page must not show.

    Each a whole path component followed by "/" and a name, so that prose
    about paths ("/tmp" alone, "site-packages/kernels/gaussian.pxd") passes.
    """
    prefixes = {
        "the repository": [html_dir.parents[1], Path.cwd()],
        "the virtual environment": [Path(sys.prefix)],
        "Python's standard library": [Path(sysconfig.get_paths()["stdlib"])],
        "the home folder": [Path.home()],
        "a /root/ path": [Path("/root")],
        "a /tmp/ path": [Path("/tmp"), Path(tempfile.gettempdir())],
    }
    patterns = {}
    for label, paths in prefixes.items():
        names = sorted({str(path) for path in paths if len(path.parts) > 1})
        if names:
            either = "|".join(map(re.escape, names))
            patterns.setdefault(rf"(?<![\w.~/-])(?:{either})/[\w.~-]", label)
    return [(label, re.compile(pattern)) for pattern, label in patterns.items()]


def check_paths(markup, patterns):
    """Build-machine paths in a page: in its text, then in its markup."""
    # Highlighted outputs split a path into several <span>s: the text first.
    text = html.unescape(re.sub(r"<[^>]*>", "", markup))
    for label, pattern in patterns:
        for where in (text, html.unescape(markup)):
            if found := pattern.findall(where):
                match = pattern.search(where)
                context = where[max(0, match.start() - 30) : match.end() + 50]
                yield (
                    f"{len(found)} path(s) of the build machine ({label}), "
                    f"the first in: ...{' '.join(context.split())}..."
                )
                break


def serve(html_dir):
    quiet = {"log_message": lambda *args: None}
    handler = type("Handler", (http.server.SimpleHTTPRequestHandler,), quiet)
    handler = functools.partial(handler, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def watch(page, base_url, problems, notes):
    """Failed requests and JavaScript errors, while the page loads and runs."""

    def response(response):
        if response.url.startswith(base_url) and response.status >= 400:
            problems.append(f"HTTP {response.status} for {response.url}")

    def failed(request):
        if request.failure == "net::ERR_ABORTED":
            pass  # cancelled, by the page or by leaving it
        elif request.url.startswith(base_url):
            problems.append(f"failed to load {request.url}: {request.failure}")
        elif request.url.startswith("http"):
            notes.append(f"outside request failed (offline?): {request.url}")

    def console(message):
        if message.type == "error" and not message.text.startswith(HARMLESS_CONSOLE):
            problems.append(f"JavaScript console error: {message.text}")

    page.on("response", response)
    page.on("requestfailed", failed)
    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))


def check_page(context, html_dir, base_url, name, shots, patterns):
    """Check one page in a tab of its own; return its problems and notes."""
    markup = (html_dir / name).read_text(encoding="utf-8", errors="replace")
    # The redirect page (index.html): check that its target exists.
    if refresh := REFRESH.search(markup):
        target = (html_dir / name).parent / urllib.parse.unquote(refresh[1])
        return ([] if target.is_file() else [f"redirects to a missing {target}"]), []
    stem = shots / name.removesuffix(".html").replace("/", "__")
    problems, notes = [], []
    page = context.new_page()
    watch(page, base_url, problems, notes)
    try:
        page.goto(f"{base_url}/{name}")
        found = page.evaluate("bookCheckPage()")
        page.screenshot(path=f"{stem}.png", full_page=True)
        # A fresh load at 390 px, as a phone lays the page out; not mobile
        # emulation, which zooms out of a page that is too wide and hides it.
        page.set_viewport_size(PHONE)
        page.goto(f"{base_url}/{name}")
        problems += page.evaluate("bookCheckPhone()")
        page.screenshot(path=f"{stem}-phone.png")
    except PlaywrightError as error:
        return [f"could not render: {error.message.splitlines()[0]}"], notes
    finally:
        page.close()
    problems += found["problems"] + check_references(html_dir, base_url, name, found)
    problems += check_paths(markup, patterns)
    return list(dict.fromkeys(problems)), notes


def check_book(html_dir, shots, chromium):
    if not (html_dir / "index.html").is_file():
        cannot_check(f"no built book in {html_dir}: run `make book` first")
    if not chromium.is_file():
        hint = "`make check-pages` installs Debian's chromium, or pass --chromium"
        cannot_check(f"no Chromium at {chromium}: {hint}")
    pages, stale = built_pages(html_dir)
    for page in stale:
        print(f"skip  {page.as_posix()} (not in the last build: a stale page?)")
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    patterns = machine_paths(html_dir)
    server = serve(html_dir)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    failures = 0
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport=DESKTOP)
            context.add_init_script(path=IN_PAGE)
            check = functools.partial(check_page, context, html_dir, base_url)
            for page in map(Path.as_posix, pages):
                problems, notes = check(page, shots, patterns)
                failures += bool(problems)
                print(f"{'FAIL' if problems else 'ok':<5} {page}")
                for line in problems + [f"note: {note}" for note in notes]:
                    print(f"      {line}")
            browser.close()
    except PlaywrightError as error:
        cannot_check(f"Chromium failed: {error.message}")
    finally:
        server.shutdown()
    print(f"{len(pages)} pages checked, {failures} with problems; screenshots: {shots}")
    return 1 if failures else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html_dir", nargs="?", default="_build/html", type=Path)
    parser.add_argument("--screenshots", default="_build/screenshots", type=Path)
    parser.add_argument("--chromium", default="/usr/bin/chromium", type=Path)
    args = parser.parse_args(argv)
    html_dir, shots = args.html_dir.resolve(), args.screenshots.resolve()
    return check_book(html_dir, shots, args.chromium)


if __name__ == "__main__":
    sys.exit(main())
