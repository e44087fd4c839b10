# Two commands on a fresh machine: `make demo` and `make test`.
# Debian packages come from scripts/install-system-packages (a no-op when all are present);
# Python packages from requirements.lock (exact versions) into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
DEMO_OUT ?= demo-output
# the demo plan starts with the synthetic example programmes (2027-28), so its joint calls stay plannable
DEMO_PLAN_START ?= 2027-01
# Real reference data beside the checkout (never committed); seeded when present.
SHARED_DATA ?= ../shared/data
# What `make test-fast` leaves out (markers registered in pyproject.toml).
FAST := not postgres and not browser and not slow

.PHONY: demo test test-fast lint bench install system-packages seed lock clean

system-packages:
	@PYTHON="$(PYTHON)" scripts/install-system-packages

# Installs the lock, then the project without resolving anything, then removes packages the
# lock no longer lists (so nothing works here that would not work on a fresh machine).
$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/python -m s3stresstest.i18n compile
	$(BIN)/pip freeze --exclude-editable | grep -v -x -F -f $(LOCK) | sed 's/[=@ ].*//' \
		| xargs -r $(BIN)/pip uninstall --quiet -y
	touch $(STAMP)

install: $(STAMP)

seed: $(STAMP)
	@if [ -d "$(SHARED_DATA)" ]; then \
		$(BIN)/s3stresstest data seed "$(SHARED_DATA)"; \
	else \
		echo "no $(SHARED_DATA): reference data not seeded (run: s3stresstest data pull)"; \
	fi

# The 11 territories of S3-4AlpClusters in the demo run, for the steps from findings to action.
ALPINE := ITC1,ITC4,ITH2,ITH3,SI,AT31,AT32,DE2,DE1,FRC2,CH022

demo: system-packages seed
	$(BIN)/s3stresstest demo --out $(DEMO_OUT) --overwrite
	$(BIN)/s3stresstest report --results $(DEMO_OUT) --out $(DEMO_OUT)/reports --format html,pdf,docx --overwrite
	$(BIN)/s3stresstest topics --results $(DEMO_OUT) --territories $(ALPINE) --out $(DEMO_OUT)/action/topics --overwrite
	rm -f $(DEMO_OUT)/action/plan.yaml
	$(BIN)/s3stresstest plan new --results $(DEMO_OUT) --territories $(ALPINE) --start $(DEMO_PLAN_START) --out $(DEMO_OUT)/action/plan.yaml
	$(BIN)/s3stresstest calls plan --plan $(DEMO_OUT)/action/plan.yaml --out $(DEMO_OUT)/action/calls --overwrite
	$(BIN)/s3stresstest plan build --actions $(DEMO_OUT)/action/plan.yaml --calls $(DEMO_OUT)/action/calls \
		--out $(DEMO_OUT)/action/plan --overwrite --language en --language de --language fr --language it --language sl
	$(BIN)/s3stresstest pilots demo --out $(DEMO_OUT)/action/pilots --format html,pdf --overwrite

# Static checks (ruff lint + format check, mypy), then every test.
test: system-packages seed lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	scripts/lint

# The quick loop: no PostgreSQL server, no Chromium, no test marked slow.
test-fast: system-packages seed
	$(BIN)/python -m pytest -m "$(FAST)"

bench: system-packages seed
	$(BIN)/python bench/run.py

# Re-resolve requirements.lock from pyproject.toml's ranges in a clean throwaway venv (newest
# versions that fit); run the tests before committing the result.
lock:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(PYTHON) -m venv "$$tmp/venv" && \
	"$$tmp/venv/bin/pip" install --quiet --upgrade pip && \
	"$$tmp/venv/bin/pip" install --quiet -e '.[test]' && \
	grep '^#' $(LOCK) > "$$tmp/lock" && \
	"$$tmp/venv/bin/pip" freeze --exclude-editable >> "$$tmp/lock" && \
	mv "$$tmp/lock" $(LOCK) && echo "$(LOCK): $$(grep -c '==' $(LOCK)) packages"

clean:
	rm -rf $(VENV) $(DEMO_OUT) .pytest_cache .hypothesis

# A PostgreSQL 15 server for development (the tests start their own throwaway one).
# `make pg-start` prints the URLs to export; `make pg-stop` stops it and removes its files.
.PHONY: pg-start pg-stop
pg-start: system-packages $(STAMP)
	@$(BIN)/python tests/pg.py start
pg-stop:
	@$(BIN)/python tests/pg.py stop
