# Quick start on a fresh clone:  make demo  (install, then check the built-in examples)
#                                make test  (install, then run the test suite)
# Installs into .venv with the CPU build of PyTorch. Override TORCH_INDEX to point pip at
# another index for torch (for example PyTorch's CPU wheel index) on machines that need it.
PYTHON ?= python3
VENV ?= .venv
TORCH_VERSION ?= 2.13.0
TORCH_INDEX ?=
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install bench eval train clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==$(TORCH_VERSION) $(TORCH_INDEX)
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/replyqa demo

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

eval: $(STAMP)
	$(BIN)/replyqa eval

train: $(STAMP)
	$(BIN)/python scripts/train.py

clean:
	rm -rf $(VENV) build *.egg-info
