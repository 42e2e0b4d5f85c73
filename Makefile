# Quick start: `make app` serves the organisers' app on the built-in example (http://localhost:8501);
# `make demo` solves the example on the command line; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install app demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

app: $(STAMP)
	$(VENV)/bin/streamlit run app.py --server.headless true --server.port 8501 --browser.gatherUsageStats false

demo: $(STAMP)
	$(VENV)/bin/planner solve data/heroes-halmstad-2025.xlsx --out out

test: $(STAMP)
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check planner tests benchmarks app.py app_pages

bench: $(STAMP)
	$(PY) benchmarks/scale.py

clean:
	rm -rf out .pytest_cache
