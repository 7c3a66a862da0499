"""Frozen, JSON-serialisable results of a check.

A :class:`Report` holds everything a helpdesk, an editor or a notebook needs: the four scores,
a verdict per A, the customer's questions, per-sentence notes and other findings. Every
:class:`Span` slices the original message or draft exactly: ``report.draft[span.start:span.end]``.
"""
from __future__ import annotations

import html
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = [
    "FIVE_AS",
    "SCHEMA_VERSION",
    "AVerdict",
    "Finding",
    "Question",
    "Report",
    "Scores",
    "SentenceNote",
    "Span",
]

SCHEMA_VERSION = 1
FIVE_AS = ("anticipate", "accessible", "acknowledge", "answer", "assure")
# How much a failed A hurts the customer: orders report.failed, worst first.
A_WEIGHT = {"answer": 1.0, "acknowledge": 0.9, "assure": 0.8, "anticipate": 0.6, "accessible": 0.5}

Verdict = Literal["pass", "fail", "not_applicable"]
Source = Literal["message", "draft"]


@dataclass(frozen=True)
class Span:
    """Characters ``start:end`` of the original ``message`` or ``draft``."""

    source: Source
    start: int
    end: int
    text: str

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Span:
        return cls(**data)


@dataclass(frozen=True)
class Finding:
    """A flat diagnostic in the style of a linter: what, where, and how to fix it.

    ``code`` is stable (for example ``"tone.blaming"`` or ``"placeholder"``).
    """

    code: str
    message: str
    span: Span | None
    suggestion: str

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        span = data.get("span")
        return cls(data["code"], data["message"], Span.from_dict(span) if span else None, data["suggestion"])


@dataclass(frozen=True)
class AVerdict:
    """The verdict on one of the 5 As."""

    name: str
    verdict: Verdict
    score: float
    evidence: tuple[Span, ...]
    reason: str
    suggestion: str

    @property
    def failed(self) -> bool:
        return self.verdict == "fail"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AVerdict:
        return cls(
            data["name"],
            data["verdict"],
            data["score"],
            tuple(Span.from_dict(s) for s in data["evidence"]),
            data["reason"],
            data["suggestion"],
        )


@dataclass(frozen=True)
class Question:
    """A question or request found in the customer's message, and whether the draft takes it up."""

    span: Span
    kind: Literal["question", "request"]
    answered: bool
    score: float
    answer: Span | None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Question:
        answer = data.get("answer")
        return cls(
            Span.from_dict(data["span"]),
            data["kind"],
            data["answered"],
            data["score"],
            Span.from_dict(answer) if answer else None,
        )


@dataclass(frozen=True)
class SentenceNote:
    """One draft sentence: is it boilerplate, and which parts of the message does it take up."""

    span: Span
    boilerplate: bool
    genericness: float
    takes_up: tuple[Span, ...]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SentenceNote:
        return cls(
            Span.from_dict(data["span"]),
            data["boilerplate"],
            data["genericness"],
            tuple(Span.from_dict(s) for s in data["takes_up"]),
        )


@dataclass(frozen=True)
class Scores:
    """Calibrated scores in [0, 1]; see SPEC.md for what each means."""

    relevance: float
    acknowledgement: float
    genericness: float
    overall: float


