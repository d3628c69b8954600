# CareerBoard: `make run` serves the demo board with its worker and beat, `make test` runs the
# test suite.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The browser tests drive Debian's Chromium (Playwright never downloads a browser here).
CHROMIUM ?= /usr/bin/chromium
# The test of docs/operations.md's proxy set-up runs Debian's nginx.
NGINX ?= /usr/sbin/nginx
export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/careerboard

.PHONY: install db run serve test lint format bench bench-long-tail backup restore clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

db: install
	$(PY) manage.py create_database
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_seeds
	$(PY) manage.py load_demo
	$(PY) manage.py load_demo_profile

# The web server, one Celery worker (the outbox's e-mails, printed by the console backend) and
# beat (expiry, alerts, digests, counters, the typo vocabulary), all stopped by one Ctrl-C.
# honcho numbers each process's PORT from the first; SITE_URL keeps the web server's.
run: db
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(VENV)/bin/honcho -f Procfile.dev start --port $(PORT)

serve: install
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/gunicorn careerboard.wsgi --bind 127.0.0.1:$(PORT) --workers 2

$(CHROMIUM):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

$(NGINX):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light

test: install $(CHROMIUM) $(NGINX)
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	DEBUG=0 SECRET_KEY=lint-only-secret-key-that-is-long-and-random-enough-0123456789abcdef \
		ALLOWED_HOSTS=careerboard.example $(PY) manage.py check --deploy --fail-level WARNING

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) staticfiles

# The long tail (each search URL once, nothing cached) is the headline and runs first; the cached
# repeat-load table follows. BENCH_SIZES (e.g. 100000) sets the sizes of both; LONG_TAIL_ARGS and
# BENCH_ARGS pass other options to benchmarks/long_tail.py and benchmarks/run.py respectively.
BENCH_SIZE_ARG = $(if $(BENCH_SIZES),--sizes $(BENCH_SIZES))

bench: install
	$(PY) benchmarks/long_tail.py $(BENCH_SIZE_ARG) $(LONG_TAIL_ARGS)
	$(PY) benchmarks/run.py $(BENCH_SIZE_ARG) $(BENCH_ARGS)

bench-long-tail: install
	$(PY) benchmarks/long_tail.py $(BENCH_SIZE_ARG) $(LONG_TAIL_ARGS)

# Backups: a custom-format pg_dump of DATABASE_URL plus the private files (resumes).
BACKUP_DIR ?= backups
PRIVATE_MEDIA_ROOT ?= private-media
backup:
	mkdir -p $(BACKUP_DIR)
	stamp=$$(date -u +%Y%m%d-%H%M%S); \
	pg_dump -Fc --no-owner -d "$(DATABASE_URL)" -f $(BACKUP_DIR)/careerboard-$$stamp.dump && \
	if [ -d "$(PRIVATE_MEDIA_ROOT)" ]; then \
		tar -czf $(BACKUP_DIR)/careerboard-$$stamp-private.tar.gz -C "$(PRIVATE_MEDIA_ROOT)" .; \
	fi && echo "$(BACKUP_DIR)/careerboard-$$stamp.dump"

restore:
	test -n "$(BACKUP)" || (echo "usage: make restore BACKUP=backups/careerboard-....dump" && false)
	pg_restore --clean --if-exists --no-owner -d "$(DATABASE_URL)" "$(BACKUP)"
	private="$(BACKUP:.dump=-private.tar.gz)"; \
	if [ -f "$$private" ]; then mkdir -p "$(PRIVATE_MEDIA_ROOT)" && tar -xzf "$$private" -C "$(PRIVATE_MEDIA_ROOT)"; fi
