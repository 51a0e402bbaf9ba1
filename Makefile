# AnXun 安巡 — two commands: `make run` (app + demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint install install-dev serve clean pwa api-types

# the phone app: npm ci from the lock, then a production build into pwa/dist (served at /)
PWA_SOURCES := $(shell find pwa/src pwa/public -type f 2>/dev/null) pwa/index.html pwa/console.html pwa/vite.config.ts pwa/tsconfig.json

pwa/node_modules/.package-lock.json: pwa/package-lock.json
	cd pwa && npm ci --no-audit --no-fund

pwa/dist/index.html: pwa/node_modules/.package-lock.json $(PWA_SOURCES)
	cd pwa && npm run build

pwa: pwa/dist/index.html

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# reinstall whenever the dependency list changes
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install pwa
	$(BIN)/anxun setup --demo
	ANXUN_LOG_FORMAT=$${ANXUN_LOG_FORMAT:-plain} $(BIN)/anxun serve --host $(HOST) --port $(PORT)

test: install-dev lint pwa
	cd pwa && npm test
	$(BIN)/pytest $(PYTEST_ARGS)

# lint and type checks: ruff and mypy (config in pyproject.toml), vue-tsc for the phone app
lint: install-dev pwa/node_modules/.package-lock.json
	$(BIN)/ruff check backend tests bench docs
	$(BIN)/mypy
	cd pwa && npm run typecheck

# after an API change: refresh the OpenAPI snapshot and the PWA's generated types
api-types: install
	$(BIN)/python -c "import json; from backend.main import create_app; \
		print(json.dumps(create_app().openapi(), ensure_ascii=False, indent=1))" > pwa/openapi.json
	cd pwa && npm run gen:api

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache pwa/dist pwa/node_modules test-artifacts
