"""The Checker: batch equals single, caches make editor re-checks reuse the message's analysis,
DataFrames work, and fit() teaches it an organisation's own templates."""
from __future__ import annotations

import pytest

from replyqa import Checker
from replyqa.examples import STORIES

MESSAGE = "I was charged twice for order 88231 and the second charge still hasn't been refunded. Can you fix it?"


def test_check_many_gives_the_same_reports_as_check(checker):
    pairs = [(s.message, s.draft) for s in STORIES]
    assert checker.check_many(pairs) == [checker.check(m, d) for m, d in pairs]


def test_pipelined_check_many_from_cold_caches_equals_one_check_at_a_time():
    """check_many encodes batch k in a worker thread while it parses batch k + 1: same reports."""
    pairs = [(s.message, s.draft) for s in STORIES] * 2
    batched = Checker().check_many(pairs, batch_size=2)
    serial = Checker()
    assert batched == [serial.check(m, d) for m, d in pairs]


def test_check_many_rejects_a_batch_size_below_one(checker):
    with pytest.raises(ValueError, match="batch_size"):
        checker.check_many([("Where is my refund?", "It is on its way.")], batch_size=0)


def test_check_many_keeps_input_order_across_batches(checker):
    pairs = [(s.message, s.draft) for s in STORIES] * 3
    reports = checker.check_many(pairs, batch_size=4)
    assert [r.draft for r in reports] == [d for _, d in pairs]


def test_check_many_accepts_a_dataframe(checker):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"message": [s.message for s in STORIES], "draft": [s.draft for s in STORIES]})
    assert [r.draft for r in checker.check_many(frame)] == list(frame["draft"])


def test_check_many_names_missing_dataframe_columns(checker):
    pd = pytest.importorskip("pandas")
    with pytest.raises(ValueError, match="draft"):
        checker.check_many(pd.DataFrame({"message": ["hi"], "reply": ["hello"]}))


def test_editor_recheck_reuses_the_message_analysis(checker):
    checker.check(MESSAGE, "Sorry about the double charge.")
    cached = checker._analyzer.texts.get(("message", MESSAGE))
    checker.check(MESSAGE, "Sorry about the double charge on order 88231: I've refunded it today.")
    assert checker._analyzer.texts.get(("message", MESSAGE)) is cached


def test_editor_recheck_encodes_only_the_changed_sentence(checker):
    draft = "Sorry about the double charge. I've refunded it today."
    checker.check(MESSAGE, draft)
    calls = []
    encoder = checker._analyzer.encoder
    original = encoder.encode

    def counting(texts, **kwargs):
        calls.append(list(texts))
        return original(texts, **kwargs)

    encoder.encode = counting
    try:
        checker.check(MESSAGE, draft + " It reaches your card within 5 working days.")
    finally:
        encoder.encode = original
    assert calls == [["It reaches your card within 5 working days."]]


def test_editor_recheck_parses_only_the_changed_sentence(checker):
    draft = "Sorry about the double charge on order 88231. I've asked billing to reverse it."
    checker.check(MESSAGE, draft)
    calls = []
    nlp = checker._analyzer.nlp

    def counting(texts, **kwargs):
        texts = list(texts)
        calls.append(texts)
        return type(nlp).pipe(nlp, texts, **kwargs)

    nlp.pipe = counting
    try:
        checker.check(MESSAGE, draft + " You will see it on your card within 5 working days.")
    finally:
        del nlp.pipe
    assert calls == [["You will see it on your card within 5 working days."]]


def test_a_report_does_not_depend_on_what_was_checked_before(checker):
    """Sentences are analysed and cached one by one; a warm cache gives the same report as a cold one."""
    first = "Sorry about the double charge. I've refunded it today."
    second = "I've refunded it today. Sorry about the double charge."
    checker.check(MESSAGE, first)
    assert checker.check(MESSAGE, second) == Checker().check(MESSAGE, second)


def test_user_supplied_models_are_used(checker):
    own = Checker(nlp=checker._analyzer.nlp, encoder=checker._analyzer.encoder)
    assert own.check(MESSAGE, "We refunded it.").scores == checker.check(MESSAGE, "We refunded it.").scores


def test_fit_learns_recurring_sentences_as_templates(checker):
    history = [
        f"Hi {name}, our team is reviewing your case and will reply within two working days. Order {n} is noted."
        for name, n in [("Ann", 1), ("Bo", 2), ("Cy", 3), ("Di", 4)]
    ]
    fitted = Checker(nlp=checker._analyzer.nlp, encoder=checker._analyzer.encoder).fit(history, min_count=3)
    assert any("reviewing your case" in t for t in fitted.templates_)


def test_fit_raises_genericness_of_an_organisation_template(checker):
    template = "Our specialists in the Lisbon hub will examine the consignment record and revert via the portal."
    history = [template + f" Ref {i}." for i in range(5)] + ["Your parcel 1 left Lisbon today."]
    fitted = Checker(nlp=checker._analyzer.nlp, encoder=checker._analyzer.encoder).fit(history)
    message = "My parcel from Lisbon is a week late, where is it?"
    assert fitted.check(message, template).scores.genericness > checker.check(message, template).scores.genericness


def test_fit_rejects_min_count_below_two(checker):
    with pytest.raises(ValueError, match="min_count"):
        Checker().fit(["a b c"], min_count=1)
