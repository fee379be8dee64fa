# Two commands on a fresh Debian machine with Python 3.11:
#   make site   set up .venv (first time only) and build site/   (make serve: build and serve locally)
#   make test   set up .venv (first time only) and run the tests
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
AXE    := tests/.cache/axe-core/package/axe.min.js
AXE_VERSION := 4.14.1

.PHONY: site serve check test bench clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

site: $(VENV)/.installed
	$(PY) build.py --strict

serve: $(VENV)/.installed
	$(PY) build.py serve

check: $(VENV)/.installed
	$(PY) build.py check --strict

# axe-core (accessibility checks in the browser tests) comes from the npm registry, pinned.
$(AXE):
	mkdir -p tests/.cache/axe-core
	cd tests/.cache/axe-core && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && tar xzf axe-core-$(AXE_VERSION).tgz

test: $(VENV)/.installed $(AXE)
	$(PY) -m pytest

bench: $(VENV)/.installed
	$(PY) bench/bench_build.py

clean:
	rm -rf site $(VENV)
