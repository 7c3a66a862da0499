"""Measure replyqa against real support conversations, labelled data and simple baselines.

Four sections, each reported for replyqa and, side by side, for baselines:

``relevance``
    Ranking the true reply among replies the same company sent to other customers
    (TWCS airlines, TweetSumm, STC-3, IBM CDP): pooled ROC AUC and top-1 accuracy, with
    opening exchanges reported apart from later turns.
``usefulness``
    STC-3 replies judged by 19 annotators: Spearman correlation of ``overall`` with the share
    who found the reply useful, and ROC AUC for "useful" (share >= 0.5); on every reply
    (``stc3``) and on the dialogues of the held-out half (``stc3/held_out``, see
    :func:`stc3_held_out`), which research weights that learn from STC-3 votes never see.
``boilerplate``
    TWCS airline replies that many conversations received word for word (canned) against
    replies sent once: ROC AUC of ``genericness``.
``gold``
    The hand-labelled pairs in ``data/gold.jsonl``: precision, recall, F1 and Cohen's kappa of
    the policy thresholds, "fail" detection and confusion matrices for the 5 As, and
    calibration (expected calibration error and reliability-curve points).

Baselines
---------
``tfidf``
    Cosine similarity of TF-IDF vectors (scikit-learn ``TfidfVectorizer`` with default
    settings, fitted on the texts being evaluated in that section, no labels used).
``minilm``
    Cosine similarity of plain all-MiniLM-L6-v2 sentence embeddings
    (``replyqa.models.load_encoder()``, ``normalize_embeddings=True``).
``length``
    Reply length in words (usefulness only).

For relevance, acknowledgement and overall, a baseline's score is the message-reply cosine.
For genericness, a baseline's score is the mean cosine of the reply to 50 *other* customers'
messages of the same company: a reply that fits everyone scores high.

Heavy libraries (scikit-learn, SciPy, pandas, the encoder) are imported on first use, so
``import replyqa`` stays light. A missing data source skips its section with a reason in
``EvaluationResult.skipped``; it never raises.

Examples
--------
>>> from replyqa.evaluate import evaluate
>>> result = evaluate(sections=("relevance",), n_messages=100)  # doctest: +SKIP
>>> print(result.table())  # doctest: +SKIP
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import warnings
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "EvaluationResult",
    "MetricRow",
    "RankingGroup",
    "best_f1_threshold",
    "binary_metrics",
    "cohen_kappa",
    "embedding_pair_cosine",
    "embedding_reference_cosine",
    "evaluate",
    "expected_calibration_error",
    "ranking_metrics",
    "reliability_curve",
    "resolve_data_dir",
    "roc_auc",
    "sample_ranking_groups",
    "spearman",
    "stc3_held_out",
    "tfidf_pair_cosine",
    "tfidf_reference_cosine",
    "top1_accuracy",
    "verdict_confusion",
    "word_count",
]

SECTIONS: tuple[str, ...] = ("relevance", "usefulness", "boilerplate", "gold")
BASELINES: tuple[str, ...] = ("tfidf", "minilm")
SYSTEMS: tuple[str, ...] = ("replyqa", "tfidf", "minilm", "length")

DATA_DIR_ENV = "REPLYQA_SHARED_DATA"
DEFAULT_DATA_DIR = Path("..") / "shared" / "data"
DEFAULT_GOLD_PATH = "data/gold.jsonl"
CORPUS_FILES: Mapping[str, str] = {
    "twcs_airlines": "twcs_airlines/twcs_airlines_pairs.jsonl",
    "tweetsumm": "tweetsumm/tweetsumm_pairs.jsonl",
    "stc3": "stc3/stc3_helpdesk_pairs.jsonl",
    "ibm_cdp": "ibm_cdp/ibm_cdp_pairs.jsonl",
}

N_DISTRACTORS = 9
N_REFERENCE_MESSAGES = 50
CANNED_MIN_COUNT = 5
DEFAULT_N_BOILERPLATE = 600
#: None = all three TWCS airlines. replyqa's shipped weights are trained on IBM customer-care
#: pairs only (Apache-2.0), so none of the airlines was used for training. (British_Airways
#: alone has no reply sent 5 or more times, so it cannot be the default.)
DEFAULT_BOILERPLATE_COMPANY: str | None = None
N_CALIBRATION_BINS = 10
USEFUL_SHARE_THRESHOLD = 0.5
#: Used only when a checker has no ``policy`` attribute (e.g. a hand-written fake).
FALLBACK_THRESHOLD = 0.5

FIVE_AS: tuple[str, ...] = ("anticipate", "accessible", "acknowledge", "answer", "assure")
GOLD_VERDICTS: tuple[str, ...] = ("pass", "fail", "na")
PREDICTED_VERDICTS: tuple[str, ...] = ("pass", "fail", "not_applicable")
_GOLD_TO_PREDICTED = dict(zip(GOLD_VERDICTS, PREDICTED_VERDICTS))

#: gold binary label -> (replyqa score attribute, policy threshold attribute)
BINARY_LABELS: Mapping[str, tuple[str, str]] = {
    "relevant": ("relevance", "relevance_threshold"),
    "acknowledges": ("acknowledgement", "acknowledgement_threshold"),
    "generic": ("genericness", "genericness_threshold"),
}
#: reliability target name -> replyqa score attribute
CALIBRATION_TARGETS: Mapping[str, str] = {
    "relevance~relevant": "relevance",
    "acknowledgement~acknowledges": "acknowledgement",
    "genericness~generic": "genericness",
    "overall~relevant_and_answer_pass": "overall",
}

_MENTION = re.compile(r"@\w+")
_SPACE = re.compile(r"\s+")


# --------------------------------------------------------------------------- metric helpers


def _as_float_array(values: Iterable[float], name: str) -> np.ndarray:
    array = np.asarray(list(values), dtype=float)
    if array.ndim != 1:
        raise ValueError(f"'{name}' must be a flat sequence of numbers. Got shape {array.shape}.")
    return array


def roc_auc(labels: Sequence[int], scores: Sequence[float]) -> float:
    """ROC AUC of ``scores`` for binary ``labels``; NaN when only one class is present.

    Parameters
    ----------
    labels : sequence of int
        1 for positives, 0 for negatives.
    scores : sequence of float
        Higher means "more likely positive".

    Returns
    -------
    float
        Area under the ROC curve (ties count half), or NaN if AUC is undefined.

    Examples
    --------
    >>> roc_auc([1, 0, 0], [0.9, 0.1, 0.5])
    1.0
    """
    y = np.asarray(list(labels), dtype=int)
    s = _as_float_array(scores, "scores")
    if len(y) != len(s):
        raise ValueError(f"'labels' and 'scores' must have the same length. Got {len(y)} and {len(s)}.")
    if np.isnan(s).any():
        raise ValueError("'scores' contains NaN; drop the undefined items before computing AUC.")
    if len(np.unique(y)) < 2:
        return math.nan
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, s))


def top1_accuracy(
    scores: Sequence[float], labels: Sequence[int], groups: Sequence[Hashable]
) -> float:
    """Share of groups whose single true item gets the highest score.

    A tie at the top earns fractional credit ``1 / (number of items tied)``: the expected
    accuracy under random tie-breaking, so a constant scorer gets chance level, not 1.0.

    Parameters
    ----------
    scores : sequence of float
        One score per item.
    labels : sequence of int
        1 for the true item of its group, 0 for distractors; exactly one 1 per group.
    groups : sequence of hashable
        Group id of each item.

    Returns
    -------
    float
        Mean top-1 credit over groups; NaN for empty input.

    Raises
    ------
    ValueError
        If lengths differ or a group does not hold exactly one true item.

    Examples
    --------
    >>> top1_accuracy([0.9, 0.2, 0.1, 0.8], [1, 0, 0, 1], ["a", "a", "b", "b"])
    1.0
    """
    s = _as_float_array(scores, "scores")
    y = np.asarray(list(labels), dtype=int)
    g = list(groups)
    if not (len(s) == len(y) == len(g)):
        raise ValueError(
            f"'scores', 'labels' and 'groups' must have the same length. "
            f"Got {len(s)}, {len(y)} and {len(g)}."
        )
    members: dict[Hashable, list[int]] = {}
    for index, group in enumerate(g):
        members.setdefault(group, []).append(index)
    if not members:
        return math.nan
    credits = []
    for group, indices in members.items():
        idx = np.asarray(indices)
        true = idx[y[idx] == 1]
        if len(true) != 1:
            raise ValueError(
                f"Each group must hold exactly one true item (label 1). "
                f"Group {group!r} holds {len(true)}."
            )
        best = s[idx].max()
        credits.append(1.0 / int(np.sum(s[idx] == best)) if s[true[0]] == best else 0.0)
    return float(np.mean(credits))


def ranking_metrics(
    scores: Sequence[float], labels: Sequence[int], groups: Sequence[Hashable]
) -> dict[str, float]:
    """Pooled ROC AUC and top-1 accuracy of a grouped ranking task.

    Parameters
    ----------
    scores, labels, groups
        As in :func:`top1_accuracy`: one true item (label 1) per group.

    Returns
    -------
    dict
        ``roc_auc``: AUC of true (1) versus distractor (0) over all pairs pooled across groups;
        ``top1_accuracy``: see :func:`top1_accuracy`; ``n_groups``.

    Examples
    --------
    >>> ranking_metrics([0.9, 0.1, 0.8, 0.2], [1, 0, 1, 0], [0, 0, 1, 1])["roc_auc"]
    1.0
    """
    return {
        "roc_auc": roc_auc(labels, scores),
        "top1_accuracy": top1_accuracy(scores, labels, groups),
        "n_groups": float(len(set(groups))),
    }


def _bin_index(predicted: np.ndarray, n_bins: int) -> np.ndarray:
    # Equal-width bins on [0, 1]; 1.0 belongs to the last bin.
    return np.minimum((predicted * n_bins).astype(int), n_bins - 1)


def _check_calibration_input(
    predicted: Sequence[float], observed: Sequence[float], n_bins: int
) -> tuple[np.ndarray, np.ndarray]:
    p = _as_float_array(predicted, "predicted")
    o = _as_float_array(observed, "observed")
    if len(p) != len(o):
        raise ValueError(
            f"'predicted' and 'observed' must have the same length. Got {len(p)} and {len(o)}."
        )
    if n_bins < 1:
        raise ValueError(f"'n_bins' must be a positive int. Got {n_bins} instead.")
    if len(p) and (np.isnan(p).any() or p.min() < 0.0 or p.max() > 1.0):
        raise ValueError("'predicted' must hold probabilities in [0, 1] (no NaN).")
    return p, o


def reliability_curve(
    predicted: Sequence[float], observed: Sequence[float], n_bins: int = N_CALIBRATION_BINS
) -> list[dict[str, float]]:
    """Points of a reliability diagram over equal-width bins of the predicted score.

    Parameters
    ----------
    predicted : sequence of float
        Scores in [0, 1].
    observed : sequence of float
        Outcomes (0/1, or shares in [0, 1]).
    n_bins : int, default 10
        Number of equal-width bins on [0, 1]; a score of exactly 1.0 falls in the last bin.

    Returns
    -------
    list of dict
        One dict per non-empty bin, in bin order: ``bin_lower``, ``bin_upper``,
        ``mean_predicted``, ``observed_rate``, ``count``.

    Examples
    --------
    >>> reliability_curve([0.05, 0.15], [0, 1], n_bins=10)[1]["observed_rate"]
    1.0
    """
    p, o = _check_calibration_input(predicted, observed, n_bins)
    if not len(p):
        return []
    bins = _bin_index(p, n_bins)
    points = []
    for b in range(n_bins):
        mask = bins == b
        if mask.any():
            points.append(
                {
                    "bin_lower": b / n_bins,
                    "bin_upper": (b + 1) / n_bins,
                    "mean_predicted": float(p[mask].mean()),
                    "observed_rate": float(o[mask].mean()),
                    "count": int(mask.sum()),
                }
            )
    return points


def expected_calibration_error(
    predicted: Sequence[float], observed: Sequence[float], n_bins: int = N_CALIBRATION_BINS
) -> float:
    """Expected calibration error over equal-width bins.

    ``ECE = sum over bins of (count / N) * |mean predicted - observed rate|``.

    Parameters
    ----------
    predicted : sequence of float
        Scores in [0, 1].
    observed : sequence of float
        Outcomes (0/1).
    n_bins : int, default 10
        Number of equal-width bins on [0, 1].

    Returns
    -------
    float
        ECE in [0, 1]; 0 for perfectly calibrated bins; NaN for empty input.

    Examples
    --------
    >>> expected_calibration_error([0.9, 0.9], [0, 0])
    0.9
    """
    points = reliability_curve(predicted, observed, n_bins)
    total = sum(point["count"] for point in points)
    if not total:
        return math.nan
    ece = sum(
        point["count"] / total * abs(point["mean_predicted"] - point["observed_rate"])
        for point in points
    )
    return float(round(ece, 12))


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Cohen's kappa of two labelings (``sklearn.metrics.cohen_kappa_score``).

    Returns NaN when kappa is undefined: empty input, or both labelings use one and the same
    single label (chance agreement is then 1).

    Examples
    --------
    >>> cohen_kappa([1, 1, 0, 0], [1, 0, 0, 0])
    0.5
    """
    a, b = list(a), list(b)
    if len(a) != len(b):
        raise ValueError(f"'a' and 'b' must have the same length. Got {len(a)} and {len(b)}.")
    if not a or len(set(a) | set(b)) < 2:
        return math.nan
    from sklearn.metrics import cohen_kappa_score

    return float(cohen_kappa_score(a, b))


