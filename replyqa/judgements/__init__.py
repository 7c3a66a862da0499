"""Pure scoring: two prepared texts in, a :class:`~replyqa.report.Report` out.

One module per concern: :mod:`.features` (alignment and swap tests), :mod:`.scores`,
:mod:`.questions`, :mod:`.findings` (tone, placeholders, promises), :mod:`.five_as`.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..config import Policy
from ..prepare import Prepared
from ..report import AVerdict, Finding, Question, Report, Scores, SentenceNote
from . import scores as _scores
from .features import PairFeatures, measure
from .findings import TALKS_PAST_FACTOR, TONE_CODES, find_findings, talks_past
from .five_as import judge_five_as
from .questions import find_questions

__all__ = ["PairFeatures", "ScoredPair", "empty_draft_report", "judge", "measure", "score_pair"]


@dataclass(frozen=True)
class ScoredPair:
    """Everything :func:`judge` computes before it writes the report (training reads ``inputs``)."""

    f: PairFeatures
    inputs: dict[str, dict[str, float]]  # the named features each learned score combines
    scores: Scores
    sentence_generic: list[float]
    questions: tuple[Question, ...]
    findings: tuple[Finding, ...]
    five_as: dict[str, AVerdict]
    answer_score: float


def score_pair(message: Prepared, draft: Prepared, *, bank: np.ndarray, replies: np.ndarray, canned: np.ndarray,
               weights: Mapping[str, Any], policy: Policy, cross: float | None = None) -> ScoredPair:
    """Compute the scores, questions, findings and 5 As of one pair (``cross``: a cross-encoder's
    logit for the pair, a relevance feature when the checker has one)."""
    f = measure(message, draft, bank, replies, canned)
    sent_generic = _scores.sentence_genericness(message, draft, f, weights)
    inputs = {"genericness": _scores.genericness_features(draft, f, sent_generic),
              "relevance": _scores.relevance_features(message, draft, f, sent_generic)}
    if cross is not None:
        inputs["relevance"]["cross"] = float(cross)
    inputs["acknowledgement"], ack_sentences = _scores.acknowledgement_features(message, draft, f)
    # SPEC: 1.0 means every sentence would fit any customer's message unchanged, so a draft whose
    # every sentence is certainly boilerplate is that generic (the threshold was chosen on gold
    # dev, where it leaves calibration as it is; lower ones over-flag)
    genericness = _scores.combine("genericness", inputs["genericness"], weights)
    if min(sent_generic) >= _scores.CERTAIN_BOILERPLATE:
        genericness = max(genericness, min(sent_generic))
    relevance = _scores.combine("relevance", inputs["relevance"], weights)
    acknowledgement = _scores.combine("acknowledgement", inputs["acknowledgement"], weights)
    questions = find_questions(message, draft, f, sent_generic, policy)
    findings = find_findings(draft) + talks_past(message, draft)
    tone = float(any(x.code in TONE_CODES for x in findings))
    if any(x.code == "talks_past" for x in findings):
        # a reply built on something the customer said they do not have answers someone else,
        # and has not recognised their problem
        relevance *= TALKS_PAST_FACTOR
        acknowledgement *= TALKS_PAST_FACTOR

    # SPEC: every question is taken up individually, so the least answered one bounds the score; a
    # partial take-up counts partly (all-or-nothing failed more gold-dev drafts that annotators
    # saw answered)
    answered = min((min(1.0, q.score / policy.question_answered_threshold) for q in questions), default=1.0)
    answer_score = relevance * answered * (1.0 - max(0.0, genericness - 0.5)) * (1.0 - 0.5 * tone)
    provisional = Scores(relevance, acknowledgement, genericness, 0.0)
    five_as, a_inputs = judge_five_as(message, draft, provisional, answer_score, questions, ack_sentences,
                                      sent_generic, findings, policy, weights)
    inputs.update({f"a.{k}": v for k, v in a_inputs.items()})
    applicable = [a for a in five_as.values() if a.verdict != "not_applicable"]
    inputs["overall"] = {
        "relevance": relevance,
        "acknowledgement": acknowledgement,
        "genericness": genericness,
        "answer": answer_score,
        "as_passed": sum(a.verdict == "pass" for a in applicable) / max(1, len(applicable)),
        "tone": tone,
        "length": min(1.0, sum(s.n_tokens for s in draft.sentences) / 40.0),
        "long": min(1.0, sum(s.n_tokens for s in draft.sentences) / 120.0),
        "unanswered": float(answered < 1.0),
    }
    # a learned overall may also read the measurements behind the other scores and the Answer
    # check (what the message asks, whether it only thanks, what the draft does): "useful"
    # depends on them beyond the scores
    for group in ("relevance", "genericness", "acknowledgement", "a.answer"):
        inputs["overall"].update({f"{group}.{k}": v for k, v in inputs[group].items()})
    overall = _scores.combine("overall", inputs["overall"], weights)
    return ScoredPair(f, inputs, Scores(relevance, acknowledgement, genericness, overall), sent_generic,
                      questions, findings, five_as, answer_score)


def judge(message: Prepared, draft: Prepared, *, bank: np.ndarray, replies: np.ndarray, canned: np.ndarray,
          weights: Mapping[str, Any], policy: Policy, cross: float | None = None) -> Report:
    """Score one pair and explain the verdicts."""
    scored = score_pair(message, draft, bank=bank, replies=replies, canned=canned, weights=weights, policy=policy,
                        cross=cross)
    f, sent_generic = scored.f, scored.sentence_generic
    notes = tuple(
        SentenceNote(
            span=draft.sentence_span(j),
            boilerplate=g >= policy.sentence_boilerplate_threshold,
            genericness=round(g, 4),
            takes_up=tuple(message.sentence_span(i) for i in np.flatnonzero(f.support[:, j] >= 0.5)[:3]),
        )
        for j, g in enumerate(sent_generic)
    )
    flags = tuple(f"message_{x}" if x == "truncated" else x for x in message.flags) + tuple(
        f"draft_{x}" for x in draft.flags if x == "truncated")
    if message.language != "en" or draft.language != "en":
        flags += ("language_not_supported",)
    return Report(
        message=message.raw,
        draft=draft.raw,
        scores=Scores(*(round(x, 4) for x in vars(scored.scores).values())),
        five_as=scored.five_as,
        questions=scored.questions,
        sentences=notes,
        findings=scored.findings,
        flags=tuple(dict.fromkeys(flags)),
        language=message.language if message.language != "en" else draft.language,
        threshold=policy.overall_threshold,
    )


def empty_draft_report(message: Prepared, draft: str, policy: Policy) -> Report:
    """The defined result for an empty or whitespace-only draft: every applicable A fails."""
    from ..report import AVerdict

    reason = "The draft is empty."
    five_as = {
        name: AVerdict(name, "fail", 0.0, (), reason, "Write a reply that answers the customer's message.")
        for name in ("anticipate", "accessible", "acknowledge", "answer", "assure")
    }
    return Report(
        message=message.raw, draft=draft, scores=Scores(0.0, 0.0, 1.0, 0.0), five_as=five_as,
        flags=("empty_draft",), language=message.language, threshold=policy.overall_threshold,
    )
