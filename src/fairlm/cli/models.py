"""List the built-in models, where they come from, and whether each is ready to use."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass

from fairlm._config import option
from fairlm.cli._flags import add_options


@dataclass
class ModelsOptions:
    json: bool = option(False, help="print JSON instead of a table")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_options(parser, ModelsOptions)


def run(args: argparse.Namespace) -> int:
    from fairlm.models._builtin import BUILTIN_MODELS, DEFAULT_MODEL

    rows = []
    for spec in BUILTIN_MODELS.values():
        if spec.is_converted():
            status = "ready"
        elif spec.is_installed():
            status = "installed (converted on first use)"
        else:
            status = f"not installed: {spec.install}"
        rows.append(
            {
                "name": spec.name,
                "default": spec.name == DEFAULT_MODEL,
                "status": status,
                "license": spec.license,
                "description": spec.description,
                "license_note": spec.license_note,
                "cache_dir": str(spec.cache_dir()),
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    width = max(len(r["name"]) for r in rows) + 2
    for r in rows:
        mark = " (default)" if r["default"] else ""
        print(f"{r['name']:<{width}}{r['description']}{mark}")
        print(f"{'':<{width}}status: {r['status']}")
        print(f"{'':<{width}}licence: {r['license']}")
        if r["license_note"]:
            print(f"{'':<{width}}note: {r['license_note']}")
    print("\nAny Hugging Face causal LM also works: a local folder, a .gguf file or a hub id.")
    return 0
