# The README's two commands: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# make test runs the test modules on this many pytest-xdist workers (a module on one worker; each worker its own
# PostgreSQL server, dbt target folder and Dagster home: tests/pytest/conftest.py). One per core by default.
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
export DBT_PROFILES_DIR := $(CURDIR)
export DAGSTER_HOME := $(CURDIR)/.dagster_home
# A private runtime directory for the Python tools that ask for one (platformdirs warns about a shared /tmp).
ifeq ($(origin XDG_RUNTIME_DIR),undefined)
export XDG_RUNTIME_DIR := $(CURDIR)/.runtime
$(shell mkdir -p -m 0700 $(XDG_RUNTIME_DIR))
endif
# The embedded warehouse checks passwords; its superuser's is generated at first start into this libpq password
# file (mode 0600), which dbt and Dagster read when PGPASSWORD is not set. Not used when PGHOST points elsewhere.
ifeq ($(origin PGHOST),undefined)
export PGPASSFILE ?= $(CURDIR)/.warehouse/pgpass
endif

# make test installs the spark extra (when Java is present) so that the Spark comparison runs.
.PHONY: help spark-setup spark-build bench run test setup warehouse-start warehouse-stop summary full-refresh dagster docs screenshots bi bi-setup bi-stop lint clean
.DEFAULT_GOAL := help

help: ## this list (`make` alone): the README's two commands are `make run` and `make test`
	@awk 'BEGIN {FS = ":[^#]*## "} /^[a-z-]+:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

run: setup ## set up, start the warehouse, load sample data if needed, materialize every asset, summarize
	$(PY) -m orchestration.cli run

test: setup spark-setup bi-setup warehouse-start ## the whole suite: SQL lint (its dbt templater needs the warehouse), then pytest
	@started=$$(date +%s); \
	$(VENV)/bin/sqlfluff lint models analyses --disable-progress-bar && \
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile; status=$$?; \
	elapsed=$$(( $$(date +%s) - started )); \
	if [ $$elapsed -le 1500 ]; then budget="within"; else budget="OVER"; fi; \
	echo "make test: $$elapsed s of wall time ($$budget the 25-minute budget on the 2-core machine)"; \
	exit $$status

setup: $(VENV)/.installed profiles.yml .dagster_home/dagster.yaml ## the virtualenv (once), profiles.yml and the Dagster home

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || (echo "error: Python 3.11 is needed (python3.11 not found)"; exit 1)
	@echo "installing the Python packages into $(VENV) (once; about 3 minutes, quiet unless something fails) ..."
	@$(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/pip install -qq --upgrade pip
	@$(VENV)/bin/pip install -qq -e '.[dev]'
	@echo "installed: $$($(VENV)/bin/pip list 2>/dev/null | tail -n +3 | wc -l) packages"
	@touch $@

profiles.yml: profiles.yml.example
	@if [ -f $@ ]; then echo "note: profiles.yml.example is newer than your profiles.yml; compare them"; touch $@; \
	else cp $< $@; fi

.dagster_home/dagster.yaml: orchestration/dagster.yaml
	mkdir -p .dagster_home && cp $< $@

spark-setup: $(VENV)/.spark-installed ## the optional Spark extra (dbt-spark, pyspark); skipped without Java

$(VENV)/.spark-installed: $(VENV)/.installed
	@if command -v java >/dev/null 2>&1 || [ -n "$$JAVA_HOME" ]; then \
		echo "installing the spark extra (dbt-spark, pyspark; about 500 MB) ..."; \
		$(VENV)/bin/pip install --quiet -e '.[dev,spark]' && touch $@; \
	else echo "note: no Java runtime, so no Spark: the Spark comparison test will be skipped"; fi

# Spec 003 (renders) is not in the Spark comparison yet (its texts with quotes and the user-agent patterns' backslashes
# need Spark's string literals read as PostgreSQL's: README, "Running on Spark").
SPARK_ENV = TZ=UTC TA_RENDERS_ENABLED=false

spark-build: spark-setup warehouse-start ## copy the raw tables into local Spark, then dbt build on the spark target
	@grep -Eq '^ +spark:' profiles.yml || (echo "error: profiles.yml has no 'spark' target (it predates it): copy the spark target from profiles.yml.example, or remove profiles.yml and make writes a new one"; exit 1)
	$(PY) -m orchestration.cli load-sample
	$(SPARK_ENV) $(PY) -m orchestration.spark load-raw
	$(SPARK_ENV) DBT_TARGET=spark $(VENV)/bin/dbt seed --target-path target/spark
	$(SPARK_ENV) DBT_TARGET=spark $(VENV)/bin/dbt build --target-path target/spark

warehouse-start: setup ## start the embedded PostgreSQL (idempotent)
	$(PY) -m orchestration.cli warehouse start

warehouse-stop: setup ## stop the embedded PostgreSQL
	$(PY) -m orchestration.cli warehouse stop

summary: setup ## print the global KPIs of both domains
	$(PY) -m orchestration.cli summary

SCALE ?= 1.0
BENCH_ARGS ?= --double-history
bench: setup warehouse-start ## the benchmark (SCALE=1.0: 10M raw rows per domain; BENCH_ARGS=--domains=events), report in bench/reports
	$(PY) -m orchestration.cli bench --scale $(SCALE) $(BENCH_ARGS)

full-refresh: setup ## rebuild every incremental model from scratch
	$(PY) -m orchestration.cli materialize --full-refresh

dagster: setup warehouse-start ## the Dagster UI with the assets and the hourly schedule
	cd $(CURDIR) && $(VENV)/bin/dbt parse --quiet && $(VENV)/bin/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

docs: setup warehouse-start ## dbt docs with the lineage graph
	$(VENV)/bin/dbt docs generate --quiet && $(VENV)/bin/dbt docs serve --host 127.0.0.1 --port 8080 --no-browser

bi-setup: setup ## Superset's virtualenv (once) and Debian's chromedriver for the dashboards' browser test
	@$(PY) -m orchestration.cli bi install
	@command -v chromedriver >/dev/null 2>&1 || apt-get install -y -qq chromium-driver >/dev/null 2>&1 || \
		echo "note: no chromedriver (apt-get install chromium-driver): the dashboards' browser test will be skipped"

bi: setup warehouse-start ## Apache Superset over the marts on 127.0.0.1:8088 (installed once into .superset/), dashboards from bi/bundle
	$(PY) -m orchestration.cli bi start

bi-stop: setup ## stop Superset
	$(PY) -m orchestration.cli bi stop

screenshots: setup warehouse-start ## headless Chromium screenshots of the Dagster UI and dbt docs into logs/screenshots
	$(VENV)/bin/dbt parse --quiet && $(PY) -m orchestration.cli screenshots

lint: setup ## SQL lint (sqlfluff with the dbt templater; needs the warehouse)
	$(VENV)/bin/sqlfluff lint models analyses --disable-progress-bar

clean: ## remove the virtualenv, dbt artifacts and Dagster history (keeps the warehouse data)
	rm -rf $(VENV) target logs .dagster_home
