# Two commands on a fresh Debian machine with Python 3.11:
#   make site   set up .venv (first time only) and build site/   (make serve: build and serve locally)
#   make test   set up .venv (first time only) and run the tests
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
AXE    := tests/.cache/axe-core/package/axe.min.js
AXE_VERSION := 4.14.1

.PHONY: site serve check test bench zensical clean

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
	$(PY) bench/bench_pages.py

# Second, non-blocking check: the same pages built with Zensical, Material's successor (own venv).
ZENSICAL_VENV := .venv-zensical
zensical: $(VENV)/.installed
	test -x $(ZENSICAL_VENV)/bin/zensical || ($(PYTHON) -m venv $(ZENSICAL_VENV) && $(ZENSICAL_VENV)/bin/pip install --quiet zensical==0.0.73)
	$(PY) tests/zensical_check.py .build-zensical $(CURDIR)/$(ZENSICAL_VENV)/bin/zensical

clean:
	rm -rf site $(VENV) $(ZENSICAL_VENV) .build-zensical tests/.cache
