"""List, locate, verify or download the benchmark data sets.

Data is read from --data-dir if given, else from $FAIRLM_DATA_DIR, else from the user
cache ($FAIRLM_CACHE_DIR/data, $XDG_CACHE_HOME/fairlm/data or ~/.cache/fairlm/data),
where 'fairlm data download' puts it.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass

from fairlm._config import option
from fairlm.cli._flags import add_options, config_from_args
from fairlm.errors import FairlmError

__all__ = ["add_arguments", "run"]


@dataclass(kw_only=True)
class _Where:
    data_dir: str | None = option(
        None,
        metavar="DIR",
        help="folder that holds the data sets (default: $FAIRLM_DATA_DIR, else the cache)",
    )


@dataclass(kw_only=True)
class ListOptions(_Where):
    json: bool = option(False, help="print JSON instead of a table")


@dataclass(kw_only=True)
class VerifyOptions(_Where):
    names: list[str] = option(
        (), positional=True, nargs="*", metavar="NAME", help="data sets to check (default: all)"
    )


@dataclass(kw_only=True)
class DownloadOptions(_Where):
    names: list[str] = option(
        positional=True, nargs="+", metavar="NAME", help="data set names, or 'all'"
    )
    force: bool = option(False, help="download again even if present")
    base_url: str | None = option(
        None,
        metavar="URL",
        help="a mirror laid out like the data folder (default: $FAIRLM_DATA_URL, else upstream)",
    )


@dataclass(kw_only=True)
class PathOptions(_Where):
    name: str = option(positional=True, metavar="NAME")
    download: bool = option(False, help="download it if it is missing")
    verify: bool = option(True, help="skip the sha256 check")


# action -> (help, options)
ACTIONS: dict[str, tuple[str, type]] = {
    "list": ("list the data sets, their licences and where each is available", ListOptions),
    "verify": ("check the sha256 of every file of the data sets available locally", VerifyOptions),
    "download": ("download data sets into --data-dir or the cache", DownloadOptions),
    "path": ("print the folder that holds a data set's files", PathOptions),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    sub = parser.add_subparsers(dest="data_command", metavar="ACTION")
    for name, (help_text, options) in ACTIONS.items():
        add_options(sub.add_parser(name, help=help_text, description=help_text), options)


def run(args: argparse.Namespace) -> int:
    action = getattr(args, "data_command", None)
    if action is None:
        raise FairlmError("choose an action: list, verify, download or path (see fairlm data -h)")
    options = config_from_args(ACTIONS[action][1], args)
    return {"list": _list, "verify": _verify, "download": _download, "path": _path}[action](options)


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def _missing_status(data_dir: str | None) -> str:
    import os

    from fairlm.data import DATA_DIR_ENV, cache_dir

    if data_dir is not None:
        return f"missing in --data-dir {data_dir}"
    if env := os.environ.get(DATA_DIR_ENV):
        return f"missing in {DATA_DIR_ENV}={env}"
    return f"not downloaded (cache: {cache_dir()})"


def _list(args: ListOptions) -> int:
    from fairlm.data import dataset_names, get_dataset, locate

    rows = []
    for name in dataset_names():
        info = get_dataset(name)
        where = locate(name, args.data_dir)
        rows.append(
            {
                "name": name,
                "title": info.title,
                "license": info.license.spdx,
                "commercial_use_ok": info.license.commercial_use_ok,
                "files": len(info.files),
                "size": info.size,
                "available": where is not None,
                "root": str(where.root) if where else None,
                "source": where.source if where else None,
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    header = ("name", "licence", "files", "size", "local copy")
    table = [header]
    for r in rows:
        licence = r["license"] + ("" if r["commercial_use_ok"] else " (non-commercial)")
        status = _missing_status(args.data_dir)
        if r["available"]:
            label = {"data_dir": "--data-dir", "env": "FAIRLM_DATA_DIR", "cache": "cache"}
            status = f"{r['root']} ({label[r['source']]})"
        table.append((r["name"], licence, str(r["files"]), _human(r["size"]), status))
    widths = [max(len(row[i]) for row in table) for i in range(len(header) - 1)]
    for row in table:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)) + "  " + row[-1])
    return 0


def _names(names: list[str]) -> list[str]:
    from fairlm.data import dataset_names, get_dataset

    if names == ["all"]:
        return dataset_names()
    for n in names:
        get_dataset(n)  # raises with "did you mean"
    return names


def _verify(args: VerifyOptions) -> int:
    from fairlm.data import check_dataset

    explicit = bool(args.names)
    failed = False
    for name in _names(args.names or ["all"]):
        root, checks = check_dataset(name, args.data_dir)
        if root is None:
            print(f"{name}: not available locally")
            failed = failed or explicit
            continue
        bad = [
            c for c in checks if c.status == "mismatch" or (c.required and c.status == "missing")
        ]
        if not bad:
            print(f"{name}: ok ({sum(c.status == 'ok' for c in checks)} files) in {root}")
            continue
        failed = True
        print(f"{name}: FAILED in {root}")
        for c in bad:
            if c.status == "missing":
                print(f"  missing  {c.path}")
            else:
                print(
                    f"  sha256 mismatch  {c.path}: expected {c.expected_sha256}, "
                    f"got {c.actual_sha256}"
                )
    return 1 if failed else 0


def _download(args: DownloadOptions) -> int:
    from fairlm.data import download, get_dataset

    for name in _names(args.names):
        root = download(name, data_dir=args.data_dir, base_url=args.base_url, force=args.force)
        print(f"{name}: ready in {root / name}")
        licence = get_dataset(name).license
        if not licence.commercial_use_ok:
            print(
                f"  note: {name} is licensed {licence.spdx}: non-commercial use only",
                file=sys.stderr,
            )
    return 0


def _path(args: PathOptions) -> int:
    from fairlm.data import resolve

    root = resolve(args.name, args.data_dir, download=args.download, verify=args.verify)
    print(root / args.name)
    return 0
