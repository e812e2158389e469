# Set-up is two commands, each enough on its own on a fresh machine:
#   make book   - build the book into _build/html (executes every chapter)
#   make test   - run the tests
# Both create .venv when it is missing and install what they need from
# pyproject.toml; later runs redo only what changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# meson-python runs `meson` and `ninja` from PATH when it builds without
# isolation, so the venv's bin goes first.
export PATH := $(CURDIR)/$(BIN):$(PATH)
# uv (from PyPI, installed into each venv by its pip) installs everything
# else: the same packages as pip, faster (the build and book groups into a new
# venv from a warm cache: 14 s against pip's 46 s, measured on the 2-core CI
# machine in 2026-11). `uv pip install --group` reads the
# dependency groups of pyproject.toml. --compile-bytecode: pip writes every
# module's .pyc when it installs, uv only when asked; without them, where
# Python may not write them later (PYTHONDONTWRITEBYTECODE, as on CI here),
# every kernel compiles SciPy's, Matplotlib's and IPython's modules again
# when it imports them: 5 s instead of 2 s, for each chapter.
UV_VERSION := uv>=0.8,<1
UV = $(1)/bin/uv pip install --quiet --compile-bytecode --python $(1)/bin/python

KERNELS_SOURCES := pyproject.toml meson.build \
	$(wildcard kernels/*.py kernels/*.pyx kernels/*.pxd kernels/*.c kernels/bench/*.py)
CHAPTERS := $(wildcard book/*.md)
# The pages with a jupytext header are notebooks; the others (glossary,
# references) are plain MyST pages with no code.
NOTEBOOK_CHAPTERS = $(shell grep -l '^jupytext:' $(CHAPTERS))
NOTEBOOK_DIR := _build/notebooks
# Sphinx warnings are errors, references are checked, and every problem is
# reported before the build fails. CI (.ci/run) builds with these flags; an
# environment variable cannot change them, only `make book JB_FLAGS=...`.
JB_FLAGS := -W -n --keep-going

.PHONY: help book test test-oldest test-asan bench notebooks check-notebooks check-pages chromium words lint format install clean
.DELETE_ON_ERROR:

# A bare `make` lists the targets and builds nothing.
.DEFAULT_GOAL := help
help:
	@echo "make book             build the book into _build/html (executes every chapter)"
	@echo "make test             run the tests of the kernels package"
	@echo "make test-oldest      the tests again, with every lower bound of pyproject.toml pinned"
	@echo "make test-asan        the tests again, kernels built with AddressSanitizer and UBSan"
	@echo "make lint             ruff, cython-lint and the claims check of the chapters"
	@echo "make format           let ruff fix what it can"
	@echo "make bench            time every path on the same integrals (a few minutes)"
	@echo "make notebooks        write each chapter's .ipynb into $(NOTEBOOK_DIR)"
	@echo "make check-notebooks  run every notebook without its hidden cells in a fresh kernel"
	@echo "make check-pages      render every built page in headless Chromium and check it"
	@echo "make words            count the prose words of each built page"
	@echo "make install          compile and install kernels into $(VENV)"
	@echo "make clean            remove _build"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(BIN)/uv: | $(BIN)/python
	$(BIN)/python -m pip --quiet --disable-pip-version-check install "$(UV_VERSION)"

# One stamp per dependency group of pyproject.toml.
$(VENV)/.group-%: pyproject.toml | $(BIN)/uv
	$(call UV,$(VENV)) --group $*
	@touch $@

# A regular (not editable) install: `cimport kernels.gaussian` from a
# %%cython cell finds the installed .pxd files, which meson-python's editable
# installs do not provide (cython/cython#7326, open; scikit-build-core#516
# added a workaround on its side).
# --reinstall-package: uv would otherwise reuse the wheel it built from this
# folder before, whatever changed in kernels/ since.
$(VENV)/.kernels: $(KERNELS_SOURCES) $(VENV)/.group-build
	$(call UV,$(VENV)) --no-build-isolation --reinstall-package kernels .
	@touch $@

install: $(VENV)/.kernels

test: $(VENV)/.kernels $(VENV)/.group-test
	$(BIN)/pytest

# The oldest versions pyproject.toml allows: every lower bound of the build
# requirements, the dependencies and the build and test groups pinned with ==
# (tests/oldest_pins.py), in a venv of its own, where kernels is built and the
# tests run (numpy 2.0.0, scipy 1.15.0, Cython 3.1.0, meson-python 0.17.1...).
OLDEST := .venv-oldest
test-oldest: $(OLDEST)/.kernels
	$(OLDEST)/bin/pytest -p no:cacheprovider

$(OLDEST)/bin/uv:
	$(PYTHON) -m venv $(OLDEST)
	$(OLDEST)/bin/python -m pip --quiet --disable-pip-version-check install "$(UV_VERSION)"

$(OLDEST)/.pins: pyproject.toml tests/oldest_pins.py | $(OLDEST)/bin/uv
	$(OLDEST)/bin/python tests/oldest_pins.py > $(OLDEST)/requirements.txt
	$(call UV,$(OLDEST)) -r $(OLDEST)/requirements.txt
	@touch $@

# PATH: this venv's meson and ninja, not .venv's.
$(OLDEST)/.kernels: $(KERNELS_SOURCES) $(OLDEST)/.pins
	PATH="$(CURDIR)/$(OLDEST)/bin:$$PATH" \
		$(call UV,$(OLDEST)) --no-build-isolation --reinstall-package kernels .
	@touch $@

# The tests again with kernels built under AddressSanitizer and
# UndefinedBehaviorSanitizer (meson's b_sanitize, passed through
# meson-python's setup-args), in a venv of its own. A heap overflow in a
# callback then stops the test with ASan's report instead of passing unseen
# (in a forked child it may not even crash). The ASan runtime must be the
# first library loaded, so it is preloaded into Python; detect_leaks=0,
# because CPython keeps allocations alive at exit that are not leaks.
# Python and NumPy are not instrumented: ASan checks the memory that the
# kernels' own code touches; PYTHONMALLOC=malloc sends PyMem_Malloc, which
# allocates the kernels' blocks, to the malloc that ASan watches (CPython's
# own small-block allocator would hide an overflow inside its arenas).
# Tests that compile code of their own (%%cython cells, a wheel) are left out
# here: the preloaded runtime would go into every compiler process they
# start, and what they build is not instrumented anyway.
ASAN := .venv-asan
ASAN_RUNTIME = $(shell $(CC) -print-file-name=libasan.so)
ASAN_ENV = PYTHONMALLOC=malloc ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:handle_segv=0 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	LD_PRELOAD=$(ASAN_RUNTIME)
# test_memory.py is left out too: ASan keeps freed blocks in quarantine and
# adds its own shadow memory, so resident memory grows without a leak.
ASAN_SKIP := tests/test_cython_cell.py tests/test_template.py tests/test_packaging.py \
	tests/test_includes.py tests/test_check_claims.py tests/test_memory.py
# --capture=sys: pytest captures Python's sys.stderr only, so ASan's report,
# which the C runtime writes to file descriptor 2, is shown even when it
# aborts the process. Then the tests that run kernels in child processes
# (where a crash could pass unseen) again on the regular build, under
# CPython's debug allocator, which aborts on a write past a block's end.
CRASH_TESTS = $(shell grep -l run_forked tests/test_*.py)
test-asan: $(ASAN)/.kernels $(VENV)/.kernels $(VENV)/.group-test
	$(ASAN_ENV) $(ASAN)/bin/pytest -p no:cacheprovider -q --capture=sys \
		$(addprefix --ignore=,$(ASAN_SKIP))
	PYTHONMALLOC=debug $(BIN)/pytest -p no:cacheprovider -q $(CRASH_TESTS)

$(ASAN)/bin/uv:
	$(PYTHON) -m venv $(ASAN)
	$(ASAN)/bin/python -m pip --quiet --disable-pip-version-check install "$(UV_VERSION)"

$(ASAN)/.groups: pyproject.toml | $(ASAN)/bin/uv
	$(call UV,$(ASAN)) --group build --group test
	@touch $@

$(ASAN)/.kernels: $(KERNELS_SOURCES) $(ASAN)/.groups
	PATH="$(CURDIR)/$(ASAN)/bin:$$PATH" \
		$(call UV,$(ASAN)) --no-build-isolation --reinstall-package kernels \
		-C setup-args=-Db_sanitize=address,undefined .
	@touch $@

# Every path to the same integrals, timed in one process (kernels/bench/):
# prints a table and the targets, and writes _build/bench/bench-<time>.json.
# numba comes from the bench group, which no chapter needs. Not part of
# `make test`: no test asserts a time. Smaller runs: BENCH_ARGS="--sweep 2000".
# -P: the project's root, where kernels/ holds only sources, stays off sys.path.
BENCH_ARGS ?=
bench: $(VENV)/.kernels $(VENV)/.group-bench
	$(BIN)/python -P -m kernels.bench --output-dir _build/bench $(BENCH_ARGS)

# Each chapter's notebook, converted one way by jupytext: the Markdown in
# book/ is the only source, and this never rewrites it. (The pairing in
# [tool.jupytext] is for readers who edit a notebook and want the .md back.)
notebooks: $(VENV)/.group-book $(VENV)/.kernels
	mkdir -p $(NOTEBOOK_DIR)
	for chapter in $(NOTEBOOK_CHAPTERS); do \
		$(BIN)/jupytext --quiet --to ipynb \
			--output $(NOTEBOOK_DIR)/$$(basename $$chapter .md).ipynb \
			$$chapter || exit 1; \
	done
	@echo "Notebooks: $(CURDIR)/$(NOTEBOOK_DIR)"

book: _build/html/index.html
	@echo "Book: $(CURDIR)/_build/html/index.html"

# An incremental build re-executes only the chapters that changed; when the
# kernels or the configuration changed, every chapter is built again.
BOOK_EXTENSIONS := $(wildcard book/_ext/*.py)
# The book's CSS: Sphinx copies static files only when it writes pages, so a
# change here rebuilds every page.
BOOK_STATIC := $(wildcard book/_static/*)
# %%cython caches each compiled cell by its text alone, in
# $XDG_CACHE_HOME/ipython/cython: a cell that cimports kernels would load a
# module built against the old .pxd files after kernels changed. The book's
# cells get a cache of their own, emptied whenever kernels is reinstalled.
CELL_CACHE := $(CURDIR)/_build/cell-cache
$(CELL_CACHE)/.kernels: $(VENV)/.kernels
	rm -rf $(CELL_CACHE) && mkdir -p $(CELL_CACHE) && touch $@

# Jupyter Book writes the redirect page index.html only once, so it is
# stamped afterwards with the time the build started: a source edited during
# the build still counts as newer.
_build/html/index.html: $(CHAPTERS) book/references.bib _config.yml _toc.yml \
		$(BOOK_EXTENSIONS) $(BOOK_STATIC) $(VENV)/.kernels $(VENV)/.group-book \
		$(CELL_CACHE)/.kernels
	mkdir -p _build && touch _build/.book-started
	XDG_CACHE_HOME=$(CELL_CACHE) $(BIN)/jupyter-book build . $(JB_FLAGS) \
		$(if $(filter $(VENV)/.kernels _config.yml _toc.yml $(BOOK_EXTENSIONS) $(BOOK_STATIC),$?),--all)
	touch -r _build/.book-started $@

# Run every generated notebook top to bottom in a fresh kernel, as a reader
# who copies only what a page shows would: without the cells the page hides
# (remove-cell: the install check, the guards, glue plumbing;
# .ci/strip_hidden.py), so shown code that needs a hidden cell fails with a
# NameError. The full notebooks run in the book's own build. Then check the
# outputs of both executions for errors that do not stop a notebook.
check-notebooks: notebooks $(VENV)/.kernels $(CELL_CACHE)/.kernels
	rm -rf $(NOTEBOOK_DIR)/visible && mkdir -p $(NOTEBOOK_DIR)/visible
	cd $(NOTEBOOK_DIR) && for notebook in *.ipynb; do \
		$(CURDIR)/$(BIN)/python $(CURDIR)/.ci/strip_hidden.py \
			"$$notebook" "visible/$$notebook" || exit 1; \
		XDG_CACHE_HOME=$(CELL_CACHE) \
		$(CURDIR)/$(BIN)/jupyter execute --timeout=900 --inplace \
			"visible/$$notebook" || exit 1; \
	done
	$(BIN)/python .ci/check_outputs.py $(NOTEBOOK_DIR)/visible/*.ipynb \
		$(wildcard $(NOTEBOOK_CHAPTERS:%.md=_build/jupyter_execute/%.ipynb))

# Render every page of the built book in headless Chromium, at a desktop and
# at a phone's width, and fail on broken links, images or anchors, math that
# did not render, error output in cells not tagged raises-exception,
# JavaScript errors, sideways scrolling on a phone and paths of the build
# machine in a page (.ci/check_pages.py; what runs in the page is in
# .ci/check_pages.js). Screenshots go to _build/screenshots/.
check-pages: book $(VENV)/.group-pages chromium
	$(BIN)/python .ci/check_pages.py _build/html --screenshots _build/screenshots \
		--chromium $(CHROMIUM)

# Debian's Chromium, which the page check drives through Playwright (the pages
# group; `playwright install` and its browser download are never needed).
# When it is missing, root gets it from apt-get; anyone else is told.
CHROMIUM := /usr/bin/chromium
chromium:
	@test -x $(CHROMIUM) || if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }; \
	else \
		echo "No Chromium at $(CHROMIUM): install Debian's chromium package" \
			"(as root: apt-get install chromium), or pass CHROMIUM=/path/to/chromium." >&2; \
		exit 1; \
	fi

# The prose words of each built page (code, outputs and math left out):
# the measure of the book's length (.ci/count_words.py).
words: book
	$(BIN)/python .ci/count_words.py _build/html

# .ci/check_claims.py: a sentence that glues a value and states a direction
# ("faster", "falls", "within", "%", ...) needs a `# guard:` cell or a glued
# verdict (README.md, "Conventions for chapters"). Standard library only.
lint: $(VENV)/.group-lint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/cython-lint kernels
	$(BIN)/python .ci/check_claims.py

# Fix what the linters can fix by themselves.
format: $(VENV)/.group-lint
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf _build build
