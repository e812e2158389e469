"""Render every page of the built book in headless Chromium and check it.

usage: python .ci/check_pages.py [HTML_DIR] [--screenshots DIR]

HTML_DIR defaults to _build/html and DIR to _build/screenshots. Each page is
served from a local HTTP server (127.0.0.1, a free port), loaded in Chromium,
given time to run its JavaScript (MathJax included), and then checked for what
a reader would trip on:

- a link, image, script or stylesheet that points to a file of the book that
  does not exist, or to an anchor (#name) that the target page does not have;
  an image that did not load; a request to the local server that failed;
- math that did not render: a math element without MathJax output, a MathJax
  error node (mjx-merror), or raw \\( \\[ $$ $...$ delimiters left in the text;
- a Python traceback, or a Cython compile error, in the output of a cell that
  is not tagged raises-exception (myst-nb gives the cell the class
  tag_raises-exception);
- an uncaught JavaScript error;
- at a phone's width (PHONE_VIEWPORT, 390 px), a page that scrolls sideways
  (document.documentElement.scrollWidth > innerWidth + 1): wide tables and
  outputs must scroll inside their own containers (book/_static/book.css);
  the check names the elements that stick out;
- an absolute path of the machine that built the book in the page's HTML
  (tracebacks and printed file names): the repository's folder, the
  virtual environment's, the Python installation's library folder, the
  home folder, /root/ and /tmp/ paths (see forbidden_paths).

Screenshots of every page go to DIR (PAGE-01.png, PAGE-02.png, ... from the
top, 3000 pixels each), and the top of the page at phone width to
PAGE-phone.png, for a person to look at.

Chromium is Debian's `chromium` package, driven through its DevTools protocol
over a pipe (--remote-debugging-pipe), so this script needs nothing beyond the
standard library. When Chromium is missing and this runs as root, it installs
it with apt-get. Exit status: 0 when every page passes, 1 when a page has a
problem, 2 when the pages cannot be checked (no build, no Chromium).
"""

import argparse
import base64
import functools
import html
import html.parser
import http.server
import json
import os
import re
import select
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

VIEWPORT = (1280, 900)
PHONE_VIEWPORT = (390, 844)  # an iPhone 12 to 15, in CSS pixels
SCREENSHOT_TILE = 3_000  # pixels: each PNG shows this much of the page
MAX_SCREENSHOT_HEIGHT = 60_000  # pixels; longer pages are cut there
PAGE_TIMEOUT = 60  # seconds to load and check one page
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-pipe",
    f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}",
]
SKIPPED_DIRS = {"_static", "_sources", "_images", "_downloads"}


class CannotCheck(Exception):
    """The pages cannot be checked at all; the message says what to do."""


