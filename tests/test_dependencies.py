"""The package dependency rules, checked on the import graph of src/fairlm.

Every ``import`` and ``from ... import`` statement counts, at the top of a module or
inside a function (a lazy import is still a dependency). The rules keep the layers
apart: the bottom packages (models, data, metrics) stand on a few small shared helpers
alone; the report reads result files and never runs a model; training and mitigation do
not import each other both ways; only the command line speaks argparse.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

# Top-level private modules any package may use; they import no fairlm package.
HELPERS = {
    "fairlm",  # __version__
    "fairlm._config",
    "fairlm._io",
    "fairlm._progress",
    "fairlm._registry",
    "fairlm._text",
    "fairlm.errors",
}


@cache
def graph() -> dict[str, set[str]]:
    """Module name -> every module it imports (fairlm names resolved to the module:
    ``from fairlm.errors import DataError`` counts as ``fairlm.errors``)."""
    raw: dict[str, set[str]] = {}
    for path in sorted((SRC / "fairlm").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        raw[".".join(parts)] = _imports(ast.parse(path.read_text()), parts, is_package)
    return {m: {_module(name, raw) for name in names} for m, names in raw.items()}


def _module(name: str, modules) -> str:
    """The longest prefix of a fairlm ``name`` that is a module; other names as they are."""
    if not is_fairlm(name):
        return name
    parts = name.split(".")
    while parts and ".".join(parts) not in modules:
        parts.pop()
    return ".".join(parts)


def _imports(tree: ast.AST, parts: list[str], is_package: bool) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = parts if is_package else parts[:-1]
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            names.add(module)
            # ``from fairlm.mitigation import _data`` imports a module too
            names.update(f"{module}.{a.name}" for a in node.names)
    return names


def package(module: str) -> str:
    """``fairlm.models._hf`` -> ``fairlm.models``; top-level modules are their own."""
    return ".".join(module.split(".")[:2])


def modules_of(pkg: str) -> list[str]:
    return [m for m in graph() if m == pkg or m.startswith(pkg + ".")]


def violations(pkg: str, allowed) -> list[str]:
    """``module -> import`` for every import of ``pkg`` outside itself that ``allowed``
    (a predicate on the imported module's name) refuses."""
    return sorted(
        f"{m} -> {target}"
        for m in modules_of(pkg)
        for target in graph()[m]
        if not (package(target) == pkg or allowed(target))
    )


def is_fairlm(name: str) -> bool:
    return name == "fairlm" or name.startswith("fairlm.")


def test_the_graph_sees_the_tree():
    assert {"fairlm.cli", "fairlm.models._hf", "fairlm.mitigation.cda"} <= set(graph())
    # lazy imports inside functions count; attribute names resolve to their module
    assert "fairlm.training" in graph()["fairlm.mitigation._finetune"]
    assert "fairlm.errors" in graph()["fairlm._registry"]


def test_shared_helpers_import_no_fairlm_package():
    for helper in sorted(HELPERS - {"fairlm"}):
        imported = {t for t in graph()[helper] if is_fairlm(t)}
        assert imported <= HELPERS, helper


@pytest.mark.parametrize("pkg", ["fairlm.models", "fairlm.data", "fairlm.metrics"])
def test_bottom_packages_stand_on_the_helpers_alone(pkg):
    assert violations(pkg, lambda t: not is_fairlm(t) or t in HELPERS) == []


def test_metrics_import_no_torch():
    assert violations("fairlm.metrics", lambda t: t.split(".")[0] not in ("torch",)) == []


def test_augment_stands_on_data_and_the_helpers():
    assert (
        violations(
            "fairlm.augment",
            lambda t: not is_fairlm(t) or t in HELPERS or package(t) == "fairlm.data",
        )
        == []
    )


def test_report_runs_no_model():
    heavy = ("torch", "transformers", "accelerate", "peft")
    assert (
        violations(
            "fairlm.report",
            lambda t: package(t) != "fairlm.models" and t.split(".")[0] not in heavy,
        )
        == []
    )


def test_training_never_imports_mitigation():
    """Mitigation fine-tunes with the training loop; training must not need mitigation
    back (the counterfactual augmenter both use is fairlm.augment)."""
    assert violations("fairlm.training", lambda t: package(t) != "fairlm.mitigation") == []


def test_mitigation_uses_only_the_public_training_api():
    assert (
        violations(
            "fairlm.mitigation",
            lambda t: package(t) != "fairlm.training" or t == "fairlm.training",
        )
        == []
    )


def test_only_the_command_line_imports_argparse():
    users = sorted(m for m in graph() if "argparse" in graph()[m])
    assert all(m == "fairlm.cli" or m.startswith("fairlm.cli.") for m in users), users


def test_no_library_package_imports_the_command_line():
    users = sorted(
        m
        for m in graph()
        if package(m) != "fairlm.cli" and m != "fairlm.__main__"
        if any(package(t) == "fairlm.cli" for t in graph()[m])
    )
    assert users == []
