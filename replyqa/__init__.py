"""replyqa: check a customer-support draft reply against the customer's message.

>>> import replyqa
>>> report = replyqa.check("My order never arrived.", "Thanks for contacting us.")
>>> report.scores.relevance < 0.5
True
"""
from __future__ import annotations

from .checker import Checker, check, check_many
from .config import DEFAULT_POLICY, Policy
from .errors import EmptyInputError, InputTypeError, ModelNotInstalledError, ReplyQAError
from .report import AVerdict, Finding, Question, Report, Scores, SentenceNote, Span

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_POLICY",
    "AVerdict",
    "Checker",
    "EmptyInputError",
    "Finding",
    "InputTypeError",
    "ModelNotInstalledError",
    "Policy",
    "Question",
    "ReplyQAError",
    "Report",
    "Scores",
    "SentenceNote",
    "Span",
    "__version__",
    "check",
    "check_many",
]


def __getattr__(name: str):  # evaluate pulls in pandas/sklearn: load it only when asked for
    if name == "evaluate":
        import importlib

        return importlib.import_module(".evaluate", __name__)
    raise AttributeError(f"module 'replyqa' has no attribute {name!r}")
