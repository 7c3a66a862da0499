"""One frozen policy object: every threshold and limit replyqa uses, with named defaults.

Change behaviour with :func:`dataclasses.replace` or keyword arguments::

    policy = Policy(relevance_threshold=0.6)
    checker = Checker(policy=policy)
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

__all__ = ["DEFAULT_POLICY", "Policy"]


@dataclass(frozen=True)
class Policy:
    """Thresholds that turn calibrated scores into verdicts, and input limits.

    Parameters
    ----------
    relevance_threshold, acknowledgement_threshold, answer_threshold, overall_threshold :
        A draft passes the corresponding check when its calibrated score reaches the threshold.
    genericness_threshold :
        A draft is called boilerplate when its genericness reaches this value.
    sentence_boilerplate_threshold :
        A reply sentence is flagged boilerplate when its own genericness reaches this value.
    question_answered_threshold :
        A customer question counts as answered when the best reply sentence's support reaches it.
    max_chars :
        Longer inputs are truncated to this many characters before analysis (the report says so).
    max_sentences :
        At most this many sentences of each text are aligned (long e-mails keep their first ones).
    """

    relevance_threshold: float = 0.5
    acknowledgement_threshold: float = 0.5
    genericness_threshold: float = 0.6
    answer_threshold: float = 0.5
    overall_threshold: float = 0.5
    sentence_boilerplate_threshold: float = 0.6
    question_answered_threshold: float = 0.45
    max_chars: int = 20_000
    max_sentences: int = 60

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name.startswith("max_"):
                if not isinstance(value, int) or value < 1:
                    raise ValueError(f"Policy.{f.name} must be a positive int. Got {value!r} instead.")
            elif not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
                raise ValueError(f"Policy.{f.name} must be a number in [0, 1]. Got {value!r} instead.")

    def to_dict(self) -> dict:
        return asdict(self)


DEFAULT_POLICY = Policy()
