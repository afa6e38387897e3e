# gongshi: `make demo` runs the product on demo data, `make test` runs the tests.
# Both create the virtual environment from requirements.lock on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
SITE_PORT ?= 8001
# The supervision group's passphrase in the demo only (docs/reporting.md); a real group
# chooses its own with `manage.py supervision_keys init` and the server never stores it.
DEMO_SUPERVISION_PASSPHRASE := gongshi-demo-jiandu
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Feeds link absolutely; in the demo, to where the site is served below.
export GONGSHI_FEED_BASE_URL ?= http://$(HOST):$(SITE_PORT)

.PHONY: demo site export golden test test-postgres lint check lock clean bench-search demo-code audit
.PHONY: stack-up stack-down test-stack bench-stack
.PHONY: backup restore
.PHONY: bench

$(BIN)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation --editable .
	touch $@

# The CMS, the worker that builds the public site after every publish, and the public
# site itself; Ctrl-C stops all three. The worker reports only failed builds here; the
# admin's 站点构建 lists every build.
demo: $(BIN)/.installed
	mkdir -p var
	$(MANAGE) migrate --no-input -v0
	$(MANAGE) load_demo
	SUPERVISION_PASSPHRASE="$(DEMO_SUPERVISION_PASSPHRASE)" $(MANAGE) supervision_keys init --if-missing
	$(MANAGE) record_key init --if-missing
	$(MANAGE) build_site --if-missing --reason "演示站点首次构建"
	@echo
	@echo "Public site:          http://$(HOST):$(SITE_PORT)/"
	@echo "Search, verification: http://$(HOST):$(SITE_PORT)/search/  http://$(HOST):$(SITE_PORT)/verify/"
	@echo "CMS (Wagtail admin):  http://$(HOST):$(PORT)/admin/"
	@echo "Public read API:      http://$(HOST):$(PORT)/api/v2/pages/"
	@echo "Online reporting:     http://$(HOST):$(SITE_PORT)/report/ (inbox: 举报案件, passphrase $(DEMO_SUPERVISION_PASSPHRASE))"
	@echo "Two-factor code for approver, approver2, supervisor: make demo-code (or the key above in an app)"
	@echo
	@trap 'kill $$(jobs -p) 2>/dev/null' EXIT; \
	$(MANAGE) site_worker -v0 & \
	$(BIN)/python -m gongshi_site.serve --site-dir var/site --host $(HOST) --port $(SITE_PORT) \
		--cms-url http://$(HOST):$(PORT) & \
	$(MANAGE) runserver --noreload $(HOST):$(PORT)

# The demo accounts' current two-factor code (approvers and the supervision group must use
# it), for trying the demo without an authenticator app.
demo-code: $(BIN)/.installed
	@$(MANAGE) demo_code

# Build the public site into var/site/live: from this CMS's database, or with
# CMS_URL=https://cms.example from a CMS elsewhere through its public read API (its
# publication log verified with RECORD_KEY=<base64>, the key its site prints; without
# it, the key of the log this site published last).
site: $(BIN)/.installed
ifdef CMS_URL
	$(BIN)/python -m gongshi_site.remote --cms-url "$(CMS_URL)" --site-dir var/site \
		$(if $(RECORD_KEY),--record-key "$(RECORD_KEY)")
else
	mkdir -p var
	$(MANAGE) migrate --no-input -v0
	$(MANAGE) build_site --now
endif

# Export what is published into content/ to read it (each build exports its own copy).
export: $(BIN)/.installed
	find content -mindepth 1 -not -name README.md -delete
	$(MANAGE) export_content content

# Rebuild the golden site the tests compare with, after an intended change to the output.
golden: $(BIN)/.installed
	$(BIN)/python tests/site/refresh_golden.py

test: $(BIN)/.installed
	$(BIN)/python -m pytest

