"""Shared measurements between a prepared message and draft, computed once per check.

Everything downstream (relevance, genericness, questions, the As) reads a :class:`PairFeatures`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..prepare import Prepared

__all__ = ["TOP_K", "PairFeatures", "measure"]

TOP_K = 10  # how many of the most similar other customers' messages the swap test averages
SAME_MESSAGE = 0.98  # a bank message this close to the customer's message is the same message


@dataclass(frozen=True)
class PairFeatures:
    """Alignment of message sentences (rows) to draft sentences (columns), and swap tests."""

    sim: np.ndarray  # cosine, message sentence x draft sentence
    overlap: np.ndarray  # shared content lemmas/entities, message sentence x draft sentence
    support: np.ndarray  # how strongly draft sentence j takes up message sentence i, in [0, 1]
    doc_cos: float  # whole message vs whole draft
    doc_margin: float  # doc_cos minus the draft's fit to other customers' messages
    csls: float  # doc_cos corrected for both hubs: 2 cos - draft's fit to others - message's fit to replies in general
    sent_margin: np.ndarray  # per draft sentence: fit to this message minus fit to others
    canned: np.ndarray  # per draft sentence: similarity to the nearest canned sentence
    lexical: float  # share of the message's content words and entities the draft takes up
    coverage: float  # length-weighted share of message sentences the draft takes up


def _top_mean(scores: np.ndarray, k: int) -> np.ndarray:
    """Mean of the k largest values along the last axis."""
    if scores.shape[-1] == 0:
        return np.zeros(scores.shape[:-1], dtype=np.float32)
    k = min(k, scores.shape[-1])
    return np.sort(scores, axis=-1)[..., -k:].mean(axis=-1)


def measure(message: Prepared, draft: Prepared, bank: np.ndarray, replies: np.ndarray, canned: np.ndarray) -> PairFeatures:
    """Compute every shared measurement of one pair (pure numpy; no model calls)."""
    m_sents, d_sents = message.sentences, draft.sentences
    sim = message.vectors @ draft.vectors.T if len(m_sents) and len(d_sents) else np.zeros((len(m_sents), len(d_sents)))
    overlap = np.zeros_like(sim)
    for i, ms in enumerate(m_sents):
        keys = ms.lemmas | ms.entities
        for j, ds in enumerate(d_sents):
            overlap[i, j] = len(keys & (ds.lemmas | ds.entities))
    support = np.clip((sim - 0.15) / 0.55, 0, 1) * 0.75 + np.minimum(overlap, 2) * 0.125
    # swap test against real messages other customers wrote (the bank), excluding this one
    if len(bank):
        same = bank @ message.vector >= SAME_MESSAGE
        others = bank[~same] if same.any() else bank
    else:
        others = bank
    doc_cos = float(message.vector @ draft.vector) if len(d_sents) and len(m_sents) else 0.0
    doc_fit_others = float(_top_mean((others @ draft.vector)[None, :], TOP_K)[0]) if len(others) and len(d_sents) else 0.0
    if len(d_sents):
        fit_this = draft.vectors @ message.vector
        fit_others = _top_mean(draft.vectors @ others.T, TOP_K) if len(others) else np.zeros(len(d_sents))
        sent_margin = fit_this - fit_others
        canned_sim = (draft.vectors @ canned.T).max(axis=1) if len(canned) else np.zeros(len(d_sents))
    else:
        sent_margin = canned_sim = np.zeros(0)
    # cross-domain similarity local scaling (CSLS): a message that resembles every reply is a hub too
    message_fit = float(_top_mean((replies @ message.vector)[None, :], TOP_K)[0]) if len(replies) and len(m_sents) else 0.0
    m_keys = message.lemmas | message.entities
    d_keys = draft.lemmas | draft.entities
    lexical = len(m_keys & d_keys) / max(1, min(len(m_keys), 6))
    weights = np.array([s.n_tokens for s in m_sents], dtype=np.float32)
    coverage = float((support.max(axis=1) * weights).sum() / weights.sum()) if support.size else 0.0
    return PairFeatures(
        sim=sim,
        overlap=overlap,
        support=support,
        doc_cos=doc_cos,
        doc_margin=doc_cos - doc_fit_others,
        csls=2 * doc_cos - doc_fit_others - message_fit,
        sent_margin=np.asarray(sent_margin, dtype=np.float32),
        canned=np.asarray(canned_sim, dtype=np.float32),
        lexical=min(1.0, lexical),
        coverage=coverage,
    )
