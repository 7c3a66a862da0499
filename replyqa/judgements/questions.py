"""The customer's questions and requests, and the draft sentence that takes each one up."""
from __future__ import annotations

from typing import Sequence

from ..config import Policy
from ..prepare import Prepared
from ..report import Question
from .features import PairFeatures

__all__ = ["find_questions"]


def find_questions(
    message: Prepared, draft: Prepared, f: PairFeatures, sentence_generic: Sequence[float], policy: Policy
) -> tuple[Question, ...]:
    """Each question or request in the message, answered when a specific draft sentence takes it up."""
    out = []
    for i, sent in enumerate(message.sentences):
        if not (sent.is_question or sent.is_request):
            continue
        best_j, best = -1, 0.0
        for j in range(len(draft.sentences)):
            # a boilerplate sentence cannot answer a question, however similar it sounds
            score = float(f.support[i, j]) * (1.0 - 0.6 * sentence_generic[j])
            if score > best:
                best_j, best = j, score
        answered = best >= policy.question_answered_threshold
        out.append(
            Question(
                span=message.sentence_span(i),
                kind="question" if sent.is_question else "request",
                answered=answered,
                score=round(min(1.0, best), 4),
                answer=draft.sentence_span(best_j) if answered else None,
            )
        )
    return tuple(out)
