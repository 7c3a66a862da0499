"""The four calibrated scores: relevance, acknowledgement, genericness and overall.

Each score is a logistic combination of measurements from :mod:`.features` whose weights,
and an isotonic calibration map, are learned from real data by ``scripts/train.py`` and
shipped in ``resources/weights.json``. Until trained weights exist the defaults below apply.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from ..prepare import Prepared
from .features import PairFeatures

__all__ = [
    "DEFAULT_WEIGHTS",
    "acknowledgement_features",
    "combine",
    "genericness_features",
    "relevance_features",
    "sentence_genericness",
]

# Hand-set starting points, replaced by learned weights from resources/weights.json
# (scripts/train.py); a feature a model does not name has weight 0.
DEFAULT_WEIGHTS: dict[str, dict] = {
    "relevance": {"bias": -3.0, "w": {"doc_cos": 4.0, "doc_margin": 6.0, "coverage": 2.0, "lexical": 1.5, "specific_share": 1.0}},
    "sentence_genericness": {"bias": 0.5, "w": {"canned": 3.0, "margin": -8.0, "takes_up": -1.5, "generic_cue": 1.0, "short": 0.5}},
    "genericness": {"bias": -3.0, "w": {"mean_sentence": 6.0}},
    "acknowledgement": {"bias": -3.0, "w": {"specific_ack": 4.0, "generic_ack": 1.5, "restates": 2.5}},
    "overall": {"bias": -4.0, "w": {"relevance": 2.5, "acknowledgement": 1.0, "genericness": -1.5, "answer": 2.0, "as_passed": 1.5, "tone": -2.0, "length": 0.5}},
}

CERTAIN_BOILERPLATE = 0.98  # sentence genericness at which a sentence is boilerplate beyond doubt
GENERIC_CUES = ("generic_ack", "thanks", "contact", "apology", "vague")
ACK_CUES = ("apology", "empathy", "thanks")


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


def combine(name: str, features: Mapping[str, float], weights: Mapping[str, dict]) -> float:
    """Logistic combination of named features, then the score's calibration map if any."""
    model = weights.get(name) or DEFAULT_WEIGHTS[name]
    z = model["bias"] + sum(w * float(features.get(k, 0.0)) for k, w in model["w"].items())
    p = _sigmoid(z)
    calib = model.get("calibration")
    if calib:
        # isotonic maps have flat steps; a sliver of the raw score keeps the order within a step
        p = 0.99 * float(np.interp(p, calib["x"], calib["y"])) + 0.01 * p
    return float(min(1.0, max(0.0, p)))


def sentence_genericness(message: Prepared, draft: Prepared, f: PairFeatures, weights: Mapping[str, dict]) -> list[float]:
    """Per draft sentence: how likely it would fit any customer's message unchanged."""
    out = []
    for j, sent in enumerate(draft.sentences):
        takes_up = float(f.overlap[:, j].max()) if f.overlap.size else 0.0
        feats = {
            "canned": float(f.canned[j]),
            "margin": float(f.sent_margin[j]),
            "takes_up": min(takes_up, 2.0),
            "generic_cue": float(any(c in sent.cues for c in GENERIC_CUES)),
            "short": float(sent.n_tokens <= 6),
        }
        out.append(combine("sentence_genericness", feats, weights))
    return out


def genericness_features(draft: Prepared, f: PairFeatures, sentence_scores: Sequence[float]) -> dict[str, float]:
    if not sentence_scores:
        return {"mean_sentence": 1.0, "min_sentence": 1.0, "max_canned": 1.0, "mean_margin": 0.0,
                "lexical": 0.0, "doc_margin": 0.0, "log_sentences": 0.0, "generic_cue_share": 1.0}
    w = np.sqrt(np.array([s.n_tokens for s in draft.sentences], dtype=np.float32))
    cue = [float(any(c in s.cues for c in GENERIC_CUES)) for s in draft.sentences]
    return {
        "mean_sentence": float(np.dot(w, sentence_scores) / w.sum()),
        "min_sentence": float(min(sentence_scores)),
        "max_canned": float(f.canned.max()),
        "mean_margin": float(np.dot(w, f.sent_margin) / w.sum()),
        "lexical": f.lexical,
        "doc_margin": f.doc_margin,
        "log_sentences": float(np.log1p(len(sentence_scores))),
        "generic_cue_share": float(np.mean(cue)),
    }


def relevance_features(message: Prepared, draft: Prepared, f: PairFeatures, sentence_scores: Sequence[float]) -> dict[str, float]:
    specific = [1.0 - g for g in sentence_scores]
    best_sim = float(f.sim.max()) if f.sim.size else 0.0
    return {
        "doc_cos": f.doc_cos,
        "doc_margin": f.doc_margin,
        "coverage": f.coverage,
        "lexical": f.lexical,
        "specific_share": float(max(specific)) if specific else 0.0,
        "best_sentence_sim": best_sim,
        "max_sent_margin": float(f.sent_margin.max()) if f.sent_margin.size else 0.0,
        "entity_overlap": float(bool(message.entities & draft.entities)),
        "csls": f.csls,
    }


def acknowledgement_features(message: Prepared, draft: Prepared, f: PairFeatures) -> tuple[dict[str, float], list[int]]:
    """Features, and the draft sentences that acknowledge the customer's specific problem."""
    specific, generic, restates = [], [], 0.0
    for j, sent in enumerate(draft.sentences):
        ack = any(c in sent.cues for c in ACK_CUES)
        takes_up = float(f.support[:, j].max()) if f.support.size else 0.0
        names_it = bool(f.overlap[:, j].max() >= 1) if f.overlap.size else False
        if ack and (names_it or takes_up >= 0.6):
            specific.append(j)
        elif ack:
            generic.append(j)
        if not sent.is_question and names_it:
            restates = max(restates, takes_up)
    feats = {
        "specific_ack": float(bool(specific)),
        "generic_ack": float(bool(generic)),
        "restates": restates,
        "lexical": f.lexical,
        "apology": float(draft.has("apology")),
        "empathy": float(draft.has("empathy")),
        "thanks": float(draft.has("thanks")),
        "coverage": f.coverage,
    }
    return feats, specific
