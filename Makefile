# Two commands for a newcomer: `make run` and `make test`. Needs only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Another address or port: `make run PORT=8080` (or HOST=0.0.0.0 to be reached from the network).
HOST ?= 127.0.0.1
PORT ?= 8000
# The address the server answers on: the demo's Site record, the sitemap, the API, share cards and
# the demo logins are built from it (portal/settings/base.py). Only the serving targets pass it on.
PORTAL_BASE_URL ?= http://$(HOST):$(PORT)
SERVE_ENV := PORTAL_BASE_URL=$(PORTAL_BASE_URL) ALLOWED_HOSTS=$(HOST)

.PHONY: run dev test install migrate demo static serve bench two-servers lint format e2e lighthouse ci clean

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed (found %s)" % sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	@echo "==> Installing into $(VENV) (first run only; a few minutes)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	@echo "==> Migrating the database (SQLite db.sqlite3 unless DATABASE_URL is set)"
	@$(BIN)/python manage.py migrate --no-input --verbosity 0

demo: migrate
	@echo "==> Loading the demo data (invented names; loading again changes nothing)"
	@$(SERVE_ENV) $(BIN)/python manage.py load_demo

static: install
	@echo "==> Collecting static files into collected-static/"
	@$(BIN)/python manage.py collectstatic --no-input --verbosity 0

# As residents see it: DEBUG off, so a wrong address shows the Chinese 404 page, not Django's
# debug page; WhiteNoise serves the collected static files. `make dev` for DEBUG on.
run: demo static
	@$(SERVE_ENV) $(BIN)/python manage.py demo_logins
	@echo "==> Serving $(PORTAL_BASE_URL)/ with DEBUG off, and a worker for background jobs (Ctrl-C stops both; make dev serves with DEBUG on)"
	@$(SERVE_ENV) DJANGO_DEBUG=0 $(BIN)/python manage.py serve $(HOST):$(PORT)

dev: demo
	@$(SERVE_ENV) $(BIN)/python manage.py demo_logins
	@echo "==> Serving $(PORTAL_BASE_URL)/ with DEBUG on, and a worker for background jobs (Ctrl-C stops both)"
	@$(SERVE_ENV) DJANGO_DEBUG=1 $(BIN)/python manage.py serve $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest -n auto

# Two browsers at once: each worker has its own live server and database.
e2e: install
	$(BIN)/python -m pytest tests/e2e -m e2e -n 2

bench: install
	$(BIN)/python -m bench

# Two gunicorns on loopback sharing PostgreSQL (127.0.0.1:5432), Redis and the media directory:
# what is approved or uploaded through one is served by the other (bench/twoservers.py).
two-servers: install
	$(BIN)/python -m bench.twoservers

# Lighthouse's mobile performance of the main pages (SPEC §12: ≥ 95), against a running `make run`
# (start it in another terminal, same PORT). Needs Node.js and npm; installs the pinned lighthouse
# into .lighthouse/ once; uses Debian's Chromium. Not part of CI.
LIGHTHOUSE_VERSION := 12.8.2
LIGHTHOUSE := .lighthouse/node_modules/.bin/lighthouse

$(LIGHTHOUSE):
	@command -v npm >/dev/null || { echo "make lighthouse needs Node.js and npm: apt-get install nodejs npm"; exit 1; }
	@echo "==> Installing lighthouse $(LIGHTHOUSE_VERSION) into .lighthouse/"
	@npm install --silent --no-save --no-audit --no-fund --prefix .lighthouse lighthouse@$(LIGHTHOUSE_VERSION)

lighthouse: install $(LIGHTHOUSE)
	@curl -fsS -o /dev/null $(PORTAL_BASE_URL)/ || { echo "Nothing answers at $(PORTAL_BASE_URL)/: run make run first"; exit 1; }
	@CHROME_PATH=/usr/bin/chromium $(BIN)/python -m bench.lighthouse --lighthouse $(LIGHTHOUSE) --base-url $(PORTAL_BASE_URL)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check templates
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml templates

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm collected-static .pytest_cache .lighthouse