def binary_metrics(y_true: Sequence[int], y_pred: Sequence[int]) -> dict[str, float]:
    """Precision, recall, F1 and Cohen's kappa of binary predictions (positive class 1).

    Undefined values (e.g. precision with no predicted positives) are NaN, not 0.

    Examples
    --------
    >>> binary_metrics([1, 1, 0, 0], [1, 0, 1, 0])["f1"]
    0.5
    """
    t = [int(v) for v in y_true]
    p = [int(v) for v in y_pred]
    if len(t) != len(p):
        raise ValueError(f"'y_true' and 'y_pred' must have the same length. Got {len(t)} and {len(p)}.")
    if not t:
        return {"precision": math.nan, "recall": math.nan, "f1": math.nan, "kappa": math.nan}
    from sklearn.metrics import precision_recall_fscore_support

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        precision, recall, f1, _ = precision_recall_fscore_support(
            t, p, average="binary", pos_label=1, labels=[0, 1], zero_division=np.nan
        )
    return {
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "kappa": cohen_kappa(t, p),
    }


def best_f1_threshold(y_true: Sequence[int], scores: Sequence[float]) -> float:
    """The threshold ``t`` (one of the scores) that maximises F1 of ``score >= t``.

    Used to give an uncalibrated baseline (a cosine) its most favourable cut-off on the dev
    split. Ties go to the highest threshold. NaN if there are no positives.

    Examples
    --------
    >>> best_f1_threshold([0, 1, 1], [0.1, 0.4, 0.7])
    0.4
    """
    y = np.asarray(list(y_true), dtype=int)
    s = _as_float_array(scores, "scores")
    if not len(y) or y.sum() == 0:
        return math.nan
    best_t, best_f1 = math.nan, -1.0
    for t in np.unique(s)[::-1]:
        pred = s >= t
        tp = float(np.sum(pred & (y == 1)))
        f1 = 2 * tp / (pred.sum() + y.sum())
        if f1 > best_f1:
            best_t, best_f1 = float(t), f1
    return best_t


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman rank correlation (``scipy.stats.spearmanr``); NaN if either side is constant.

    Examples
    --------
    >>> spearman([1, 2, 3], [10, 20, 40])
    1.0
    """
    a = _as_float_array(x, "x")
    b = _as_float_array(y, "y")
    if len(a) != len(b):
        raise ValueError(f"'x' and 'y' must have the same length. Got {len(a)} and {len(b)}.")
    if len(a) < 2 or np.all(a == a[0]) or np.all(b == b[0]):
        return math.nan
    from scipy.stats import spearmanr

    return float(spearmanr(a, b).statistic)


def verdict_confusion(
    gold: Sequence[str], predicted: Sequence[str]
) -> dict[str, dict[str, int]]:
    """3x3 confusion matrix of gold 5-A labels against replyqa verdicts.

    Parameters
    ----------
    gold : sequence of str
        ``pass`` / ``fail`` / ``na`` (the labels in data files).
    predicted : sequence of str
        ``pass`` / ``fail`` / ``not_applicable`` (replyqa verdicts).

    Returns
    -------
    dict
        ``matrix[gold_label][predicted_verdict]`` = count, all nine cells present.

    Examples
    --------
    >>> verdict_confusion(["na"], ["not_applicable"])["na"]["not_applicable"]
    1
    """
    if len(gold) != len(predicted):
        raise ValueError(
            f"'gold' and 'predicted' must have the same length. Got {len(gold)} and {len(predicted)}."
        )
    matrix = {g: {p: 0 for p in PREDICTED_VERDICTS} for g in GOLD_VERDICTS}
    for g, p in zip(gold, predicted):
        if g not in matrix or p not in PREDICTED_VERDICTS:
            raise ValueError(
                f"Unknown verdict pair ({g!r}, {p!r}): gold must be one of {GOLD_VERDICTS}, "
                f"predicted one of {PREDICTED_VERDICTS}."
            )
        matrix[g][p] += 1
    return matrix


def word_count(text: str) -> int:
    """Number of whitespace-separated words (the reply-length baseline)."""
    return len(text.split())


# --------------------------------------------------------------------------- baselines


def _fit_tfidf(texts: list[str]) -> Any | None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer()
    try:
        vectorizer.fit(texts)
    except ValueError:  # empty vocabulary: no text has a token; every cosine is then 0
        return None
    return vectorizer


def tfidf_pair_cosine(messages: Sequence[str], replies: Sequence[str]) -> np.ndarray:
    """Cosine of TF-IDF vectors of each (message, reply) pair.

    The vectorizer (default ``TfidfVectorizer``, L2-normalised rows) is fitted on the given
    messages and replies, i.e. on the texts being evaluated.

    Examples
    --------
    >>> tfidf_pair_cosine(["lost bag", "late flight"], ["lost bag", "free wifi"]).round(3).tolist()
    [1.0, 0.0]
    """
    messages, replies = list(messages), list(replies)
    if len(messages) != len(replies):
        raise ValueError(f"Got {len(messages)} messages but {len(replies)} replies.")
    vectorizer = _fit_tfidf(messages + replies)
    if vectorizer is None or not messages:
        return np.zeros(len(messages))
    m = vectorizer.transform(messages)
    r = vectorizer.transform(replies)
    return np.asarray(m.multiply(r).sum(axis=1)).ravel()


def _reference_index(references: Sequence[Sequence[str]]) -> tuple[list[str], list[list[int]]]:
    unique: dict[str, int] = {}
    rows = [[unique.setdefault(text, len(unique)) for text in refs] for refs in references]
    return list(unique), rows


def _mean_over_references(similarity: np.ndarray, rows: list[list[int]]) -> np.ndarray:
    return np.array(
        [float(similarity[i, idx].mean()) if idx else math.nan for i, idx in enumerate(rows)]
    )


def tfidf_reference_cosine(
    replies: Sequence[str], references: Sequence[Sequence[str]]
) -> np.ndarray:
    """Mean TF-IDF cosine of each reply to its reference messages (genericness baseline).

    ``references[i]`` holds other customers' messages of reply ``i``'s company; a reply that
    fits all of them is generic. The vectorizer is fitted on replies and references.
    NaN for a reply with no references.
    """
    replies = list(replies)
    if len(replies) != len(references):
        raise ValueError(f"Got {len(replies)} replies but {len(references)} reference lists.")
    unique, rows = _reference_index(references)
    vectorizer = _fit_tfidf(replies + unique)
    if vectorizer is None or not unique:
        return np.array([0.0 if idx else math.nan for idx in rows])
    similarity = (vectorizer.transform(replies) @ vectorizer.transform(unique).T).toarray()
    return _mean_over_references(similarity, rows)


def _encode(encoder: Any, texts: list[str], *, batch_size: int, progress: bool) -> np.ndarray:
    vectors = encoder.encode(
        texts,
        batch_size=batch_size,
        normalize_embeddings=True,
        show_progress_bar=progress,
        convert_to_numpy=True,
    )
    return np.asarray(vectors, dtype=float)


def embedding_pair_cosine(
    encoder: Any,
    messages: Sequence[str],
    replies: Sequence[str],
    *,
    batch_size: int = 64,
    progress: bool = False,
) -> np.ndarray:
    """Cosine of sentence embeddings of each (message, reply) pair.

    Parameters
    ----------
    encoder : object
        Has ``encode(texts, batch_size=..., normalize_embeddings=True, ...)`` like a
        sentence-transformers model; each distinct text is encoded once.
    messages, replies : sequence of str
        Aligned pairs.
    """
    messages, replies = list(messages), list(replies)
    if len(messages) != len(replies):
        raise ValueError(f"Got {len(messages)} messages but {len(replies)} replies.")
    if not messages:
        return np.zeros(0)
    unique = list(dict.fromkeys(messages + replies))
    position = {text: i for i, text in enumerate(unique)}
    vectors = _encode(encoder, unique, batch_size=batch_size, progress=progress)
    m = vectors[[position[t] for t in messages]]
    r = vectors[[position[t] for t in replies]]
    return np.sum(m * r, axis=1)


def embedding_reference_cosine(
    encoder: Any,
    replies: Sequence[str],
    references: Sequence[Sequence[str]],
    *,
    batch_size: int = 64,
    progress: bool = False,
) -> np.ndarray:
    """Mean embedding cosine of each reply to its reference messages (genericness baseline).

    See :func:`tfidf_reference_cosine`; NaN for a reply with no references.
    """
    replies = list(replies)
    if len(replies) != len(references):
        raise ValueError(f"Got {len(replies)} replies but {len(references)} reference lists.")
    unique, rows = _reference_index(references)
    if not replies:
        return np.zeros(0)
    if not unique:
        return np.full(len(replies), math.nan)
    r = _encode(encoder, replies, batch_size=batch_size, progress=progress)
    m = _encode(encoder, unique, batch_size=batch_size, progress=progress)
    return _mean_over_references(r @ m.T, rows)


# --------------------------------------------------------------------------- sampling


def _text_key(text: str) -> str:
    # Replies that differ only in the @handle, spacing or case are the same reply.
    return _SPACE.sub(" ", _MENTION.sub("@user", text)).strip().lower()


def _is_opening(corpus: str, row: Mapping[str, Any]) -> bool:
    if corpus == "tweetsumm":
        return row.get("turn_pair_index") == 0
    if corpus == "stc3":
        return row.get("turn_index") == 1
    return True  # twcs_airlines and ibm_cdp hold first exchanges only


@dataclass(frozen=True)
class RankingGroup:
    """A customer message, the reply it really got, and replies sent to other customers."""

    message: str
    true_reply: str
    distractors: tuple[str, ...]
    opening: bool


def sample_ranking_groups(
    rows: Sequence[Mapping[str, Any]],
    corpus: str,
    *,
    n_messages: int = 300,
    n_distractors: int = N_DISTRACTORS,
    seed: int = 0,
) -> list[RankingGroup]:
    """Draw ranking groups: a customer message, its true reply, and other customers' replies.

    Rows without a company are left out (they cannot be grouped by company; pooling them as
    "unknown" would mix companies and make distractors easy to reject). A message is eligible
    when its company sent at least ``n_distractors`` distinct other replies; replies count as
    the same when they differ only in @handles, spacing or case. Up to ``n_messages`` eligible
    messages are drawn without replacement with ``numpy.random.default_rng(seed)``, then for
    each the distractors are drawn from the company's distinct replies other than the true one.

    Parameters
    ----------
    rows : sequence of mapping
        Corpus rows with ``company``, ``customer_message``, ``agent_reply``.
    corpus : str
        Corpus name; decides what counts as an opening exchange (TweetSumm
        ``turn_pair_index == 0``, STC-3 ``turn_index == 1``, every row otherwise).
    n_messages : int, default 300
        Maximum number of groups.
    n_distractors : int, default 9
        Distractor replies per group.
    seed : int, default 0
        Seed of the random generator; the same inputs and seed give the same groups.

    Returns
    -------
    list of RankingGroup
    """
    pools: dict[str, dict[str, str]] = {}
    for row in rows:
        company = row.get("company")
        if company:
            pools.setdefault(company, {}).setdefault(_text_key(row["agent_reply"]), row["agent_reply"])
    pool_lists = {company: list(pool.items()) for company, pool in pools.items()}
    eligible = [
        row
        for row in rows
        if row.get("company")
        and len(pools[row["company"]]) - (_text_key(row["agent_reply"]) in pools[row["company"]])
        >= n_distractors
    ]
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(eligible), size=min(n_messages, len(eligible)), replace=False)
    groups = []
    for index in chosen:
        row = eligible[int(index)]
        true_key = _text_key(row["agent_reply"])
        pool = pool_lists[row["company"]]
        # One extra draw so that dropping the true reply (if drawn) still leaves enough.
        draw = rng.choice(len(pool), size=min(len(pool), n_distractors + 1), replace=False)
        distractors = [pool[int(i)][1] for i in draw if pool[int(i)][0] != true_key]
        groups.append(
            RankingGroup(
                message=row["customer_message"],
                true_reply=row["agent_reply"],
                distractors=tuple(distractors[:n_distractors]),
                opening=_is_opening(corpus, row),
            )
        )
    return groups


def _reference_sets(
    companies: Sequence[str],
    own_messages: Sequence[str],
    pools: Mapping[str, Sequence[str]],
    *,
    k: int,
    seed: int,
) -> list[list[str]]:
    """Per item, ``k`` other customers' messages of its company.

    One fixed sample of ``k + 1`` distinct messages is drawn per company, so every reply of a
    company is compared against the same customers; an item's own message is dropped from it.
    A company with fewer than two distinct messages (so possibly no *other* customer) draws
    from all companies' messages instead.
    """
    rng = np.random.default_rng(seed)
    everyone = list({_text_key(m): m for pool in pools.values() for m in pool}.values())
    samples: dict[str, list[str]] = {}
    for company in sorted(set(companies)):
        distinct = list({_text_key(m): m for m in pools.get(company, ())}.values())
        if len(distinct) < 2:
            distinct = everyone
        size = min(k + 1, len(distinct))
        samples[company] = [distinct[int(i)] for i in rng.choice(len(distinct), size=size, replace=False)]
    return [
        [m for m in samples[company] if _text_key(m) != _text_key(own)][:k]
        for company, own in zip(companies, own_messages)
    ]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class MetricRow:
    """One number of an evaluation: tidy data, one row per (section, subset, metric, system).

    Attributes
    ----------
    section : str
        ``relevance``, ``usefulness``, ``boilerplate`` or ``gold``.
    subset : str
        Corpus and turns (``tweetsumm/opening``), a label (``relevant``), an A
        (``answer``) or a calibration target (``relevance~relevant``).
    metric : str
        E.g. ``roc_auc``, ``top1_accuracy``, ``spearman``, ``f1``, ``ece``.
    system : str
        ``replyqa``, ``tfidf``, ``minilm`` or ``length``.
    value : float
        NaN when undefined (e.g. AUC with one class).
    n : int
        Number of items (messages, replies or labelled pairs) the value was computed on.
    """

    section: str
    subset: str
    metric: str
    system: str
    value: float
    n: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; NaN becomes ``None``."""
        value = None if math.isnan(self.value) else float(self.value)
        return {
            "section": self.section,
            "subset": self.subset,
            "metric": self.metric,
            "system": self.system,
            "value": value,
            "n": int(self.n),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MetricRow:
        """Inverse of :meth:`to_dict`."""
        value = data["value"]
        return cls(
            section=data["section"],
            subset=data["subset"],
            metric=data["metric"],
            system=data["system"],
            value=math.nan if value is None else float(value),
            n=int(data["n"]),
        )


def _format_value(value: float) -> str:
    if math.isnan(value):
        return "-"
    if float(value).is_integer() and abs(value) >= 2:
        return str(int(value))
    return f"{value:.3f}"


@dataclass(frozen=True)
class EvaluationResult:
    """Everything :func:`evaluate` measured.

    Attributes
    ----------
    rows : tuple of MetricRow
        Every number, tidy.
    reliability : dict
        ``{target: [points]}`` for replyqa's calibration in the gold section (see
        :func:`reliability_curve`); targets are the keys of ``CALIBRATION_TARGETS``.
    confusion_matrices : dict
        ``{A: matrix}`` from :func:`verdict_confusion`, gold section.
    skipped : list of str
        Why a section, corpus or baseline was not evaluated.
    settings : dict
        The arguments and decisions the run used (seed, sample sizes, thresholds, ...).
    """

    rows: tuple[MetricRow, ...] = ()
    reliability: dict[str, list[dict[str, float]]] = field(default_factory=dict)
    confusion_matrices: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)

    def value(self, section: str, subset: str, metric: str, system: str = "replyqa") -> float:
        """The value of one row.

        Raises
        ------
        KeyError
            If no such row was measured.
        """
        for row in self.rows:
            if (row.section, row.subset, row.metric, row.system) == (section, subset, metric, system):
                return row.value
        raise KeyError(
            f"No result for section={section!r}, subset={subset!r}, metric={metric!r}, "
            f"system={system!r}. Use .to_frame() to see what was measured."
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict (NaN becomes ``None``); see :meth:`from_dict`."""
        return {
            "metrics": [row.to_dict() for row in self.rows],
            "reliability": {k: [dict(p) for p in v] for k, v in self.reliability.items()},
            "confusion_matrices": {
                k: {g: dict(cells) for g, cells in v.items()}
                for k, v in self.confusion_matrices.items()
            },
            "skipped": list(self.skipped),
            "settings": _jsonable(self.settings),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EvaluationResult:
        """Rebuild a result from :meth:`to_dict` output."""
        return cls(
            rows=tuple(MetricRow.from_dict(r) for r in data.get("metrics", ())),
            reliability={k: [dict(p) for p in v] for k, v in data.get("reliability", {}).items()},
            confusion_matrices={
                k: {g: dict(cells) for g, cells in v.items()}
                for k, v in data.get("confusion_matrices", {}).items()
            },
            skipped=list(data.get("skipped", ())),
            settings=dict(data.get("settings", {})),
        )

    def to_json(self, **kwargs: Any) -> str:
        """:meth:`to_dict` as a JSON string (keyword arguments go to ``json.dumps``)."""
        return json.dumps(self.to_dict(), **kwargs)

    def to_frame(self) -> pd.DataFrame:
        """A tidy pandas DataFrame with columns section, subset, metric, system, value, n.

        ``subset`` is the corpus (and turns), label, A or calibration target.
        """
        import pandas as pd

        columns = ["section", "subset", "metric", "system", "value", "n"]
        return pd.DataFrame(
            [[r.section, r.subset, r.metric, r.system, r.value, r.n] for r in self.rows],
            columns=columns,
        )

    def table(self) -> str:
        """A plain-text table: one line per (section, subset, metric), systems as columns."""
        systems = [s for s in SYSTEMS if any(r.system == s for r in self.rows)]
        lines_by_key: dict[tuple[str, str, str], dict[str, MetricRow]] = {}
        for row in self.rows:
            lines_by_key.setdefault((row.section, row.subset, row.metric), {})[row.system] = row
        header = ["section", "subset", "metric", "n", *systems]
        body = []
        for (section, subset, metric), by_system in lines_by_key.items():
            n = max(r.n for r in by_system.values())
            cells = [
                _format_value(by_system[s].value) if s in by_system else "" for s in systems
            ]
            body.append([section, subset, metric, str(n), *cells])
        widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
        numeric_from = 3

        def render(line: list[str]) -> str:
            return "  ".join(
                cell.rjust(w) if i >= numeric_from else cell.ljust(w)
                for i, (cell, w) in enumerate(zip(line, widths))
            ).rstrip()

        out = [render(header), "  ".join("-" * w for w in widths)] if body else []
        out += [render(line) for line in body]
        if self.skipped:
            out += ["", "Skipped:"] + [f"  - {reason}" for reason in self.skipped]
        if not out:
            out = ["(nothing evaluated)"]
        return "\n".join(out)

    def __str__(self) -> str:
        return self.table()


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(float(value)) else float(value)
    return value


# --------------------------------------------------------------------------- running


def resolve_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The corpora directory: ``data_dir``, else ``$REPLYQA_SHARED_DATA``, else ``../shared/data``.

    The last is relative to the current working directory.
    """
    if data_dir is not None:
        return Path(data_dir)
    from_env = os.environ.get(DATA_DIR_ENV)
    return Path(from_env) if from_env else DEFAULT_DATA_DIR


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


class _Skip(Exception):
    """A section or corpus cannot be evaluated; the message says why and how to fix it."""


class _Run:
    """State of one :func:`evaluate` call: lazy checker and encoder, caches, collected rows."""

    def __init__(
        self,
        checker: Any,
        encoder: Any,
        baselines: Sequence[str],
        data_dir: Path,
        *,
        batch_size: int,
        progress: bool,
    ) -> None:
        self._checker = checker
        self._encoder = encoder
        self.baselines = list(baselines)
        self.data_dir = data_dir
        self.batch_size = batch_size
        self.progress = progress
        self.rows: list[MetricRow] = []
        self.skipped: list[str] = []
        self.reliability: dict[str, list[dict[str, float]]] = {}
        self.confusion: dict[str, dict[str, dict[str, int]]] = {}
        self.settings: dict[str, Any] = {}
        self._corpora: dict[str, list[dict[str, Any]]] = {}

    # -- inputs

    def corpus(self, name: str, section: str) -> list[dict[str, Any]]:
        if name not in self._corpora:
            if not self.data_dir.is_dir():
                raise _Skip(
                    f"{section}/{name}: data directory {self.data_dir} does not exist "
                    f"(pass data_dir= or set {DATA_DIR_ENV})."
                )
            path = self.data_dir / CORPUS_FILES[name]
            if not path.is_file():
                raise _Skip(f"{section}/{name}: {path} not found.")
            self._corpora[name] = _read_jsonl(path)
        return self._corpora[name]

    def checker(self) -> Any:
        if self._checker is None:
            from replyqa.checker import Checker

            self._checker = Checker()
        return self._checker

    def check(self, messages: Sequence[str], replies: Sequence[str]) -> list[Any]:
        pairs = list(zip(messages, replies))
        return list(self.checker().check_many(pairs, batch_size=self.batch_size, progress=self.progress))

    def threshold(self, name: str) -> float:
        policy = getattr(self.checker(), "policy", None)
        return float(getattr(policy, name, FALLBACK_THRESHOLD))

    def encoder(self) -> Any | None:
        if self._encoder is None and "minilm" in self.baselines:
            try:
                from replyqa.models import load_encoder

                self._encoder = load_encoder()
            except Exception as exc:  # missing package or model: report it, keep evaluating
                self.baselines.remove("minilm")
                self.skipped.append(
                    f"minilm baseline: could not load the encoder ({type(exc).__name__}: {exc})."
                )
        return self._encoder

    # -- baselines

    def pair_baselines(self, messages: Sequence[str], replies: Sequence[str]) -> dict[str, np.ndarray]:
        scores: dict[str, np.ndarray] = {}
        if "tfidf" in self.baselines:
            scores["tfidf"] = tfidf_pair_cosine(messages, replies)
        if "minilm" in self.baselines and self.encoder() is not None:
            scores["minilm"] = embedding_pair_cosine(
                self.encoder(), messages, replies, batch_size=self.batch_size, progress=self.progress
            )
        return scores

    def reference_baselines(
        self, replies: Sequence[str], references: Sequence[Sequence[str]]
    ) -> dict[str, np.ndarray]:
        scores: dict[str, np.ndarray] = {}
        if "tfidf" in self.baselines:
            scores["tfidf"] = tfidf_reference_cosine(replies, references)
        if "minilm" in self.baselines and self.encoder() is not None:
            scores["minilm"] = embedding_reference_cosine(
                self.encoder(), replies, references, batch_size=self.batch_size, progress=self.progress
            )
        return scores

    # -- outputs

    def add(self, section: str, subset: str, metric: str, system: str, value: float, n: int) -> None:
        self.rows.append(MetricRow(section, subset, metric, system, float(value), int(n)))

    def result(self) -> EvaluationResult:
        return EvaluationResult(
            rows=tuple(self.rows),
            reliability=self.reliability,
            confusion_matrices=self.confusion,
            skipped=self.skipped,
            settings=self.settings,
        )


def _relevance_section(run: _Run, *, n_messages: int, seed: int) -> None:
    for corpus in CORPUS_FILES:
        try:
            rows = run.corpus(corpus, "relevance")
        except _Skip as skip:
            run.skipped.append(str(skip))
            continue
        groups = sample_ranking_groups(rows, corpus, n_messages=n_messages, seed=seed)
        if not groups:
            run.skipped.append(
                f"relevance/{corpus}: no message whose company sent {N_DISTRACTORS} other "
                f"distinct replies."
            )
            continue
        messages, replies, labels, group_ids, opening = [], [], [], [], []
        for g_id, group in enumerate(groups):
            for label, reply in [(1, group.true_reply)] + [(0, d) for d in group.distractors]:
                messages.append(group.message)
                replies.append(reply)
                labels.append(label)
                group_ids.append(g_id)
                opening.append(group.opening)
        scores = {"replyqa": np.array([r.scores.relevance for r in run.check(messages, replies)])}
        scores.update(run.pair_baselines(messages, replies))
        labels_a, groups_a, opening_a = np.array(labels), np.array(group_ids), np.array(opening)
        subsets = {"all": np.ones(len(labels), dtype=bool), "opening": opening_a, "later": ~opening_a}
        for subset, mask in subsets.items():
            if not mask.any():
                continue
            n = len(set(groups_a[mask].tolist()))
            for system, values in scores.items():
                metrics = ranking_metrics(values[mask], labels_a[mask], groups_a[mask])
                for metric in ("roc_auc", "top1_accuracy"):
                    run.add("relevance", f"{corpus}/{subset}", metric, system, metrics[metric], n)


def stc3_held_out(dialog_id: str) -> bool:
    """Whether an STC-3 dialogue is in the half kept for evaluation (a fixed hash of its id).

    ``scripts/train.py --research`` learns ``overall`` from the votes of the other half only.
    """
    return int(hashlib.sha256(str(dialog_id).encode()).hexdigest(), 16) % 2 == 1


def _usefulness_section(run: _Run) -> None:
    try:
        rows = run.corpus("stc3", "usefulness")
    except _Skip as skip:
        run.skipped.append(str(skip))
        return
    rows = [r for r in rows if r.get("reply_frac_HNaN") is not None]
    if not rows:
        run.skipped.append("usefulness/stc3: no row has reply_frac_HNaN.")
        return
    messages = [r["customer_message"] for r in rows]
    replies = [r["agent_reply"] for r in rows]
    useful_share = np.array([1.0 - float(r["reply_frac_HNaN"]) for r in rows])
    useful = (useful_share >= USEFUL_SHARE_THRESHOLD).astype(int)
    scores = {"replyqa": np.array([r.scores.overall for r in run.check(messages, replies)])}
    scores.update(run.pair_baselines(messages, replies))
    scores["length"] = np.array([word_count(r) for r in replies], dtype=float)
    held_out = np.array([stc3_held_out(r.get("dialog_id", r["id"])) for r in rows])
    for subset, mask in (("stc3", np.ones(len(rows), dtype=bool)), ("stc3/held_out", held_out)):
        for system, values in scores.items():
            n = int(mask.sum())
            run.add("usefulness", subset, "spearman", system, spearman(values[mask], useful_share[mask]), n)
            run.add("usefulness", subset, "roc_auc", system, roc_auc(useful[mask], values[mask]), n)
    run.settings["usefulness_positive_share"] = float(useful.mean())


def _boilerplate_section(run: _Run, *, company: str | None, n_per_class: int, seed: int) -> None:
    try:
        rows = run.corpus("twcs_airlines", "boilerplate")
    except _Skip as skip:
        run.skipped.append(str(skip))
        return
    if company is not None:
        rows = [r for r in rows if r.get("company") == company]
    first: dict[str, dict[str, Any]] = {}
    for row in rows:
        first.setdefault(row["agent_reply"], row)
    canned = [r for r in first.values() if r["reply_template_count"] >= CANNED_MIN_COUNT]
    one_off = [r for r in first.values() if r["reply_template_count"] == 1]
    where = f"company {company!r}" if company is not None else "all companies"
    if not canned or not one_off:
        run.skipped.append(
            f"boilerplate/twcs_airlines: {where} has {len(canned)} canned "
            f"(reply_template_count >= {CANNED_MIN_COUNT}) and {len(one_off)} one-off distinct "
            f"replies; both classes are needed (pass boilerplate_company=None for all companies)."
        )
        return
    rng = np.random.default_rng(seed)
    sample = []
    for label, pool in ((1, canned), (0, one_off)):
        picked = rng.choice(len(pool), size=min(n_per_class, len(pool)), replace=False)
        sample += [(label, pool[int(i)]) for i in sorted(picked)]
    labels = np.array([label for label, _ in sample])
    messages = [r["customer_message"] for _, r in sample]
    replies = [r["agent_reply"] for _, r in sample]
    companies = [r["company"] for _, r in sample]
    pools: dict[str, list[str]] = {}
    for row in rows:
        pools.setdefault(row["company"], []).append(row["customer_message"])
    references = _reference_sets(companies, messages, pools, k=N_REFERENCE_MESSAGES, seed=seed)
    scores = {"replyqa": np.array([r.scores.genericness for r in run.check(messages, replies)])}
    scores.update(run.reference_baselines(replies, references))
    subset = f"twcs_airlines/{company}" if company is not None else "twcs_airlines/all"
    for system, values in scores.items():
        run.add("boilerplate", subset, "roc_auc", system, roc_auc(labels, values), len(labels))
    run.settings["boilerplate_counts"] = {"canned": int(labels.sum()), "one_off": int((labels == 0).sum())}


def _gold_company(row: Mapping[str, Any]) -> str:
    return row.get("company") or str(row.get("source", "unknown"))


def _gold_section(run: _Run, *, gold_path: Path, split: str | None, seed: int) -> None:
    if not gold_path.is_file():
        run.skipped.append(f"gold: {gold_path} not found (see data/README.md for how it is built).")
        return
    all_rows = _read_jsonl(gold_path)
    malformed = [
        r.get("id", f"line {i + 1}")
        for i, r in enumerate(all_rows)
        if not isinstance(r.get("message"), str) or not isinstance(r.get("reply"), str)
    ]
    if malformed:
        run.skipped.append(
            f"gold: {len(malformed)} row(s) of {gold_path} lack a 'message' or 'reply' string "
            f"(first: {malformed[0]!r}); fix the file."
        )
        return
    rows = [r for r in all_rows if split is None or r.get("split") == split]
    if not rows:
        run.skipped.append(f"gold: {gold_path} has no rows with split={split!r}.")
        return
    reports = run.check([r["message"] for r in rows], [r["reply"] for r in rows])
    dev = [r for r in all_rows if r.get("split") == "dev"]
    # Baselines are scored on the evaluated rows and on dev rows (to pick their thresholds).
    baseline_rows = rows if split == "dev" else rows + dev
    base_pair = run.pair_baselines([r["message"] for r in baseline_rows], [r["reply"] for r in baseline_rows])
    pools: dict[str, list[str]] = {}
    for corpus in CORPUS_FILES:
        try:
            for row in run.corpus(corpus, "gold"):
                if row.get("company"):
                    pools.setdefault(row["company"], []).append(row["customer_message"])
        except _Skip:
            pass  # gold messages alone then serve as the reference pool
    for row in all_rows:
        pools.setdefault(_gold_company(row), []).append(row["message"])
    references = _reference_sets(
        [_gold_company(r) for r in baseline_rows],
        [r["message"] for r in baseline_rows],
        pools,
        k=N_REFERENCE_MESSAGES,
        seed=seed,
    )
    base_generic = run.reference_baselines([r["reply"] for r in baseline_rows], references)
    n_eval = len(rows)
    thresholds: dict[str, dict[str, float]] = {}

    for label, (score_name, threshold_name) in BINARY_LABELS.items():
        keep = [i for i, r in enumerate(rows) if r.get(label) in (0, 1)]
        y = [int(rows[i][label]) for i in keep]
        replyqa = np.array([getattr(reports[i].scores, score_name) for i in keep])
        t = run.threshold(threshold_name)
        thresholds[label] = {"replyqa": t}
        _add_binary(run, label, "replyqa", y, replyqa, t)
        baseline = base_generic if label == "generic" else base_pair
        dev_keep = [j for j, r in enumerate(dev) if r.get(label) in (0, 1)]
        for system, values in baseline.items():
            if split == "dev":  # in-sample: the evaluated rows are the dev rows
                dev_y, dev_scores = y, values[keep]
            else:  # dev rows follow the evaluated rows in baseline_rows
                dev_y = [int(dev[j][label]) for j in dev_keep]
                dev_scores = values[[n_eval + j for j in dev_keep]]
            thresholds[label][system] = _dev_threshold(dev_y, dev_scores)
            _add_binary(run, label, system, y, values[keep], thresholds[label][system])

    for name in FIVE_AS:
        keep = [i for i, r in enumerate(rows) if r.get(name) in GOLD_VERDICTS]
        gold = [rows[i][name] for i in keep]
        predicted = [reports[i].five_as[name].verdict for i in keep]
        y_true = [int(g == "fail") for g in gold]
        y_pred = [int(p == "fail") for p in predicted]
        for metric, value in binary_metrics(y_true, y_pred).items():
            run.add("gold", name, f"fail_{metric}", "replyqa", value, len(keep))
        agree = [_GOLD_TO_PREDICTED[g] == p for g, p in zip(gold, predicted)]
        run.add("gold", name, "accuracy", "replyqa", float(np.mean(agree)) if agree else math.nan, len(keep))
        run.confusion[name] = verdict_confusion(gold, predicted)

    for target, score_name in CALIBRATION_TARGETS.items():
        if target.startswith("overall"):
            keep = [i for i, r in enumerate(rows) if r.get("relevant") in (0, 1) and r.get("answer") in GOLD_VERDICTS]
            observed = [int(rows[i]["relevant"] == 1 and rows[i]["answer"] == "pass") for i in keep]
        else:
            label = target.split("~")[1]
            keep = [i for i, r in enumerate(rows) if r.get(label) in (0, 1)]
            observed = [int(rows[i][label]) for i in keep]
        predicted_scores = [float(np.clip(getattr(reports[i].scores, score_name), 0.0, 1.0)) for i in keep]
        run.add("gold", target, "ece", "replyqa", expected_calibration_error(predicted_scores, observed), len(keep))
        run.add("gold", target, "roc_auc", "replyqa", roc_auc(observed, predicted_scores), len(keep))
        run.reliability[target] = reliability_curve(predicted_scores, observed)

    run.settings["gold_thresholds"] = thresholds
    run.settings["gold_n"] = n_eval


def _dev_threshold(y: list[int], scores: np.ndarray) -> float:
    defined = ~np.isnan(scores)
    kept = [v for v, ok in zip(y, defined) if ok]
    return best_f1_threshold(kept, scores[defined]) if kept else math.nan


def _add_binary(run: _Run, label: str, system: str, y: list[int], scores: np.ndarray, threshold: float) -> None:
    defined = ~np.isnan(scores)  # a baseline can lack a score (no reference message at all)
    y = [v for v, ok in zip(y, defined) if ok]
    scores = scores[defined]
    n = len(y)
    if math.isnan(threshold):
        metrics = {"precision": math.nan, "recall": math.nan, "f1": math.nan, "kappa": math.nan}
    else:
        metrics = binary_metrics(y, (scores >= threshold).astype(int).tolist())
    for metric, value in metrics.items():
        run.add("gold", label, metric, system, value, n)
    run.add("gold", label, "roc_auc", system, roc_auc(y, scores), n)
    run.add("gold", label, "threshold", system, threshold, n)


def evaluate(
    checker: Any = None,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    gold_path: str | os.PathLike[str] = DEFAULT_GOLD_PATH,
    sections: Sequence[str] = SECTIONS,
    n_messages: int = 300,
    seed: int = 0,
    gold_split: str | None = "test",
    progress: bool = False,
    baselines: Sequence[str] = BASELINES,
    encoder: Any = None,
    boilerplate_company: str | None = DEFAULT_BOILERPLATE_COMPANY,
    n_boilerplate: int = DEFAULT_N_BOILERPLATE,
    batch_size: int = 64,
) -> EvaluationResult:
    """Evaluate a checker on real conversations and labelled pairs, next to baselines.

    Parameters
    ----------
    checker : Checker, optional
        The system under test; ``replyqa.checker.Checker()`` when omitted (created only if a
        section has data). Anything with ``check_many(pairs, batch_size=, progress=)``
        returning reports, and a ``policy`` with the thresholds, will do.
    data_dir : path, optional
        Directory of the corpora (see :func:`resolve_data_dir` for the default).
    gold_path : path, default "data/gold.jsonl"
        Hand-labelled pairs (format in SPEC.md, plus ``split`` dev/test and ``company``).
    sections : sequence of str, default all
        Any of ``relevance``, ``usefulness``, ``boilerplate``, ``gold``.
    n_messages : int, default 300
        Customer messages sampled per corpus for relevance ranking (each with its true reply
        and 9 replies the same company sent to other customers).
    seed : int, default 0
        Seed of every random draw; each section and corpus starts a fresh generator from it,
        so one section's sample does not depend on which other sections ran.
    gold_split : str or None, default "test"
        Gold rows whose ``split`` equals this; ``None`` for all rows.
    progress : bool, default False
        Show progress bars of the checker and the encoder.
    baselines : sequence of str, default ("tfidf", "minilm")
        Baselines to run next to replyqa.
    encoder : object, optional
        Sentence encoder for the ``minilm`` baseline; ``replyqa.models.load_encoder()`` when
        omitted. Inject one in tests.
    boilerplate_company : str or None, default None
        Restrict the boilerplate section to one TWCS airline; ``None`` (default) for all three,
        none of which was used for training.
    n_boilerplate : int, default 600
        Maximum distinct replies sampled per class (canned, one-off) for boilerplate.
    batch_size : int, default 64
        Batch size passed to the checker and the encoder.

    Returns
    -------
    EvaluationResult
        Tidy rows for every metric and system, reliability curves, confusion matrices, and
        the reasons for anything skipped.

    Notes
    -----
    Decisions:

    - Relevance: rows with no company are left out (STC-3 has many; see
      :func:`sample_ranking_groups`). Top-1 gives fractional credit for ties at the top.
      Subsets: ``all``, ``opening`` (TweetSumm ``turn_pair_index == 0``, STC-3
      ``turn_index == 1``, every TWCS and IBM row) and ``later``, each when non-empty.
    - Usefulness: all STC-3 rows; useful share = ``1 - reply_frac_HNaN``; replyqa uses
      ``overall``.
    - Boilerplate: one row per distinct TWCS reply text paired with the first customer
      message it answered; canned = ``reply_template_count >= 5``, one-off = ``== 1``.
    - Gold: replyqa predicts positive when its score >= the policy threshold. A baseline has
      no calibrated threshold, so it gets the threshold that maximises F1 on the dev split
      (in-sample when ``gold_split`` is ``"dev"`` or ``None``), which flatters it. The genericness
      baseline's reference messages come from the corpora (same company) and the gold file.
      ECE and reliability points are for replyqa only: cosines are not probabilities.

    Examples
    --------
    >>> from replyqa.evaluate import evaluate
    >>> result = evaluate(sections=("usefulness",))  # doctest: +SKIP
    >>> result.to_frame().query("metric == 'spearman'")  # doctest: +SKIP
    """
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        raise ValueError(f"Unknown section(s) {unknown} in evaluate(); choose from {list(SECTIONS)}.")
    unknown = [b for b in baselines if b not in BASELINES]
    if unknown:
        raise ValueError(f"Unknown baseline(s) {unknown} in evaluate(); choose from {list(BASELINES)}.")
    for name, value in (("n_messages", n_messages), ("n_boilerplate", n_boilerplate), ("batch_size", batch_size)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"The '{name}' argument of evaluate() must be a positive int. Got {value!r} instead.")

    resolved = resolve_data_dir(data_dir)
    run = _Run(checker, encoder, baselines, resolved, batch_size=batch_size, progress=progress)
    run.settings.update(
        {
            "data_dir": str(resolved),
            "gold_path": str(gold_path),
            "sections": list(sections),
            "n_messages": n_messages,
            "seed": seed,
            "gold_split": gold_split,
            "baselines": list(baselines),
            "boilerplate_company": boilerplate_company,
            "n_boilerplate": n_boilerplate,
            "n_distractors": N_DISTRACTORS,
            "n_reference_messages": N_REFERENCE_MESSAGES,
            "canned_min_count": CANNED_MIN_COUNT,
            "calibration_bins": N_CALIBRATION_BINS,
        }
    )
    if "relevance" in sections:
        _relevance_section(run, n_messages=n_messages, seed=seed)
    if "usefulness" in sections:
        _usefulness_section(run)
    if "boilerplate" in sections:
        _boilerplate_section(run, company=boilerplate_company, n_per_class=n_boilerplate, seed=seed)
    if "gold" in sections:
        _gold_section(run, gold_path=Path(gold_path), split=gold_split, seed=seed)
    run.settings["baselines_run"] = list(run.baselines)
    return run.result()
