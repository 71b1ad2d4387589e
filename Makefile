# The two commands: `make run` and `make test`. Everything they need is installed here, from nothing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
# Debian's chromium drives the browser tests; apt-get needs root, so use sudo when we are not root.
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEV    := CONVENING_ENV=$${CONVENING_ENV:-development} PUBLIC_URL=$${PUBLIC_URL:-http://$(HOST):$(PORT)}

.PHONY: run test lint format bench install clean

# Fonts for names in every script (Latin with Vietnamese, Arabic, CJK...) on screen and in print.
FONTS  := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc /usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf

run: $(VENV)/.installed $(FONTS)
	$(DEV) $(BIN)/flask --app convening db upgrade
	$(DEV) $(BIN)/flask --app convening demo --if-empty
	@$(DEV) $(BIN)/flask --app convening users demo-admin
	@echo "Convening is at http://$(HOST):$(PORT)/ and the staff console at http://$(HOST):$(PORT)/staff/  (stop with Ctrl+C)"
	$(DEV) $(BIN)/flask --app convening run --host $(HOST) --port $(PORT) --with-threads

test: $(VENV)/.installed-test node_modules/.installed /usr/bin/chromium /usr/bin/pdftotext $(FONTS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Every script runs and prints its figures; the run fails at the end if any missed a target.
bench: $(VENV)/.installed-test /usr/bin/pdftotext $(FONTS)
	status=0; for script in bench/*.py; do $(BIN)/python $$script || status=1; done; exit $$status

install: $(VENV)/.installed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

/usr/bin/chromium:
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends chromium

# pdftotext and pdftoppm read the PDFs back in tests (their text, and their pages as images).
/usr/bin/pdftotext:
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends poppler-utils

$(FONTS):
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends fonts-noto-core fonts-noto-cjk

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
