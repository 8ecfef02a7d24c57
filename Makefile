# The README's commands. Each works on a fresh machine with Python 3.11 and nothing else.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PORTAL_ADMIN_PASSWORD ?= admin
export PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test bench install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_data
	$(BIN)/python manage.py ensure_admin --username admin --password "$(PORTAL_ADMIN_PASSWORD)"
	@echo ""
	@echo "  Dispatch Portal is starting: web, Celery worker and beat (Ctrl-C stops them all)."
	@echo "  Sign in at  http://127.0.0.1:$(PORT)/accounts/login/"
	@echo "    admin      / $(PORTAL_ADMIN_PASSWORD)   (administrator)"
	@echo "    dispatcher / dispatcher   (Dispatchers)"
	@echo "    manager    / manager      (Store managers: LDN-SOHO, LDN-CAMD)"
	@echo "  Partner API docs: http://127.0.0.1:$(PORT)/api/docs/"
	@echo ""
	@PATH="$(CURDIR)/$(BIN):$$PATH" PORTAL_PORT=$(PORT) exec $(BIN)/honcho start --procfile Procfile

test: install-dev
	$(BIN)/pytest

bench: install-dev
	$(BIN)/python tests/benchmarks/run.py

clean:
	rm -rf $(VENV) var staticfiles test-artifacts
