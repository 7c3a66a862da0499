"""The 5 As of internet customer service, judged on one draft: applicability, verdict, score,
evidence, reason and a suggestion that quotes the customer's own words where it can."""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from .. import resources
from ..config import Policy
from ..prepare import Prepared
from ..report import AVerdict, Finding, Question, Scores, Span
from .scores import combine

__all__ = ["MessageKind", "judge_five_as", "message_kind"]

HOSTILE_TONE = ("tone.mocking", "tone.blaming", "tone.arguing")


@dataclass(frozen=True)
class MessageKind:
    """What the customer's message does, which decides which As apply."""

    problem: bool
    request: bool
    question: bool
    policy_question: bool
    closing: bool


def message_kind(message: Prepared) -> MessageKind:
    problem = message.has("problem") or any(s.absent or (s.negated and not s.is_question) for s in message.sentences)
    request = any(s.is_request for s in message.sentences)
    question = any(s.is_question for s in message.sentences)
    policy_q = question and message.has("policy")
    closing = message.has("closing") and not (problem or request or question)
    return MessageKind(problem, request, question, policy_q, closing)


def _focus(message: Prepared, max_words: int = 12) -> str:
    """The customer's own words for their main point: the first problem sentence, shortened."""
    spans = message.cue_spans.get("problem", ())
    chosen = None
    for s in message.sentences:
        if any(s.start <= a < s.end for a, _ in spans) or s.is_question or s.is_request:
            chosen = s
            break
    chosen = chosen or (message.sentences[0] if message.sentences else None)
    if chosen is None:
        return "their message"
    words = chosen.text.split()
    text = " ".join(words[:max_words]) + (" ..." if len(words) > max_words else "")
    return f'"{text}"'


def _topic(message: Prepared) -> str | None:
    """What the customer is writing about, in their words, as the end of "I'm sorry ...":
    what they say is missing ("there was no promo code"), else the first noun chunk of their
    problem or question sentence ("about your luxury hot chocolate tin")."""
    for s in message.sentences:
        if s.absent_phrases:
            return f"there was no {s.absent_phrases[0]}"
    spans = message.cue_spans.get("problem", ())
    for s in message.sentences:
        # "your airline lost my bag": the customer's things, not the company's, are the topic
        chunks = [c for c in s.chunks if not re.match(r"(?:your|you)\b", c, re.IGNORECASE)]
        if chunks and (any(s.start <= a < s.end for a, _ in spans) or s.is_question or s.is_request):
            chunk = re.sub(r"^(?:my|our)\b", "your", chunks[0], flags=re.IGNORECASE)
            return f"about {chunk}"
    return None


@cache
def _route_regexes() -> tuple[re.Pattern[str], ...]:
    pats = resources.patterns()["regex"]
    return tuple(re.compile(p, re.MULTILINE) for key in ("email", "url", "named_agent") for p in pats[key])


def _contact_routes(draft: Prepared) -> list[Span]:
    spans = list(draft.cue_evidence("contact"))
    raw = draft.raw
    for rx in _route_regexes():
        spans += [Span("draft", m.start(), m.end(), m.group()) for m in rx.finditer(raw)]
    try:
        import phonenumbers

        for region in ("US", "GB"):
            for m in phonenumbers.PhoneNumberMatcher(raw, region, leniency=phonenumbers.Leniency.VALID, max_tries=50):
                spans.append(Span("draft", m.start, m.end, m.raw_string))
    except ImportError:  # pragma: no cover - phonenumbers is a dependency
        pass
    return spans


