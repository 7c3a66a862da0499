"""Findings that are not scores: tone problems, unfilled placeholders, unconditional promises."""
from __future__ import annotations

import re
from functools import cache

from .. import resources
from ..prepare import Prepared
from ..report import Finding, Span

__all__ = ["TALKS_PAST_FACTOR", "TONE_CODES", "find_findings", "talks_past"]

# How much relevance is left when the draft is built on something the customer said is missing.
TALKS_PAST_FACTOR = 0.35

TONE_CODES = ("tone.mocking", "tone.blaming", "tone.arguing", "tone.defensive")
_TEXT = {
    "tone.mocking": ("The draft mocks or belittles the customer.", "Drop the sarcasm; restate their problem and what you will do about it."),
    "tone.blaming": ("The draft blames the customer.", "Explain what went wrong without fault-finding, then say how you will fix it."),
    "tone.arguing": ("The draft argues with the customer.", "Acknowledge how they see it before correcting facts, and offer a way forward."),
    "tone.defensive": ("The draft defends the system or policy instead of answering.", "Say what the customer can do now, or what you will do, not how the system is set up."),
    "placeholder": ("The draft contains an unfilled template placeholder.", "Replace it with the real value before sending."),
    "promise": ("The draft makes a promise it cannot keep unconditionally.", "Promise the concrete step you control (for example a refund by a date), not an absolute."),
}


@cache
def _placeholder_regex() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in resources.patterns()["regex"]["placeholder"]))


def find_findings(draft: Prepared) -> tuple[Finding, ...]:
    """Tone, placeholder and promise findings in the draft, each with its exact span."""
    out: list[Finding] = []
    for code in TONE_CODES + ("promise",):
        for span in draft.cue_evidence(code, limit=5):
            message, suggestion = _TEXT[code]
            out.append(Finding(code, message, span, suggestion))
    limit = draft.clean.ends[-1] if draft.clean.ends else 0  # not in quoted history or sign-offs
    for m in _placeholder_regex().finditer(draft.raw, 0, limit):
        message, suggestion = _TEXT["placeholder"]
        out.append(Finding("placeholder", message, Span("draft", m.start(), m.end(), m.group()), suggestion))
    return tuple(out)


def talks_past(message: Prepared, draft: Prepared) -> tuple[Finding, ...]:
    """Draft sentences that presuppose what the customer said they do not have.

    The customer writes "there was no promo code in the e-mail"; a reply explaining where to
    type the promo code answers a question nobody asked. Found with spaCy's dependency parse:
    nouns under ``no``/``without``/a negated "get"/"have" in the message, mentioned again in a
    draft sentence that neither negates nor apologises.
    """
    absent = frozenset().union(*(s.absent for s in message.sentences)) if message.sentences else frozenset()
    # what the customer asks for ("can you send a new bulb?") may of course be mentioned
    asked = frozenset().union(*(s.lemmas for s in message.sentences if s.is_question or s.is_request))
    absent -= asked
    if not absent:
        return ()
    phrases = [p for s in message.sentences for p in s.absent_phrases]
    out = []
    for j, sent in enumerate(draft.sentences):
        shared = sent.lemmas & absent
        # providing the missing thing ("I've sent a new charger") is the answer, not talking past
        if shared and not sent.negated and not sent.is_question and not ({"apology", "commitment"} & sent.cues):
            thing = next((p for p in phrases if any(w in p.lower() for w in shared)), sorted(shared)[0])
            out.append(Finding(
                "talks_past",
                f"The draft talks about the {thing} the customer said they did not have.",
                draft.sentence_span(j),
                f"Start from what they said (no {thing}) and say what you will do about it.",
            ))
    return tuple(out)
