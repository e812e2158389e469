"""Render every page of the built book in headless Chromium and check it.

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
import asyncio
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

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}  # an iPhone 12 to 15, in CSS pixels
TABS = 2  # pages rendered at once (the machine has 2 cores)
IN_PAGE = Path(__file__).with_name("check_pages.js")
# Playwright adds --headless; /dev/shm is often tiny in containers.
CHROMIUM_ARGS = """--no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync
    --disable-dev-shm-usage""".split()
SKIPPED_DIRS = {"_static", "_sources", "_images", "_downloads"}
# console.error messages that are not the book's: pydata-sphinx-theme's on a
# first visit (no colour mode stored yet: it picks the automatic one), and the
# browser's on a failed request (the network check names its URL).
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
    index = (html_dir / "searchindex.js").read_text(encoding="utf-8").strip()
    docnames = json.loads(index.removeprefix("Search.setIndex(")[:-1])["docnames"]
    docnames = {*docnames, "index", "genindex", "search", "py-modindex"}
    current = [page for page in pages if page.with_suffix("").as_posix() in docnames]
    return current, [page for page in pages if page not in current]


@functools.cache
def static_ids(path):
    """The ids (and names) in an HTML file as written: other pages' anchors."""
    found = re.findall(r'\s(?:id|name)="([^"]*)"', path.read_text(encoding="utf-8"))
    return set(map(html.unescape, found))


def check_references(site, page, found):
    """Links, images, scripts and stylesheets to missing files or anchors."""
    html_dir, base_url = site[:2]
    problems, own_ids = [], set(found["ids"])
    for ref in found["refs"]:
        value, url = ref["value"], urllib.parse.urlsplit(ref["url"] or "")
        if not value or f"{url.scheme}://{url.netloc}" != base_url:
            continue  # another site (no network here to check it), mailto:, ...
        target = html_dir / urllib.parse.unquote(url.path).lstrip("/")
        target = target / "index.html" if target.is_dir() else target
        if not target.is_file():
            problems.append(f"broken {ref['tag']} {value!r}: no file {target}")
        elif url.fragment and target.suffix == ".html":
            ids = own_ids if target == html_dir / page else static_ids(target)
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
    """Build-machine paths in a page: in its text, else in its markup."""
    # Highlighted outputs split a path into several <span>s: the text first.
    text = html.unescape(re.sub(r"<[^>]*>", "", markup))
    for label, pattern in patterns:
        where = text if pattern.search(text) else html.unescape(markup)
        if found := pattern.findall(where):
            match = pattern.search(where)
            context = " ".join(where[max(0, match.start() - 30) :][:130].split())
            yield f"{len(found)} build-machine path(s) ({label}): ...{context}..."


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


async def check_page(context, tabs, site, name):
    """Check one page in a tab of its own; return its problems and notes."""
    html_dir, base_url, shots, patterns = site
    markup = (html_dir / name).read_text(encoding="utf-8", errors="replace")
    if refresh := REFRESH.search(markup):  # the redirect page, index.html
        target = (html_dir / name).parent / urllib.parse.unquote(refresh[1])
        return ([] if target.is_file() else [f"redirects to a missing {target}"]), []
    problems, notes = list(check_paths(markup, patterns)), []
    url, shot = f"{base_url}/{name}", shots / name.removesuffix(".html")
    async with tabs:
        page = await context.new_page()
        watch(page, base_url, problems, notes)
        try:
            await page.goto(url)
            found = await page.evaluate("bookCheckPage()")
            problems += found["problems"] + check_references(site, name, found)
            await page.screenshot(path=f"{shot}.png", full_page=True)
            # A fresh load at 390 px, as a phone lays the page out; not mobile
            # emulation, which zooms out of a page that is too wide and hides it.
            await page.set_viewport_size(PHONE)
            await page.goto(url)
            problems += await page.evaluate("bookCheckPhone()")
            await page.screenshot(path=f"{shot}-phone.png")
        except PlaywrightError as error:
            problems.append(f"could not render: {error.message.splitlines()[0]}")
        finally:
            await page.close()
    return list(dict.fromkeys(problems)), notes


async def check_all(chromium, site, names):
    """Check the pages, TABS at a time; print what is wrong; count failures."""
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport=DESKTOP)
        context.set_default_timeout(60_000)  # ms: the machine may be busy
        await context.add_init_script(path=IN_PAGE)
        tabs = asyncio.Semaphore(TABS)
        checks = [check_page(context, tabs, site, name) for name in names]
        results = await asyncio.gather(*checks)
        await browser.close()
    for name, (problems, notes) in zip(names, results, strict=True):
        print(f"{'FAIL' if problems else 'ok':<5} {name}")
        for line in problems + [f"note: {note}" for note in notes]:
            print(f"      {line}")
    return sum(bool(problems) for problems, _ in results)


def check_book(html_dir, shots, chromium):
    if not (html_dir / "index.html").is_file():
        cannot_check(f"no built book in {html_dir}: run `make book` first")
    if not chromium.is_file():
        hint = "`make check-pages` installs Debian's chromium, or pass --chromium"
        cannot_check(f"no Chromium at {chromium}: {hint}")
    pages, stale = built_pages(html_dir)
    for page in stale:
        print(f"skip  {page.as_posix()} (not in the last build: a stale page?)")
    shutil.rmtree(shots, ignore_errors=True)  # Playwright makes the folders
    server = serve(html_dir)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    site = (html_dir, base_url, shots, machine_paths(html_dir))  # for check_page
    try:
        failures = asyncio.run(check_all(chromium, site, [p.as_posix() for p in pages]))
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
