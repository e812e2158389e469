// The checks that run inside each page of the book, for .ci/check_pages.py.
// Playwright runs this file in every page before the page's own scripts
// (add_init_script); the checker then calls window.bookCheckPage() and
// window.bookCheckPhone(). Each returns the problems it found, as sentences;
// bookCheckPage also returns the page's references and ids, which the checker
// compares with the files of the build.

// Resolves when MathJax has typeset the page and its fonts have loaded (or
// after 20 s and 5 s: a page whose math never renders still gets checked).
async function bookSettled() {
  const withTimeout = (promise, ms) =>
    Promise.race([promise, new Promise((resolve) => setTimeout(resolve, ms))]);
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await withTimeout(MathJax.startup.promise, 20000);
  }
  await withTimeout(document.fonts.ready, 5000);
}

// Math that did not render: a math element without MathJax output, a MathJax
// error node, or raw \( \[ $$ $...$ delimiters left in the text.
function mathProblems() {
  const nodes = [...document.querySelectorAll("span.math, div.math")];
  if (nodes.length && !(window.MathJax && MathJax.startup)) {
    return [`${nodes.length} math elements but MathJax did not load ` +
            "(is mathjax_path pointing to a CDN?)"];
  }
  const problems = [...document.querySelectorAll("mjx-merror")].map((node) =>
    "MathJax error: " + (node.getAttribute("data-mjx-error") || node.textContent));
  const unrendered = nodes.filter((node) => !node.querySelector("mjx-container"))
    .map((node) => node.textContent.trim().slice(0, 80));
  if (unrendered.length) {
    problems.push(`${unrendered.length} math not rendered: ` +
                  unrendered.slice(0, 3).join("; "));
  }
  // Code and outputs may show TeX; the prose may not.
  const skip = "pre, code, script, style, textarea, mjx-container, " +
    ".highlight, .cell_output, .output";
  const raw = /\\\(|\\\)|\\\[|\\\]|\$\$|\$[^$\s](?:[^$]*[^$\s])?\$/;
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent && !parent.closest(skip) && raw.test(node.textContent)) {
      texts.push(`raw TeX left in the text: "${node.textContent.trim().slice(0, 80)}"`);
    }
  }
  if (texts.length > 5) texts.splice(5, Infinity, `... and ${texts.length - 5} more`);
  return problems.concat(texts);
}

// What the reader sees of each cell's output: a traceback or a Cython compile
// error only in a cell tagged raises-exception (myst-nb's class
// tag_raises-exception).
function cellProblems() {
  const signs = ["Traceback (most recent call last)", "Error compiling Cython file"];
  const problems = [];
  document.querySelectorAll("div.cell").forEach((cell, index) => {
    if (cell.classList.contains("tag_raises-exception")) return;
    for (const output of cell.querySelectorAll(".cell_output")) {
      const sign = output.querySelector(".output.traceback")
        ? "a traceback output"
        : signs.find((s) => output.textContent.includes(s));
      if (sign) {
        const source = cell.querySelector(".cell_input");
        const input = source ? source.textContent.trim().split("\n")[0] : "";
        problems.push(`cell ${index + 1} ("${input}") shows ${sign} ` +
                      "but is not tagged raises-exception");
        break;
      }
    }
  });
  return problems;
}

// At the desktop width: math, cell outputs and images; and every reference
// to another file (as written and as resolved) and every id, for the checker.
async function bookCheckPage() {
  await bookSettled();
  const problems = [...mathProblems(), ...cellProblems()];
  for (const image of document.images) {
    if (!image.complete || image.naturalWidth === 0) {
      problems.push(`image did not load: ${image.getAttribute("src")}`);
    }
  }
  const attributes = [["a", "href"], ["img", "src"], ["link", "href"],
                      ["script", "src"], ["source", "src"], ["iframe", "src"]];
  const refs = [];
  for (const [tag, attribute] of attributes) {
    document.querySelectorAll(`${tag}[${attribute}]`).forEach((element) => {
      const value = element.getAttribute(attribute);
      let url = null;
      try { url = new URL(value, document.baseURI).href; } catch (error) {}
      refs.push({ tag, value, url });
    });
  }
  const ids = [...document.querySelectorAll("[id]")].map((element) => element.id)
    .concat([...document.querySelectorAll("a[name]")].map((a) => a.name));
  return { problems, refs, ids };
}

// At a phone's width: does the page scroll sideways, and which elements stick
// out of the window without a scrolling box of their own around them?
async function bookCheckPhone() {
  await bookSettled();
  const width = Math.min(window.innerWidth,
                         document.documentElement.clientWidth || Infinity);
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= width + 1) return [];
  const problems = [`at phone width (${width} px) the page scrolls sideways: ` +
                    `it is ${scrollWidth} px wide`];
  // An element inside a scrolling box, or inside a fixed one (the theme's
  // off-canvas drawers), does not make the page scroll.
  const contained = (element) => {
    if (getComputedStyle(element).position === "fixed") return true;
    for (let node = element.parentElement; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (["auto", "scroll", "hidden"].includes(style.overflowX) ||
          style.position === "fixed") {
        return true;
      }
    }
    return false;
  };
  const sticksOut = (element) =>
    element.getBoundingClientRect().right > width + 1 && !contained(element);
  const describe = (element) => element.tagName.toLowerCase() +
    (element.id ? "#" + element.id : "") +
    [...element.classList].slice(0, 3).map((name) => "." + name).join("");
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || !sticksOut(element)) continue;
    // Name the outermost element that sticks out, not all its children.
    const parent = element.parentElement;
    if (parent && parent !== document.body && sticksOut(parent)) continue;
    const text = element.textContent.trim().replace(/\s+/g, " ").slice(0, 60);
    problems.push(`  sticks out: ${describe(element)} ` +
                  `(${Math.round(box.right)} px wide: ${text})`);
    if (problems.length > 5) break;
  }
  return problems;
}

Object.assign(window, { bookCheckPage, bookCheckPhone });