# What runs in the page once it has loaded: waits for MathJax, then collects
# everything the checks need. Returns a JSON-able object.
PAGE_SCRIPT = r"""
(async () => {
  const withTimeout = (promise, ms) => Promise.race(
    [promise, new Promise(resolve => setTimeout(resolve, ms))]);
  const result = {};
  const mathNodes = [...document.querySelectorAll("span.math, div.math")];
  result.mathCount = mathNodes.length;
  result.mathjax = null;
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await withTimeout(MathJax.startup.promise, 20000);
    result.mathjax = MathJax.version || "unknown";
  }
  await withTimeout(document.fonts.ready, 5000);
  result.unrenderedMath = mathNodes
    .filter(node => !node.querySelector("mjx-container"))
    .map(node => node.textContent.trim().slice(0, 80));
  result.mathErrors = [...document.querySelectorAll("mjx-merror")]
    .map(node => (node.getAttribute("data-mjx-error") || node.textContent)
      .slice(0, 120));

  // Raw TeX delimiters left in the visible text (code and outputs excluded).
  const skip = "pre, code, script, style, textarea, mjx-container, " +
    ".highlight, .cell_output, .output";
  const raw = /\\\(|\\\)|\\\[|\\\]|\$\$|\$[^$\s](?:[^$]*[^$\s])?\$/;
  result.rawMath = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(skip)) continue;
    if (raw.test(node.textContent)) {
      result.rawMath.push(node.textContent.trim().slice(0, 80));
    }
  }

  // Outputs of cells: errors are allowed only in cells tagged raises-exception.
  const signs = ["Traceback (most recent call last)",
                 "Error compiling Cython file"];
  result.cellErrors = [];
  document.querySelectorAll("div.cell").forEach((cell, index) => {
    if (cell.classList.contains("tag_raises-exception")) return;
    const outputs = cell.querySelectorAll(".cell_output");
    for (const output of outputs) {
      const text = output.textContent;
      const sign = output.querySelector(".output.traceback")
        ? "a traceback output" : signs.find(s => text.includes(s));
      if (sign) {
        const source = cell.querySelector(".cell_input");
        const firstLine = source ? source.textContent.trim().split("\n")[0] : "";
        result.cellErrors.push({cell: index + 1, sign: sign, input: firstLine});
        break;
      }
    }
  });

  // Every reference to another resource, as written and as resolved.
  const attributes = [["a", "href"], ["img", "src"], ["link", "href"],
                      ["script", "src"], ["source", "src"], ["iframe", "src"]];
  result.refs = [];
  for (const [tag, attribute] of attributes) {
    document.querySelectorAll(`${tag}[${attribute}]`).forEach(element => {
      const value = element.getAttribute(attribute);
      let url = null;
      try { url = new URL(value, document.baseURI).href; } catch (e) {}
      result.refs.push({tag: tag, value: value, url: url});
    });
  }
  result.brokenImages = [...document.images]
    .filter(image => !image.complete || image.naturalWidth === 0)
    .map(image => image.getAttribute("src"));
  result.ids = [...document.querySelectorAll("[id]")].map(element => element.id)
    .concat([...document.querySelectorAll("a[name]")].map(a => a.name));
  result.height = Math.ceil(Math.max(document.documentElement.scrollHeight,
                                     document.body.scrollHeight));
  return result;
})()
"""


# Run at phone width: does the page scroll sideways, and which elements stick
# out of the window without a scrolling container of their own around them?
PHONE_SCRIPT = r"""
(() => {
  const width = Math.min(window.innerWidth,
                         document.documentElement.clientWidth || Infinity);
  const result = {innerWidth: width,
                  scrollWidth: document.documentElement.scrollWidth,
                  culprits: []};
  if (result.scrollWidth <= width + 1) return result;
  // An element inside a scrolling box, or inside a fixed one (the theme's
  // off-canvas drawers), does not make the page scroll.
  const scrolls = element => {
    for (let node = element.parentElement; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      const overflow = style.overflowX;
      if (overflow === "auto" || overflow === "scroll" || overflow === "hidden" ||
          style.position === "fixed") {
        return true;
      }
    }
    return getComputedStyle(element).position === "fixed";
  };
  const describe = element => element.tagName.toLowerCase() +
    (element.id ? "#" + element.id : "") +
    [...element.classList].slice(0, 3).map(name => "." + name).join("");
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1 || scrolls(element)) continue;
    // Report the outermost element that sticks out, not all its children.
    const parent = element.parentElement;
    if (parent && parent.getBoundingClientRect().right > width + 1 &&
        !scrolls(parent) && parent !== document.body) continue;
    const text = element.textContent.trim().replace(/\s+/g, " ").slice(0, 60);
    result.culprits.push(
      `${describe(element)} (${Math.round(box.right)} px wide: ${text})`);
    if (result.culprits.length >= 5) break;
  }
  return result;
})()
"""


# --- what to check -----------------------------------------------------------


def built_pages(html_dir):
    """The HTML pages of the last build, and the stale ones left from before.

    Sphinx does not delete the page of a chapter that left the table of
    contents; such a page is not in the search index's list of documents.
    """
    pages = []
    for path in sorted(html_dir.rglob("*.html")):
        relative = path.relative_to(html_dir)
        if not SKIPPED_DIRS.intersection(relative.parts[:-1]):
            pages.append(relative)
    docnames = current_docnames(html_dir)
    if docnames is None:
        return pages, []
    special = {"index.html", "genindex.html", "search.html", "py-modindex.html"}
    current = [
        page
        for page in pages
        if page.as_posix() in special or page.with_suffix("").as_posix() in docnames
    ]
    return current, [page for page in pages if page not in current]


