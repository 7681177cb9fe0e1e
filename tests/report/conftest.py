"""Fixtures for the report tests: hand-built run directories (see _report_runs.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from _report_runs import brand_new, crows, seat, winobias, write_run


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return write_run(tmp_path / "base", [crows(), winobias(), seat(), brand_new()])


@pytest.fixture
def two_runs(tmp_path: Path) -> tuple[Path, Path]:
    before = write_run(tmp_path / "before", [crows(), winobias()])
    after = write_run(
        tmp_path / "after",
        [crows(overall=(50.5, 46.0, 54.0), gender=(66.0, 56.0, 76.0)), winobias()],
        created="2026-11-29T09:00:00+00:00",
    )
    return before, after
