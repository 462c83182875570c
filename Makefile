# One command to start the dashboard, one to run every test; each builds the environment it needs on first use:
#   .venv         the guide's runtime (make dashboard, lab, workshop); make test adds the test extra to it
#   .venv-static  the static edition's build (make static): .venv's packages plus the static extra, whose JupyterLite
#                 front end stays out of .venv (JupyterLab there would load it on every page: "Shared module
#                 @jupyterlite/services doesn't exist")
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STATIC_VENV := .venv-static
STATIC_PY := $(STATIC_VENV)/bin/python
TEMPLATE := $(wildcard share/jupyter/voila/templates/stepguide/* share/jupyter/voila/templates/stepguide/static/*)
RUNTIME := $(VENV)/.runtime
TESTING := $(VENV)/.test
STATIC_ENV := $(STATIC_VENV)/.installed
# what the static build installs, once only in .venv-static (older clones had it in .venv)
STATIC_ONLY := voici-core jupyterlite-core jupyterlite-pyodide-kernel pyodide-lock

.PHONY: install install-test install-static dashboard workshop lab lint test test-fast bench bench-load chromium haproxy clean screenshot static static-serve

$(RUNTIME): pyproject.toml $(TEMPLATE)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	-$(PY) -m pip uninstall -q -y $(STATIC_ONLY) 2>/dev/null
	touch $(RUNTIME)

$(TESTING): $(RUNTIME)
	$(PY) -m pip install -q -e ".[test]"
	touch $(TESTING)

# .venv-static reaches .venv's packages through a .pth line and installs only the static extra's own (a full second
# environment would cost CI minutes): what it adds, JupyterLite's front end included, stays out of .venv.
$(STATIC_ENV): $(RUNTIME)
	test -x $(STATIC_PY) || $(PYTHON) -m venv $(STATIC_VENV)
	$(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' > \
	  "$$($(STATIC_PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/stepguide-runtime.pth"
	$(STATIC_PY) -c 'import subprocess, sys, tomllib; extra = tomllib.load(open("pyproject.toml", "rb"))'\
	'["project"]["optional-dependencies"]["static"]; subprocess.run([sys.executable, "-m", "pip", "install", "-q", *extra], check=True)'
	touch $(STATIC_ENV)

## make install: the runtime only (.venv); install-test adds the test extra, install-static builds .venv-static
install: $(RUNTIME)
install-test: $(TESTING)
install-static: $(STATIC_ENV)

## make dashboard: start the Voila dashboard on http://127.0.0.1:8866 (PORT=... to change; NOTEBOOK=presenter,
## 02_timing ... for another page): the `stepguide dashboard` command, run from this clone
dashboard: $(RUNTIME)
	$(PY) -m stepguide.serve.cli dashboard $(if $(NOTEBOOK),--notebook $(NOTEBOOK))

## make workshop: serve a room on its network: ROOM=60 people, WORKERS=cores, PORT=8866, CAP=kernels (default: memory)
workshop: $(RUNTIME) haproxy
	$(PY) -m stepguide.serve.workshop

## make lab: open the guide's chapters in JupyterLab on 127.0.0.1:8888 (PORT=... to change; --allow-root as root)
lab: $(RUNTIME)
	$(PY) -m stepguide.serve.cli lab $(if $(PORT),--port=$(PORT))

SITE ?= _site

## make static: build the in-browser edition into _site/ (Pyodide from npm, wheels from PyPI; needs npm)
static: $(STATIC_ENV)
	$(STATIC_PY) deploy/static/build_site.py --out $(SITE)

## make static-serve: serve _site/ on http://127.0.0.1:8000 (PORT=... to change); builds it first if missing
static-serve:
	test -f $(SITE)/index.html || $(MAKE) static
	@echo "The static edition: http://127.0.0.1:$(or $(PORT),8000)/ (Ctrl-C stops it)"
	$(PYTHON) -m http.server $(or $(PORT),8000) --bind 127.0.0.1 --directory $(SITE)

chromium:
	@[ -x "$${CHROMIUM:-/usr/bin/chromium}" ] || command -v chromium >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	    else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; \
	  else echo "Chromium not found: install it (e.g. brew install --cask chromium) and set CHROMIUM=/path/to/it;" \
	    "until then the browser tests are skipped"; fi; }

haproxy:
	@command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's haproxy (the load balancer of make workshop and its tests)"; \
	    if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy; \
	    else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy; fi; \
	  else echo "haproxy not found (e.g. brew install haproxy): make workshop will use one worker"; fi; }

## make lint: ruff (style, imports, likely bugs) and mypy (types; strict on stepguide/rules), as configured in pyproject.toml
lint: $(TESTING)
	$(PY) -m ruff check .
	$(PY) -m mypy

## make test: install what the tests need (.venv with the test extra, .venv-static for the static edition's tests),
## check the code (make lint), then run unit, notebook (nbval) and browser tests
test: $(TESTING) $(STATIC_ENV) chromium haproxy lint
	$(PY) -m pytest -q -p no:cacheprovider -n 2 --dist loadfile --nbval-lax tests notebooks

## make test-fast: make lint and everything but the browser tests
test-fast: $(TESTING) lint
	$(PY) -m pytest -q -m "not browser" --nbval-lax tests notebooks

bench: $(TESTING) $(STATIC_ENV) chromium
	$(PY) benchmarks/bench_update.py
	$(PY) benchmarks/bench_plotly_view.py
	$(PY) benchmarks/bench_page.py --notebook notebooks/dashboard.ipynb
	$(PY) benchmarks/bench_engine.py
	$(PY) benchmarks/bench_cohort.py
	$(PY) benchmarks/bench_static.py

## make screenshot: rewrite the README's pictures (docs/*.png) from the real page
screenshot: $(TESTING) chromium
	$(PY) scripts/screenshot.py

## make bench-load: a room of 30, then 60, arriving within 10 s (benchmarks/README.md)
bench-load: $(TESTING) haproxy
	$(PY) benchmarks/bench_load.py --users 30 60 --spread 10

clean:
	rm -rf $(VENV) $(STATIC_VENV) .pytest_cache .hypothesis .ruff_cache .mypy_cache _site