def current_docnames(html_dir):
    """The documents of the last build, from searchindex.js (None if unknown)."""
    index = html_dir / "searchindex.js"
    if not index.is_file():
        return None
    text = index.read_text(encoding="utf-8").strip()
    prefix, suffix = "Search.setIndex(", ")"
    if not (text.startswith(prefix) and text.endswith(suffix)):
        return None
    try:
        return set(json.loads(text[len(prefix) : -len(suffix)])["docnames"])
    except (ValueError, KeyError):
        return None


class _Anchors(html.parser.HTMLParser):
    """The ids (and <a name>) of a static HTML file, and a meta refresh."""

    def __init__(self):
        super().__init__()
        self.ids = set()
        self.refresh = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "name" in attrs:
            self.ids.add(attrs["name"])
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            content = attrs.get("content") or ""
            _, _, target = content.partition("url=")
            self.refresh = target.strip() or None


@functools.cache
def parse_static(path):
    parser = _Anchors()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


def local_target(html_dir, base_url, url):
    """The file under html_dir that a same-origin URL names, or None."""
    parts = urllib.parse.urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != base_url:
        return None
    path = html_dir / urllib.parse.unquote(parts.path).lstrip("/")
    if path.is_dir():
        path = path / "index.html"
    return path


def check_references(html_dir, base_url, page, found, live_ids):
    problems = []
    for ref in found["refs"]:
        value, url = ref["value"], ref["url"]
        if not value or url is None:
            continue
        if url.split(":", 1)[0] in ("javascript", "mailto", "data", "tel"):
            continue
        target = local_target(html_dir, base_url, url)
        if target is None:
            continue  # another site: not checked (no network here)
        fragment = urllib.parse.urlsplit(url).fragment
        if not target.is_file():
            problems.append(f"broken {ref['tag']} {value!r}: no file {target}")
            continue
        if not fragment or target.suffix != ".html":
            continue
        fragment = urllib.parse.unquote(fragment)
        ids = live_ids if target == html_dir / page else parse_static(target).ids
        if fragment not in ids:
            problems.append(f"broken anchor {value!r}: no id {fragment!r} there")
    for src in found["brokenImages"]:
        problems.append(f"image did not load: {src!r}")
    return problems


def check_math(found):
    problems = []
    if found["mathCount"] and not found["mathjax"]:
        problems.append(
            f"{found['mathCount']} math elements but MathJax did not load "
            "(is mathjax_path pointing to a CDN?)"
        )
    elif found["unrenderedMath"]:
        shown = "; ".join(found["unrenderedMath"][:3])
        problems.append(f"{len(found['unrenderedMath'])} math not rendered: {shown}")
    for error in found["mathErrors"]:
        problems.append(f"MathJax error: {error}")
    raw = found["rawMath"]
    for text in raw[:5]:
        problems.append(f"raw TeX left in the text: {text!r}")
    if len(raw) > 5:
        problems.append(f"... and {len(raw) - 5} more texts with raw TeX")
    return problems


def forbidden_paths(html_dir):
    """Absolute paths of the build machine that a page must not show.

    Precise prefixes, each a whole path component followed by "/", so that
    prose about paths ("/tmp" alone, "site-packages/kernels/gaussian.pxd")
    does not trip the check.
    """
    html_dir = html_dir.resolve()
    prefixes = {
        "the repository": [html_dir.parents[1], Path.cwd()],
        "the virtual environment": [Path(sys.prefix)],
        "Python's standard library": [Path(sysconfig.get_paths()["stdlib"])],
        "the home folder": [Path.home()],
        "a /root/ path": [Path("/root")],
        "a /tmp/ path": [Path("/tmp"), Path(tempfile.gettempdir())],
    }
    patterns = []
    for label, paths in prefixes.items():
        names = sorted({str(path) for path in paths if len(path.parts) > 1})
        if names:
            alternatives = "|".join(re.escape(name) for name in names)
            pattern = rf"(?<![\w.~/-])(?:{alternatives})/[\w.~-]"
            if pattern not in {known.pattern for _, known in patterns}:
                patterns.append((label, re.compile(pattern)))
    return patterns