def _verdict(name: str, applicable: bool, score: float, threshold: float, evidence: Sequence[Span],
             reason_pass: str, reason_fail: str, suggestion: str, *,
             features: Mapping[str, float] | None = None, weights: Mapping[str, Any] | None = None) -> AVerdict:
    """A verdict from the hand rule, or from learned models when ``weights`` has them.

    Learned models (``scripts/train.py``) are two logistic regressions per A over the same
    cues: ``<a>.applicable`` on what the message does, ``<a>.pass`` on what the draft does
    (the hand score is one of its inputs).
    """
    if features is not None and weights:
        inputs = {**features, "hand_score": score}
        if f"{name}.applicable" in weights:
            applicable = combine(f"{name}.applicable", inputs, weights) >= 0.5
        if f"{name}.pass" in weights:
            score, threshold = combine(f"{name}.pass", inputs, weights), 0.5
    score = round(float(min(1.0, max(0.0, score))), 4)
    if not applicable:
        return AVerdict(name, "not_applicable", score, tuple(evidence), "Does not apply to this message.", "")
    if score >= threshold:
        return AVerdict(name, "pass", score, tuple(evidence), reason_pass, "")
    return AVerdict(name, "fail", score, tuple(evidence), reason_fail, suggestion)


def judge_five_as(
    message: Prepared,
    draft: Prepared,
    scores: Scores,
    answer_score: float,
    questions: Sequence[Question],
    ack_sentences: Sequence[int],
    sentence_generic: Sequence[float],
    findings: Sequence[Finding],
    policy: Policy,
    weights: Mapping[str, Any] | None = None,
) -> tuple[dict[str, AVerdict], dict[str, dict[str, float]]]:
    """The 5 As, and the named cues behind each (what the learned verdict models read)."""
    kind = message_kind(message)
    focus = _focus(message)
    codes = {f.code for f in findings}
    hostile = bool(codes & set(HOSTILE_TONE))
    empty = not draft.sentences
    out: dict[str, AVerdict] = {}
    routes = _contact_routes(draft)
    commits = [j for j, s in enumerate(draft.sentences) if "commitment" in s.cues]
    if kind.policy_question:  # stating the policy that applies is the assurance a policy question needs
        commits += [j for j, s in enumerate(draft.sentences) if "policy" in s.cues and j not in commits]
    unanswered = [q for q in questions if not q.answered]
    common = {
        "m_problem": float(kind.problem), "m_request": float(kind.request), "m_question": float(kind.question),
        "m_policy_question": float(kind.policy_question), "m_closing": float(kind.closing),
        "m_thanks": float(message.has("thanks") or message.has("closing")),
        "m_sentences": float(min(len(message.sentences), 8)) / 8.0,
        "relevance": scores.relevance, "genericness": scores.genericness, "acknowledgement": scores.acknowledgement,
        "hostile": float(hostile), "d_question": float(any(s.is_question for s in draft.sentences)),
        "d_imperative": float(any(s.imperative for s in draft.sentences)),
        "d_length": min(1.0, sum(s.n_tokens for s in draft.sentences) / 40.0),
    }
    feats = {
        "anticipate": {**common, "next_step": float(draft.has("next_step")), "time": float(draft.has("time")),
                       "commitment": float(bool(commits))},
        "accessible": {**common, "routes": float(min(len(routes), 3)) / 3.0, "no_reply": float(draft.has("no_reply")),
                       "contact": float(draft.has("contact")), "url": float(any("url" in s.cues for s in draft.sentences))},
        "acknowledge": {**common, "apology": float(draft.has("apology")), "empathy": float(draft.has("empathy")),
                        "specific_ack": float(bool(ack_sentences))},
        "answer": {**common, "answer_score": answer_score, "unanswered": float(len(unanswered)),
                   "questions": float(len(questions)), "talks_past": float("talks_past" in codes)},
        "assure": {**common, "commitment": float(bool(commits)), "vague": float(draft.has("vague")),
                   "recurrence": float(draft.has("recurrence")), "time": float(draft.has("time"))},
    }

    # Anticipate: next steps, timing, a fallback
    has_next = draft.has("next_step") and any("next_step" in s.cues for s in draft.sentences)
    strong_next = any(c in s.cues for s in draft.sentences for c in ("time",)) or any(
        "next_step" in s.cues and "commitment" in s.cues for s in draft.sentences)
    specific_steps = [j for j, s in enumerate(draft.sentences) if (s.imperative or "next_step" in s.cues) and sentence_generic[j] < 0.6]
    score = 0.1 + 0.3 * has_next + 0.3 * strong_next + 0.3 * bool(specific_steps) + 0.1 * draft.has("commitment")
    evidence = list(draft.cue_evidence("next_step")) + list(draft.cue_evidence("time")) + [draft.sentence_span(j) for j in specific_steps[:2]]
    out["anticipate"] = _verdict(
        "anticipate", kind.problem or kind.request, 0.0 if empty else score, 0.5, evidence,
        "States what happens next or what the customer should do.",
        "Says nothing about what happens next, when, or what to do if it does not work.",
        f"Add the next step for {focus}: what you will do, by when, and what they can do if it does not work.",
        features=feats["anticipate"], weights=weights,
    )

    # Accessible: a working way to reach a person
    no_reply = draft.has("no_reply")
    score = 0.05 if no_reply else (0.9 if routes else 0.15)
    out["accessible"] = _verdict(
        "accessible", not kind.closing, 0.0 if empty else score, 0.5,
        list(draft.cue_evidence("no_reply")) + routes[:3],
        "Gives the customer a way to follow up.",
        "Tells the customer not to reply." if no_reply else "Gives no way to follow up (no contact route, link, named agent or invitation to reply).",
        "Invite a reply or give a direct route (a DM, phone number, e-mail or named agent) for follow-up.",
        features=feats["accessible"], weights=weights,
    )

    # Acknowledge: the customer's specific problem
    ack_score = min(scores.acknowledgement, 0.2) if hostile else scores.acknowledgement
    generic_only = draft.has("apology") or draft.has("empathy") or draft.has("thanks")
    out["acknowledge"] = _verdict(
        "acknowledge", True, ack_score, policy.acknowledgement_threshold,
        [draft.sentence_span(j) for j in ack_sentences] or list(draft.cue_evidence("apology")) + list(draft.cue_evidence("thanks")),
        "Recognises the customer's specific problem.",
        "Mocks or argues with the customer instead of recognising the problem." if hostile else (
            "Apologises or thanks only generically, without naming the customer's problem." if generic_only
            else "Does not recognise the customer's problem at all."),
        (f"Name their problem in your own words (\"I'm sorry {topic} ...\"), tying your apology to {focus}."
         if (topic := _topic(message)) else f"Name their problem in your own words, e.g. tie your apology to {focus}."),
        features=feats["acknowledge"], weights=weights,
    )

    # Answer: every question and request taken up individually
    if empty:
        reason = "The draft is empty."
    elif unanswered:
        reason = f"Leaves {len(unanswered)} of {len(questions)} question(s) unanswered: " + "; ".join(repr(q.span.text) for q in unanswered[:2]) + "."
    elif any(f.code == "talks_past" for f in findings):
        reason = next(f.message for f in findings if f.code == "talks_past")
    elif scores.relevance < policy.relevance_threshold:
        reason = "Does not respond to what the customer wrote (it reads as written for someone else)."
    else:
        reason = "Generic text stands in for an answer." if scores.genericness >= policy.genericness_threshold else "Does not address what the customer said."
    target = repr(unanswered[0].span.text) if unanswered else focus
    out["answer"] = _verdict(
        "answer", True, answer_score, policy.answer_threshold,
        [q.answer for q in questions if q.answer] + [q.span for q in unanswered],
        "Takes up what the customer actually said.", reason,
        f"Answer {target} directly, in a sentence of its own.",
        features=feats["answer"], weights=weights,
    )

    # Assure: a concrete commitment; for a complaint, what will stop it recurring
    vague = draft.has("vague")
    score = (0.75 if commits else (0.3 if vague else 0.1)) + 0.15 * draft.has("recurrence") + 0.1 * draft.has("time")
    if hostile:
        score = min(score, 0.2)
    out["assure"] = _verdict(
        "assure", kind.problem or kind.policy_question, 0.0 if empty else score, 0.5,
        [draft.sentence_span(j) for j in commits[:3]] + list(draft.cue_evidence("vague")),
        "Makes a concrete commitment.",
        "Mocks or blames the customer instead of committing to a fix." if hostile else (
            "Promises only to look into it, with no concrete commitment." if vague else "Makes no concrete commitment (refund, replacement, repair, date, a named action)."),
        f"Commit to a concrete action for {focus} (refund, replacement, repair or a date), and say what will stop it recurring.",
        features=feats["assure"], weights=weights,
    )
    return out, feats
