"""The stories behind replyqa are its acceptance cases (SPEC.md, issue 2)."""
from __future__ import annotations

import pytest

from replyqa.examples import STORIES

STORY = {s.name: s for s in STORIES}


@pytest.fixture(scope="module")
def reports(checker):
    return {s.name: checker.check(s.message, s.draft) for s in STORIES}


def test_promo_reply_fails_acknowledge(reports):
    assert reports["promo_code"].five_as["acknowledge"].verdict == "fail"


def test_promo_reply_fails_answer(reports):
    assert reports["promo_code"].five_as["answer"].verdict == "fail"


def test_promo_reply_has_low_relevance(reports):
    assert reports["promo_code"].scores.relevance < 0.5


def test_promo_reply_is_flagged_for_talking_past_the_missing_code(reports):
    finding = next(f for f in reports["promo_code"].findings if f.code == "talks_past")
    assert "promo" in finding.span.text


def test_promo_reply_is_flagged_defensive(reports):
    assert any(f.code == "tone.defensive" for f in reports["promo_code"].findings)


def test_generic_apology_with_refund_fails_acknowledge(reports):
    assert reports["hot_chocolate"].five_as["acknowledge"].verdict == "fail"


def test_generic_apology_acknowledgement_is_partial_not_zero(reports):
    assert 0.1 <= reports["hot_chocolate"].scores.acknowledgement < 0.5


def test_generic_apology_with_refund_says_nothing_about_next_steps(reports):
    assert reports["hot_chocolate"].five_as["anticipate"].verdict == "fail"


def test_mocking_reply_has_a_tone_finding(reports):
    assert {f.code for f in reports["mocking"].findings} & {"tone.mocking", "tone.blaming", "tone.arguing"}


@pytest.mark.parametrize("a", ["acknowledge", "assure"])
def test_mocking_reply_fails(reports, a):
    assert reports["mocking"].five_as[a].verdict == "fail"


def test_autoreply_is_generic(reports):
    assert reports["autoreply"].scores.genericness >= 0.8


def test_autoreply_fails_answer(reports):
    assert reports["autoreply"].five_as["answer"].verdict == "fail"


def test_autoreply_is_generic_for_another_message_too(checker):
    report = checker.check("The app crashes every time I open my playlist on Android.", STORY["autoreply"].draft)
    assert report.scores.genericness >= 0.8


@pytest.mark.parametrize("a", ["anticipate", "accessible", "acknowledge", "answer", "assure"])
def test_marble_suite_reply_passes_every_a(reports, a):
    assert reports["marble_suite"].five_as[a].verdict == "pass"


def test_marble_suite_reply_is_ok_to_send(reports):
    assert reports["marble_suite"].ok


def test_two_questions_one_answer_fails_answer(reports):
    assert reports["two_questions"].five_as["answer"].verdict == "fail"


def test_two_questions_report_names_the_unanswered_one(reports):
    unanswered = [q.span.text for q in reports["two_questions"].unanswered]
    assert unanswered == ["And how much does extra legroom cost on that flight?"]


def test_two_questions_report_finds_the_answered_one(reports):
    answered = [q for q in reports["two_questions"].questions if q.answered]
    assert [q.span.text for q in answered] == ["Can I bring my cat in the cabin?"]


def test_failed_as_are_listed_worst_first(reports):
    failed = reports["autoreply"].failed
    assert failed[0].name == "answer"