def check_paths(path, patterns):
    """Machine paths in one page: in its text, then in its markup."""
    markup = path.read_text(encoding="utf-8", errors="replace")
    # Highlighted outputs split a path into several <span>s: search the text.
    text = html.unescape(re.sub(r"<[^>]*>", "", markup))
    problems = []
    for label, pattern in patterns:
        for where in (text, html.unescape(markup)):
            matches = list(pattern.finditer(where))
            if matches:
                first = matches[0]
                context = where[max(0, first.start() - 30) : first.end() + 50]
                context = " ".join(context.split())
                problems.append(
                    f"{len(matches)} absolute path(s) of the build machine "
                    f"({label}), the first in: ...{context}..."
                )
                break
    return problems


def check_phone(found):
    if found["scrollWidth"] <= found["innerWidth"] + 1:
        return []
    problems = [
        f"at phone width ({found['innerWidth']} px) the page scrolls sideways: "
        f"it is {found['scrollWidth']} px wide"
    ]
    problems += [f"  sticks out: {culprit}" for culprit in found["culprits"]]
    return problems


def check_cells(found):
    return [
        f"cell {error['cell']} ({error['input']!r}) shows {error['sign']} "
        "but is not tagged raises-exception"
        for error in found["cellErrors"]
    ]


# --- serving the pages ---------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def serve(html_dir):
    handler = functools.partial(_QuietHandler, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# --- Chromium ------------------------------------------------------------------


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    install = "apt-get install -y chromium"
    if os.name == "posix" and os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"Chromium not found; installing it: {install}", flush=True)
        command = ["apt-get", "install", "-y", "chromium"]
        environment = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        if subprocess.run(command, env=environment).returncode != 0:
            # A fresh machine may have no package lists yet.
            subprocess.run(["apt-get", "update"], env=environment)
            subprocess.run(command, env=environment)
        path = shutil.which("chromium")
        if path:
            return path
        raise CannotCheck(
            f"Chromium could not be installed with `{install}`. Install Debian's "
            "chromium package (or put chromium on PATH), then run this again."
        )
    raise CannotCheck(
        "Chromium is needed to render the pages and was not found on PATH. "
        f"Install it (Debian/Ubuntu, as root: `{install}`), then run this again."
    )


class Browser:
    """Headless Chromium driven over the DevTools protocol on a pipe."""

    def __init__(self, executable, profile_dir, log):
        to_child_read, self._to_child = os.pipe()
        self._from_child, from_child_write = os.pipe()
        # Chromium reads commands on fd 3 and writes replies on fd 4; bash
        # puts the pipe ends there (no preexec_fn, which is unsafe with threads).
        script = f'exec "$@" 3<&{to_child_read} 4>&{from_child_write}'
        command = [executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile_dir}"]
        self.process = subprocess.Popen(
            [shutil.which("bash") or "/bin/bash", "-c", script, "bash", *command]
            + ["about:blank"],
            pass_fds=(to_child_read, from_child_write),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )
        os.close(to_child_read)
        os.close(from_child_write)
        self._buffer = b""
        self._next_id = 0
        self.events = []
        self.session = None

    def _read_message(self, deadline):
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._from_child], [], [], remaining)
            if ready:
                chunk = os.read(self._from_child, 1 << 20)
                if not chunk:
                    raise CannotCheck("Chromium exited unexpectedly")
                self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def call(self, method, params=None, timeout=PAGE_TIMEOUT, session=True):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, event, timeout=PAGE_TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            for message in self.events:
                if message.get("method") == event:
                    self.events.remove(message)
                    return message
            reply = self._read_message(deadline)
            if "method" in reply:
                self.events.append(reply)

    def open_tab(self):
        target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self.call(
            "Target.attachToTarget",
            {"targetId": target["targetId"], "flatten": True},
            session=False,
        )
        self.session = attached["sessionId"]
        for domain in ("Page", "Network", "Runtime"):
            self.call(f"{domain}.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": VIEWPORT[0],
                "height": VIEWPORT[1],
                "deviceScaleFactor": 1,
                "mobile": False,
            },
        )

    def close(self):
        try:
            self.call("Browser.close", timeout=10, session=False)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_child)
        os.close(self._from_child)


