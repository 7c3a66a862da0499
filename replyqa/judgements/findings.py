"""Findings that are not scores: tone problems, unfilled placeholders, unconditional promises."""
from __future__ import annotations

import re
from functools import lru_cache

from .. import resources
from ..prepare import Prepared
from ..report import Finding, Span

__all__ = ["find_findings", "TONE_CODES"]

TONE_CODES = ("tone.mocking", "tone.blaming", "tone.arguing", "tone.defensive")
_TEXT = {
    "tone.mocking": ("The draft mocks or belittles the customer.", "Drop the sarcasm; restate their problem and what you will do about it."),
    "tone.blaming": ("The draft blames the customer.", "Explain what went wrong without fault-finding, then say how you will fix it."),
    "tone.arguing": ("The draft argues with the customer.", "Acknowledge how they see it before correcting facts, and offer a way forward."),
    "tone.defensive": ("The draft defends the system or policy instead of answering.", "Say what the customer can do now, or what you will do, not how the system is set up."),
    "placeholder": ("The draft contains an unfilled template placeholder.", "Replace it with the real value before sending."),
    "promise": ("The draft makes a promise it cannot keep unconditionally.", "Promise the concrete step you control (for example a refund by a date), not an absolute."),
}


@lru_cache(maxsize=None)
def _placeholder_regex() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in resources.patterns()["regex"]["placeholder"]))


def find_findings(draft: Prepared) -> tuple[Finding, ...]:
    """Tone, placeholder and promise findings in the draft, each with its exact span."""
    out: list[Finding] = []
    for code in TONE_CODES + ("promise",):
        for span in draft.cue_evidence(code, limit=5):
            message, suggestion = _TEXT[code]
            out.append(Finding(code, message, span, suggestion))
    raw = draft.raw[: len(draft.raw)]
    limit = draft.clean.ends[-1] if draft.clean.ends else 0
    for m in _placeholder_regex().finditer(raw, 0, limit):
        message, suggestion = _TEXT["placeholder"]
        out.append(Finding("placeholder", message, Span("draft", m.start(), m.end(), m.group()), suggestion))
    return tuple(out)
