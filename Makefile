# Hội Số — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test test-deps lint typecheck pytest serve setup demo messages clean

# The virtual env is rebuilt only when the dependency list changes, so a second `make run` is quick.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed
	$(PY) -m hoiso migrate --noinput --verbosity 0
	$(PY) -m hoiso collectstatic --noinput --verbosity 0
	$(PY) -m hoiso seed_demo

run: setup
	$(PY) -m hoiso serve

# Chromium, Pango and DejaVu from Debian: installed here as root, else the command that does it.
test-deps:
	sh scripts/test-deps

test: test-deps $(VENV)/.dev-installed
	$(PY) -m ruff check src benchmarks
	$(PY) -m ruff format --check src benchmarks
	$(PY) -m mypy
	$(PY) -m hoiso makemigrations --check --dry-run --verbosity 0
	$(PY) -m pytest

# Refresh translations after changing strings (needs GNU gettext). An app with its own
# locale/ folder keeps its own catalogue; the project's catalogue holds everything else.
APP_CATALOGUES := $(patsubst src/hoiso/%/locale,%,$(wildcard src/hoiso/*/locale))
messages: $(VENV)/.dev-installed
	cd src/hoiso && ../../$(PY) -m hoiso makemessages -l vi --no-obsolete --ignore 'tests/*' \
		$(foreach app,$(APP_CATALOGUES),--ignore '$(app)/*')
	for app in $(APP_CATALOGUES); do \
		(cd src/hoiso/$$app && ../../../$(PY) -m hoiso makemessages -l vi --no-obsolete --ignore 'tests/*') || exit 1; \
	done
	cd src/hoiso && ../../$(PY) -m hoiso compilemessages -l vi

clean:
	rm -rf $(VENV) var
