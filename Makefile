# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_OUT ?= demo-output
# Real reference data beside the checkout (never committed); seeded when present.
SHARED_DATA ?= ../shared/data

.PHONY: demo test bench install seed clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

seed: $(STAMP)
	@if [ -d "$(SHARED_DATA)" ]; then \
		$(BIN)/s3stresstest data seed "$(SHARED_DATA)"; \
	else \
		echo "no $(SHARED_DATA): reference data not seeded (run: s3stresstest data pull)"; \
	fi

demo: seed
	$(BIN)/s3stresstest demo --out $(DEMO_OUT) --overwrite
	$(BIN)/s3stresstest report --results $(DEMO_OUT) --out $(DEMO_OUT)/reports --format html,pdf,docx --overwrite

test: seed
	$(BIN)/python -m pytest

bench: seed
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(DEMO_OUT) .pytest_cache .hypothesis

# A PostgreSQL 15 server for development (the tests start their own throwaway one).
# `make pg-start` prints the URLs to export; `make pg-stop` stops it and removes its files.
.PHONY: pg-start pg-stop
pg-start: $(STAMP)
	@$(BIN)/python tests/pg.py start
pg-stop:
	@$(BIN)/python tests/pg.py stop
