# The two commands: `make run` and `make test`. Everything they need is installed here, from nothing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
# HTTPS=1 serves phones on the venue network: they open the camera only for https pages. CERT and KEY name
# a certificate they trust (mkcert's, say); without them a self-signed one for this machine's address is made.
ifdef HTTPS
HOST   ?= 0.0.0.0
LAN_IP := $(shell hostname -I 2>/dev/null | cut -d' ' -f1)
CERT   ?= instance/dev-cert.pem
KEY    ?= instance/dev-key.pem
URL    := https://$(or $(LAN_IP),127.0.0.1):$(PORT)
TLS    := --cert $(CERT) --key $(KEY)
else
HOST   ?= 127.0.0.1
URL    := http://$(HOST):$(PORT)
endif
# Debian's chromium drives the browser tests; apt-get needs root, so use sudo when we are not root.
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEV    := CONVENING_ENV=$${CONVENING_ENV:-development} PUBLIC_URL=$${PUBLIC_URL:-$(URL)}

.PHONY: run test lint format bench install clean

# Fonts for names in every script (Latin with Vietnamese, Arabic, CJK...) on screen and in print.
FONTS  := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc /usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf

run: $(VENV)/.installed $(FONTS) static/vendor/jsQR.js $(if $(HTTPS),$(CERT))
	$(DEV) $(BIN)/flask --app convening db upgrade
	$(DEV) $(BIN)/flask --app convening demo --if-empty
	@$(DEV) $(BIN)/flask --app convening users demo-admin
	@echo "Convening is at $(URL)/ and the staff console at $(URL)/staff/  (stop with Ctrl+C)"
	$(DEV) $(BIN)/flask --app convening run --host $(HOST) --port $(PORT) --with-threads $(TLS)

instance/dev-cert.pem: | /usr/bin/openssl
	mkdir -p instance
	openssl req -x509 -newkey rsa:2048 -nodes -days 90 -subj "/CN=Convening development" \
		-addext "subjectAltName=IP:$(or $(LAN_IP),127.0.0.1),IP:127.0.0.1,DNS:localhost" \
		-keyout instance/dev-key.pem -out $@

test: $(VENV)/.installed-test node_modules/.installed static/vendor/jsQR.js /usr/bin/chromium /usr/bin/pdftotext $(FONTS)
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

# The QR decoder of the check-in page where the browser has no BarcodeDetector: served by us, from npm.
static/vendor/jsQR.js: node_modules/.installed
	mkdir -p static/vendor
	cp node_modules/jsqr/dist/jsQR.js $@

/usr/bin/openssl:
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends openssl

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
	rm -rf $(VENV) node_modules static/vendor .pytest_cache .ruff_cache
