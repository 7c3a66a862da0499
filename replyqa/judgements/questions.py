"""The customer's questions and requests, and the draft sentence that takes each one up."""
from __future__ import annotations

from collections.abc import Sequence

from ..config import Policy
from ..prepare import Prepared
from ..report import Question
from .features import PairFeatures

__all__ = ["ANSWER_TYPES", "find_questions"]

# What kind of sentence can answer which kind of question: a "when" question is answered by a
# time or date, "how much" by an amount, "what will you do" by a commitment, "how do I" by steps.
ANSWER_TYPES = {
    "when": ("time",),
    "how long": ("time",),
    "how soon": ("time",),
    "how much": ("money",),
    "how many": ("money",),
    "what do": ("commitment", "next_step"),
    "how do": ("next_step", "url"),
    "how can": ("next_step", "url"),
    "how": ("next_step", "url"),
    "where": ("url", "next_step"),
    "why": ("apology",),
}
TYPE_MATCH = 0.65  # support credited to a specific sentence of the kind the question asks for


def _type_match(wh: str, cues: frozenset[str], imperative: bool) -> bool:
    wanted = ANSWER_TYPES.get(wh, ())
    return any(c in cues for c in wanted) or ("next_step" in wanted and imperative)


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
            d = draft.sentences[j]
            support = float(f.support[i, j])
            if sent.wh and _type_match(sent.wh, d.cues, d.imperative):
                support = max(support, TYPE_MATCH)
            score = support * (1.0 - 0.6 * sentence_generic[j])
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