def render(browser, url, screenshot_stem):
    """Load url, run the checks in the page, save screenshots; return findings."""
    browser.events.clear()
    browser.call("Page.navigate", {"url": url})
    browser.wait_for("Page.loadEventFired")
    evaluated = browser.call(
        "Runtime.evaluate",
        {"expression": PAGE_SCRIPT, "awaitPromise": True, "returnByValue": True},
    )
    if "exceptionDetails" in evaluated:
        details = evaluated["exceptionDetails"]
        raise RuntimeError(f"the page check failed: {details.get('text')}")
    found = evaluated["result"]["value"]
    found["events"] = list(browser.events)
    found["screenshots"] = screenshots(browser, found["height"], screenshot_stem)
    found["phone"] = render_phone(browser, url, screenshot_stem)
    return found


def set_viewport(browser, size):
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": False},
    )


def render_phone(browser, url, stem):
    """Load url again at phone width; measure sideways scrolling, screenshot."""
    # mobile=False: with mobile emulation Chromium zooms out to fit a page
    # that is too wide (as a phone does), and innerWidth grows with it, so
    # the sideways scrolling would go unseen. A 390 px window lays the page
    # out with the same CSS (the theme's media queries look at the width).
    set_viewport(browser, PHONE_VIEWPORT)
    try:
        browser.events.clear()
        browser.call("Page.navigate", {"url": url})
        browser.wait_for("Page.loadEventFired")
        time.sleep(0.3)  # let the theme's scripts settle the layout
        evaluated = browser.call(
            "Runtime.evaluate",
            {"expression": PHONE_SCRIPT, "returnByValue": True},
        )
        if "exceptionDetails" in evaluated:
            details = evaluated["exceptionDetails"]
            raise RuntimeError(f"the phone check failed: {details.get('text')}")
        shot = browser.call("Page.captureScreenshot", {"format": "png"})
        stem.with_name(f"{stem.name}-phone.png").write_bytes(
            base64.b64decode(shot["data"])
        )
        return evaluated["result"]["value"]
    finally:
        browser.events.clear()
        set_viewport(browser, VIEWPORT)


def screenshots(browser, height, stem):
    """The whole page as PNG tiles of SCREENSHOT_TILE pixels, top to bottom.

    One tall capture (captureBeyondViewport) garbles long pages: the theme's
    layout reacts to the huge viewport. A tall viewport scrolled tile by tile
    shows the page as a reader's window would, the sticky header on each tile.
    """
    tile = min(SCREENSHOT_TILE, max(height, VIEWPORT[1]))
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        {"width": VIEWPORT[0], "height": tile, "deviceScaleFactor": 1, "mobile": False},
    )
    paths = []
    try:
        tops = range(0, min(height, MAX_SCREENSHOT_HEIGHT), tile)
        for number, top in enumerate(tops, start=1):
            scroll = f"window.scrollTo(0, {top})"
            browser.call("Runtime.evaluate", {"expression": scroll})
            time.sleep(0.2)  # let the theme redraw its sticky parts
            shot = browser.call("Page.captureScreenshot", {"format": "png"})
            path = stem.with_name(f"{stem.name}-{number:02d}.png")
            path.write_bytes(base64.b64decode(shot["data"]))
            paths.append(path)
    finally:
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": VIEWPORT[0],
                "height": VIEWPORT[1],
                "deviceScaleFactor": 1,
                "mobile": False,
            },
        )
    return paths


