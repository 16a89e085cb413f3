# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test soak soak-reliability soak-api bench lint clean venv chromium faketime pango poppler

# A new top-level package (e.g. api/) needs the editable install refreshed, hence the __init__ files.
$(STAMP): requirements.lock pyproject.toml $(wildcard */__init__.py)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

venv: $(STAMP)

# Plain HTTP on this machine: the sign-in cookie goes without `Secure` (never set it in production).
run: $(STAMP) pango
	BUENDNIS_DEVELOPMENT=true $(BIN)/buendnis up

# The Werkzeugbox PDFs are laid out by WeasyPrint, which needs Debian's pango (and a font with
# German glyphs); install them when missing.
pango:
	@{ ldconfig -p | grep -q libpangoft2-1.0.so.0 && test -d /usr/share/fonts/truetype/dejavu; } || { \
	  echo "Installiere pango und DejaVu-Schriften (Debian-Pakete) für die PDF-Dokumente …"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; }

# The document tests picture each PDF's first page with pdftoppm (Debian's poppler-utils).
poppler:
	@test -x /usr/bin/pdftoppm || { echo "Installiere poppler-utils (Debian-Paket) für die Dokumenttests …"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq poppler-utils; }

# Browser tests drive Debian's chromium (never a downloaded browser); install it when missing.
chromium:
	@test -x /usr/bin/chromium || { echo "Installiere chromium (Debian-Paket) für die Browsertests …"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

# BUENDNIS_TEST_TODAY starts the time-skipping Temporal server inside libfaketime; install it when missing.
faketime:
	@ls /usr/lib/*/faketime/libfaketimeMT.so.1 >/dev/null 2>&1 || { echo "Installiere faketime (Debian-Paket) für BUENDNIS_TEST_TODAY …"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq faketime; }

# Two test processes (pytest-xdist), a test file in one of them: ~10 minutes instead of ~14.5 on
# two cores (most of the suite waits on servers, browsers and subprocesses). TEST_WORKERS=0 runs
# the suite in one process. (Earlier two-process runs failed with "Timeout expired" in
# tests/workflows: what a time skip raises when it outlives the SDK client's 30 s per call. Skips
# now have 60 s of their own and fail with a message saying how far the server got; Harness.skip.)
TEST_WORKERS ?= 2
test: $(STAMP) chromium faketime pango poppler
	$(BIN)/python -m pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile) $(PYTEST_ARGS)

# Longer fault injection (tests/reliability with its counts scaled up: 100 worker kills, …) and
# schemathesis with more examples than `make test` (≥ 10,000 requests).
soak: soak-reliability soak-api

soak-reliability: $(STAMP)
	BUENDNIS_SOAK=1 $(BIN)/python -m pytest tests/reliability -s $(PYTEST_ARGS)

# schemathesis against the running API with every check, more examples than `make test` (≥ 10,000 requests).
soak-api: $(STAMP)
# Each role runs on its own: the Servicebüro everything, a Koordination and a partner their refusals too.
	SCHEMA_FUZZ_EXAMPLES=130 SCHEMA_FUZZ_MIN_REQUESTS=10000 SCHEMA_FUZZ_ROLES=servicebuero,koordination,partner \
	  $(BIN)/python -m pytest tests/api/test_openapi_fuzz.py -p no:cacheprovider -q -s -k schemathesis $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check domain config workflows projections documents api workers storage tests bench
	$(BIN)/mypy --strict $$(for d in domain config workflows projections documents; do ls $$d/*.py >/dev/null 2>&1 && echo $$d; done)
	$(BIN)/lint-imports --no-cache --no-logo

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis tests/artifacts *.egg-info
