# yingji — 应急管理综合平台. Two commands matter: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: demo test install lint e2e run clean messages vendor

$(BIN)/yingji: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required")'
	@$(PYTHON) -m venv $(VENV) || { echo "python3 -m venv failed: on Debian/Ubuntu run: sudo apt install python3-venv"; exit 1; }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

install: $(BIN)/yingji

## Start the platform on http://127.0.0.1:$(PORT) with SQLite, reference data and demo data.
demo: install
	$(BIN)/yingji demo
	$(BIN)/yingji serve --port $(PORT)

## Run the platform without (re)loading demo data.
run: install
	$(BIN)/yingji init
	$(BIN)/yingji serve --port $(PORT)

## The whole test suite: lint, layering contracts, unit/service/API tests, browser journeys.
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports

messages: install
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=static
	$(BIN)/python scripts/fill_en_po.py
	$(BIN)/python manage.py compilemessages --ignore=.venv

vendor:
	bash scripts/vendor-assets.sh

clean:
	rm -rf $(VENV) var *.egg-info