# The same suite on PostgreSQL; DATABASE_URL names a server and a database name, and
# pytest-django creates (and drops) test_<name> beside it.
test-postgres: $(BIN)/.installed
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/gongshi} $(BIN)/python -m pytest

# ruff, then the layers (import-linter's contracts in pyproject.toml, ADR 0034).
lint: $(BIN)/.installed
	$(BIN)/ruff check gongshi cms site tests tools deploy
	$(BIN)/ruff format --check gongshi cms site tests tools deploy
	$(BIN)/lint-imports

# Known vulnerabilities in requirements.lock (pip-audit): fails naming the package, its
# version and the advisory, and fails too when no vulnerability service could check every
# package (docs/security.md). GONGSHI_AUDIT_SERVICE=osv GONGSHI_AUDIT_OSV_URL=… for a mirror.
# No service reachable: checks the dated offline snapshot in tools/advisories and says so
# (GONGSHI_AUDIT_OFFLINE=1 / GONGSHI_AUDIT_ONLINE_ONLY=1 force or refuse it).
audit: $(BIN)/.installed
	$(BIN)/python tools/audit.py --requirement requirements.lock

check: $(BIN)/.installed
	mkdir -p var
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run

# Back up the database, media, the supervision group's keys and the live site's content/
# into one archive with a checksum manifest (docs/backup.md); BACKUP_DIR=... to change.
backup: $(BIN)/.installed
	mkdir -p var
	$(MANAGE) backup --output-dir "$${BACKUP_DIR:-var/backups}"

# Restore BACKUP=<archive> into an empty database (FORCE=1 overwrites), then migrate.
restore: $(BIN)/.installed
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/gongshi-backup-<time>.tar [FORCE=1]"; exit 2; }
	mkdir -p var
	$(MANAGE) restore "$(BACKUP)" $(if $(FORCE),--force)
	$(MANAGE) migrate --no-input -v0

# Search benchmark: index build time and query latency (median, p95) on a generated
# corpus (20,000 notices, 5,000 winners by default; SEARCH_BENCH_ARGS="--notices 2000").
bench-search: $(BIN)/.installed
	$(BIN)/python tests/bench/search_bench.py $(SEARCH_BENCH_ARGS)

# The production stack on this machine from deploy/'s files (nginx, two gunicorns, the RQ
# worker; PostgreSQL and Redis already running): docs/deploy.md. test-stack and
# bench-stack run against it (GONGSHI_STACK_URL, default https://127.0.0.1:9543).
stack-up: $(BIN)/.installed
	deploy/stack/up

stack-down: $(BIN)/.installed
	deploy/stack/down

test-stack: $(BIN)/.installed
	GONGSHI_STACK_URL=$${GONGSHI_STACK_URL:-https://127.0.0.1:$${GONGSHI_STACK_HTTPS_PORT:-9543}} \
		$(BIN)/python -m pytest tests/stack -m stack

bench-stack: $(BIN)/.installed
	GONGSHI_STACK_URL=$${GONGSHI_STACK_URL:-https://127.0.0.1:$${GONGSHI_STACK_HTTPS_PORT:-9543}} \
		PYTHONPATH=tests $(BIN)/python tests/bench/stack_bench.py $(STACK_BENCH_ARGS)

# The speed benchmark: full build, publish latency (and the publication log's share of
# it), search, CMS admin and API at 1,000, 10,000, 20,000 and 50,000 generated notices
# (BENCH_SIZES=1000,10000 for a quicker run; BENCH_SIZES=20000 BENCH_ARGS=--publish-only
# for the publishes alone); prints a table and writes var/bench/results.json.
# PostgreSQL when DATABASE_URL is set.
bench: $(BIN)/.installed
	nice -n 10 $(BIN)/python tests/bench/bench.py $(BENCH_ARGS)

# Refresh requirements.lock after changing dependencies in pyproject.toml.
lock: $(BIN)/.installed
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --extra dev --generate-hashes --allow-unsafe \
		-o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