def check_events(base_url, events):
    """Failed requests to the book's server, JavaScript errors, outside requests."""
    problems, notes = [], []
    urls = {}
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Network.requestWillBeSent":
            urls[params["requestId"]] = params["request"]["url"]
        elif method == "Network.responseReceived":
            response = params["response"]
            if response["url"] == f"{base_url}/favicon.ico":
                continue  # asked for by the browser itself, not by the page
            if response["url"].startswith(base_url) and response["status"] >= 400:
                problems.append(f"HTTP {response['status']} for {response['url']}")
        elif method == "Network.loadingFailed":
            url = urls.get(params["requestId"], "?")
            if params.get("canceled"):
                continue
            if url.startswith(base_url):
                problems.append(f"failed to load {url}: {params.get('errorText')}")
            elif url.startswith("http"):
                notes.append(f"outside request failed (offline?): {url}")
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details["text"]
            problems.append(f"JavaScript error: {text.splitlines()[0]}")
    return problems, notes


# --- main ------------------------------------------------------------------------


def check_book(html_dir, screenshot_dir):
    if not html_dir.is_dir() or not (html_dir / "index.html").is_file():
        raise CannotCheck(
            f"No built book in {html_dir} (index.html is missing): "
            "run `make book` first."
        )
    pages, stale = built_pages(html_dir)
    for page in stale:
        print(f"skip  {page.as_posix()} (not in the last build: a stale page?)")
    chromium = find_chromium()
    if screenshot_dir.exists():
        shutil.rmtree(screenshot_dir)
    screenshot_dir.mkdir(parents=True)

    server = serve(html_dir)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    failures = 0
    with tempfile.TemporaryDirectory(prefix="check-pages-") as profile:
        log_path = Path(profile, "chromium.log")
        with open(log_path, "wb") as log:
            browser = Browser(chromium, Path(profile, "profile"), log)
            try:
                browser.open_tab()
                patterns = forbidden_paths(html_dir)
                for page in pages:
                    failures += check_page(
                        browser, html_dir, base_url, page, screenshot_dir, patterns
                    )
            except (TimeoutError, CannotCheck) as error:
                log.flush()
                tail = log_path.read_text(errors="replace")[-2000:]
                raise CannotCheck(f"{error}; Chromium's log ends:\n{tail}") from None
            finally:
                browser.close()
                server.shutdown()
    print(
        f"{len(pages)} pages checked, {failures} with problems; "
        f"screenshots in {screenshot_dir}"
    )
    return 1 if failures else 0


def check_page(browser, html_dir, base_url, page, screenshot_dir, patterns):
    name = page.as_posix()
    refresh = parse_static(html_dir / page).refresh
    if refresh:
        # A redirect page (the book's index.html): check where it points.
        target = (html_dir / page).parent / urllib.parse.unquote(refresh)
        if target.is_file():
            print(f"ok    {name} (redirects to {refresh})")
            return 0
        print(f"FAIL  {name}\n      redirects to a missing page: {refresh}")
        return 1
    stem = screenshot_dir / name.replace("/", "__")[: -len(".html")]
    try:
        found = render(browser, f"{base_url}/{name}", stem)
    except RuntimeError as error:
        print(f"FAIL  {name}\n      {error}")
        return 1
    problems, notes = check_events(base_url, found.pop("events"))
    problems += check_references(html_dir, base_url, page, found, set(found["ids"]))
    problems += check_math(found)
    problems += check_cells(found)
    problems += check_phone(found["phone"])
    problems += check_paths(html_dir / page, patterns)
    shots = found["screenshots"]
    summary = (
        f"{found['mathCount']} math, {len(found['refs'])} links, "
        f"{len(found['cellErrors'])} cell errors; {len(shots)} screenshot"
        f"{'s' if len(shots) != 1 else ''} {shots[0].name if shots else ''}"
    )
    print(f"{'FAIL' if problems else 'ok':<5} {name} ({summary})")
    for problem in problems:
        print(f"      {problem}")
    for note in notes:
        print(f"      note: {note}")
    return 1 if problems else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("html_dir", nargs="?", default="_build/html", type=Path)
    parser.add_argument(
        "--screenshots", default=Path("_build/screenshots"), type=Path, metavar="DIR"
    )
    args = parser.parse_args(argv)
    try:
        return check_book(args.html_dir.resolve(), args.screenshots.resolve())
    except CannotCheck as error:
        print(f"check_pages: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