@dataclass(frozen=True)
class Report:
    """Everything replyqa found about one draft reply to one customer message.

    Examples
    --------
    >>> import replyqa
    >>> report = replyqa.check("My order #1234 never arrived. Where is it?",
    ...                        "Thanks for contacting us. We will get back to you shortly.")
    >>> report.five_as["answer"].verdict
    'fail'
    """

    message: str
    draft: str
    scores: Scores
    five_as: dict[str, AVerdict]
    questions: tuple[Question, ...] = ()
    sentences: tuple[SentenceNote, ...] = ()
    findings: tuple[Finding, ...] = ()
    flags: tuple[str, ...] = ()
    language: str = "en"
    threshold: float = 0.5
    schema_version: int = field(default=SCHEMA_VERSION)

    @property
    def failed(self) -> list[AVerdict]:
        """The failing As, the one that hurts this customer most first."""
        fails = [a for a in self.five_as.values() if a.failed]
        return sorted(fails, key=lambda a: (-A_WEIGHT[a.name] * (1.0 - a.score), FIVE_AS.index(a.name)))

    @property
    def ok(self) -> bool:
        """True when the draft is fit to send: no A fails and ``overall`` reaches the threshold."""
        return not self.failed and self.scores.overall >= self.threshold and "language_not_supported" not in self.flags

    @property
    def unanswered(self) -> list[Question]:
        return [q for q in self.questions if not q.answered]

    # -- serialisation -------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A plain ``dict`` of built-in types (``json.dumps`` works on it)."""
        data = asdict(self)
        data["failed"] = [a.name for a in self.failed]
        data["ok"] = self.ok
        return data

    def to_json(self, **kwargs: Any) -> str:
        kwargs.setdefault("ensure_ascii", False)
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        """Rebuild a report from :meth:`to_dict` output (derived keys are ignored)."""
        return cls(
            message=data["message"],
            draft=data["draft"],
            scores=Scores(**data["scores"]),
            five_as={k: AVerdict.from_dict(v) for k, v in data["five_as"].items()},
            questions=tuple(Question.from_dict(q) for q in data["questions"]),
            sentences=tuple(SentenceNote.from_dict(s) for s in data["sentences"]),
            findings=tuple(Finding.from_dict(f) for f in data["findings"]),
            flags=tuple(data["flags"]),
            language=data["language"],
            threshold=data["threshold"],
            schema_version=data.get("schema_version", SCHEMA_VERSION),
        )

    @classmethod
    def from_json(cls, text: str) -> Report:
        return cls.from_dict(json.loads(text))

    # -- presentation --------------------------------------------------------------------
    def explain(self) -> str:
        """A short plain-text report for a person."""
        s = self.scores
        lines = [
            f"replyqa: {'OK to send' if self.ok else 'needs work'}  "
            f"(overall {s.overall:.2f}, relevance {s.relevance:.2f}, "
            f"acknowledgement {s.acknowledgement:.2f}, genericness {s.genericness:.2f})"
        ]
        for flag in self.flags:
            lines.append(f"  ! {FLAG_TEXT.get(flag, flag)}")
        lines.append("5 As:")
        for name in FIVE_AS:
            a = self.five_as[name]
            mark = {"pass": "pass", "fail": "FAIL", "not_applicable": "n/a "}[a.verdict]
            lines.append(f"  [{mark}] {name:<11} {a.score:.2f}  {a.reason}")
        if self.failed:
            lines.append("Fix first:")
            for a in self.failed:
                lines.append(f"  - {a.name}: {a.suggestion}")
        if self.questions:
            lines.append("Customer's questions and requests:")
            for q in self.questions:
                state = f"answered by {q.answer.text!r}" if q.answered and q.answer else "NOT answered"
                lines.append(f"  - {q.span.text!r}: {state}")
        for f in self.findings:
            where = f" ({f.span.text!r})" if f.span else ""
            lines.append(f"  * {f.code}: {f.message}{where} -> {f.suggestion}")
        boiler = [n.span.text for n in self.sentences if n.boilerplate]
        if boiler:
            lines.append("Boilerplate sentences: " + "; ".join(repr(b) for b in boiler))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{a.name}</td><td>{a.verdict}</td><td>{a.score:.2f}</td>"
            f"<td>{html.escape(a.reason)}</td><td>{html.escape(a.suggestion)}</td></tr>"
            for a in self.five_as.values()
        )
        s = self.scores
        return (
            f"<div><b>replyqa</b>: {'OK to send' if self.ok else 'needs work'} — overall {s.overall:.2f}, "
            f"relevance {s.relevance:.2f}, acknowledgement {s.acknowledgement:.2f}, "
            f"genericness {s.genericness:.2f}<table><tr><th>A</th><th>verdict</th><th>score</th>"
            f"<th>reason</th><th>suggestion</th></tr>{rows}</table></div>"
        )


FLAG_TEXT = {
    "empty_draft": "The draft is empty: there is nothing to send yet.",
    "message_truncated": "The message was truncated to the policy's max_chars before analysis.",
    "draft_truncated": "The draft was truncated to the policy's max_chars before analysis.",
    "language_not_supported": "The text does not look like English: verdicts are not reliable.",
    "quoted_history_removed": "Quoted history, signatures or disclaimers in the message were not judged.",
    "html_stripped": "HTML markup was removed; the visible text was judged.",
}
