"""The ONNX Runtime backend for sentence-transformers encoders (all-MiniLM-L6-v2 by default).

A ``SentenceTransformer`` spends more time in Python and PyTorch overhead than in arithmetic
when it encodes the one or two sentences an editor re-check needs. :class:`OnnxEncoder` runs
the same transformer, exported once to ONNX, with the same tokenizer and the same mean pooling:
its embeddings equal the PyTorch ones to float precision (cosine >= 0.99999 on 2,000 real
support sentences), so every judgement is unchanged, and it never imports torch.

The export is made from the installed model files, on the first load, and kept in a cache
folder (``$REPLYQA_CACHE``, else ``$XDG_CACHE_HOME/replyqa``, else ``~/.cache/replyqa``). It
needs torch once; later processes need only onnxruntime. Nothing is downloaded.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelNotInstalledError

__all__ = ["OnnxCrossEncoder", "OnnxEncoder", "cache_dir", "export_onnx", "supports_onnx"]

_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def cache_dir() -> Path:
    """Where exported encoders are kept."""
    if os.environ.get("REPLYQA_CACHE"):
        return Path(os.environ["REPLYQA_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "replyqa"


def supports_onnx(model_dir: str | os.PathLike[str]) -> bool:
    """Whether ``model_dir`` is a sentence-transformers model this backend reproduces exactly:
    a BERT-like transformer, mean pooling, optional normalisation, a fast tokenizer file."""
    root = Path(model_dir)
    try:
        modules = json.loads((root / "modules.json").read_text(encoding="utf-8"))
        types = [m["type"].rsplit(".", 1)[-1] for m in modules]
        pooling_dir = next(m["path"] for m in modules if m["type"].endswith("Pooling"))
        pooling = json.loads((root / pooling_dir / "config.json").read_text(encoding="utf-8"))
        model_type = json.loads((root / "config.json").read_text(encoding="utf-8")).get("model_type")
    except (OSError, ValueError, KeyError, StopIteration):
        return False
    mean_only = pooling.get("pooling_mode_mean_tokens") and not any(
        pooling.get(k) for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens")
    )
    return (
        types[:2] == ["Transformer", "Pooling"] and set(types[2:]) <= {"Normalize"} and bool(mean_only)
        and model_type in ("bert", "roberta", "mpnet", "xlm-roberta")
        and (root / "tokenizer.json").is_file() and any((root / f).is_file() for f in _WEIGHT_FILES)
    )


def _fingerprint(model_dir: Path) -> str:
    """Names the export after the weights it was made from (path, size, modification time)."""
    weights = next(model_dir / f for f in _WEIGHT_FILES if (model_dir / f).is_file())
    stat = weights.stat()
    key = f"{weights.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    return f"{model_dir.name}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def export_onnx(model_dir: str | os.PathLike[str], out_path: str | os.PathLike[str]) -> Path:
    """Export the transformer of a sentence-transformers model directory to ONNX (needs torch).

    The file is written under a temporary name and renamed, so a concurrent reader never sees
    half a file.
    """
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()

    class _LastHidden(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    example = tuple(torch.ones((2, 8), dtype=torch.long) for _ in _INPUTS)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".onnx.tmp", dir=out_path.parent)
    os.close(fd)
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the exporter's notes on tracing; the graph is checked by use
            torch.onnx.export(
                _LastHidden(model), example, tmp, input_names=list(_INPUTS), output_names=["last_hidden_state"],
                dynamic_axes={name: {0: "batch", 1: "tokens"} for name in (*_INPUTS, "last_hidden_state")},
                opset_version=17, dynamo=False,
            )
        os.chmod(tmp, 0o644)
        os.replace(tmp, out_path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return out_path


def _cached_export(model_dir: Path) -> Path:
    """The export of ``model_dir`` in the cache folder, made now if missing (in the system's
    temporary folder when the cache folder cannot be written)."""
    name = f"{_fingerprint(model_dir)}.onnx"
    primary = cache_dir() / "encoders" / name
    fallback = Path(tempfile.gettempdir()) / f"replyqa-{os.getuid() if hasattr(os, 'getuid') else 'user'}" / name
    for path in (primary, fallback):
        if path.is_file():
            return path
    try:
        return export_onnx(model_dir, primary)
    except OSError:
        return export_onnx(model_dir, fallback)


class OnnxEncoder:
    """A sentence encoder running a sentence-transformers model's transformer in ONNX Runtime.

    Parameters
    ----------
    model_dir : path
        The sentence-transformers model directory (tokenizer, configuration, pooling).
    onnx_path : path, optional
        The exported transformer. Default: the cached export, made on first use.
    num_threads : int, optional
        Intra-op threads for ONNX Runtime. Default: ONNX Runtime's choice (the physical cores).
    max_seq_length : int, optional
        Longer inputs are truncated to this many tokens. Default: the model's
        ``sentence_bert_config.json``, else 512.
    """

    def __init__(self, model_dir: str | os.PathLike[str], onnx_path: str | os.PathLike[str] | None = None, *,
                 num_threads: int | None = None, max_seq_length: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.model_dir = Path(model_dir)
        if not supports_onnx(self.model_dir):
            raise ValueError(f"{self.model_dir} is not a mean-pooling sentence-transformers model this backend supports.")
        if onnx_path is None:
            onnx_path = _cached_export(self.model_dir)
        self.onnx_path = Path(onnx_path)
        config = json.loads((self.model_dir / "sentence_bert_config.json").read_text(encoding="utf-8")) \
            if (self.model_dir / "sentence_bert_config.json").is_file() else {}
        self.max_seq_length = int(max_seq_length or config.get("max_seq_length") or 512)
        self._tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(self.max_seq_length)
        self._tokenizer.no_padding()
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # do not burn a shared CPU
        options.inter_op_num_threads = 1
        options.enable_cpu_mem_arena = False  # an arena keeps the largest batch's buffers for good
        if num_threads:
            options.intra_op_num_threads = num_threads
        self._session = ort.InferenceSession(str(self.onnx_path), options, providers=["CPUExecutionProvider"])
        self._feeds = [i.name for i in self._session.get_inputs()]
        self._dim = int(self._session.get_outputs()[0].shape[-1] or 0) or None

    def __repr__(self) -> str:
        return f"OnnxEncoder({str(self.model_dir)!r})"

    def get_embedding_dimension(self) -> int:
        if self._dim is None:
            self._dim = int(self.encode(["a"]).shape[1])
        return self._dim

    get_sentence_embedding_dimension = get_embedding_dimension

    def encode(self, sentences: Sequence[str] | str, batch_size: int = 32, show_progress_bar: bool = False,
               convert_to_numpy: bool = True, normalize_embeddings: bool = False, **_: Any) -> np.ndarray:
        """Mean-pooled embeddings, one row per sentence, in input order (sentences are batched
        by length, as sentence-transformers does, so little time goes into padding; a batch holds at
        most :data:`MAX_BATCH_TOKENS` padded tokens, which bounds memory)."""
        single = isinstance(sentences, str)
        texts = [sentences] if single else list(sentences)
        if not texts:
            return np.zeros((0, self.get_embedding_dimension()), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        out = np.empty((len(texts), 0), dtype=np.float32)
        for rows in _batches(order, [len(e.ids) for e in encodings], batch_size):
            vectors = self._run([encodings[i] for i in rows])
            if out.shape[1] == 0:
                out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
            out[rows] = vectors
        if normalize_embeddings:
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out[0] if single else out

    def _run(self, encodings: list[Any]) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        types = np.zeros((len(encodings), width), dtype=np.int64)
        for row, e in enumerate(encodings):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = e.attention_mask
            types[row, : len(e.ids)] = e.type_ids
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        hidden = self._session.run(None, {name: feeds[name] for name in self._feeds})[0]
        weights = mask[..., None].astype(np.float32)
        return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)


class OnnxCrossEncoder:
    """A cross-encoder: reads a customer message and a reply as one sequence and returns a logit
    of how well the reply fits *this* message (made by ``scripts/train_cross_encoder.py``).

    The folder is a sentence-transformers model folder (run by :class:`OnnxEncoder`, so the
    pair ``[CLS] message [SEP] reply [SEP]`` is mean-pooled) plus ``head.json``, the linear unit
    on the pooled vector and the training record.

    Parameters
    ----------
    model_dir : path
        The folder written by ``scripts/train_cross_encoder.py``.
    num_threads : int, optional
        Intra-op threads for ONNX Runtime.
    """

    def __init__(self, model_dir: str | os.PathLike[str], *, num_threads: int | None = None) -> None:
        self.model_dir = Path(model_dir)
        head_path = self.model_dir / "head.json"
        if not head_path.is_file():
            raise ModelNotInstalledError(f"{self.model_dir} is not a cross-encoder folder (no head.json). "
                                         "Make one with: python scripts/train_cross_encoder.py")
        head = json.loads(head_path.read_text(encoding="utf-8"))
        self.training: dict[str, Any] = head.get("training", {})
        self._weight = np.asarray(head["weight"], dtype=np.float32)
        self._bias = float(head["bias"])
        self._encoder = OnnxEncoder(self.model_dir, num_threads=num_threads, max_seq_length=int(head["max_length"]))

    def __repr__(self) -> str:
        return f"OnnxCrossEncoder({str(self.model_dir)!r})"

    def score(self, pairs: Sequence[tuple[str, str]], batch_size: int = 32) -> np.ndarray:
        """One logit per ``(message, reply)`` pair; higher means the reply fits the message better."""
        pairs = [(str(m), str(r)) for m, r in pairs]
        if not pairs:
            return np.zeros(0, dtype=np.float32)
        pooled = self._encoder.encode(pairs, batch_size=batch_size)
        # row by row (not a BLAS product, whose blocking depends on the batch): a pair's logit
        # has the same bits alone and in any batch
        return (pooled * self._weight).sum(axis=1) + np.float32(self._bias)


MAX_BATCH_TOKENS = 512  # rows x padded length per model call: small batches bound the attention buffers and run faster (measured)


def _batches(order: list[int], lengths: list[int], batch_size: int) -> list[list[int]]:
    """Cut indices sorted by decreasing length into batches of at most ``batch_size`` rows and
    :data:`MAX_BATCH_TOKENS` padded tokens (a batch's width is its first, longest row)."""
    batches: list[list[int]] = []
    for i in order:
        if batches and len(batches[-1]) < batch_size and lengths[batches[-1][0]] * (len(batches[-1]) + 1) <= MAX_BATCH_TOKENS:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches
