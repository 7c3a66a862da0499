"""Reports are frozen, JSON-serialisable, round-trip, and their spans slice the original text."""
from __future__ import annotations

import json

import pytest

from replyqa import Report
from replyqa.examples import STORIES


@pytest.fixture(scope="module")
def reports(checker):
    return checker.check_many([(s.message, s.draft) for s in STORIES])


def test_report_round_trips_through_dict(reports):
    for report in reports:
        assert Report.from_dict(report.to_dict()) == report


def test_report_round_trips_through_json(reports):
    for report in reports:
        assert Report.from_json(report.to_json()) == report


def test_to_dict_is_plain_json(reports):
    json.dumps([r.to_dict() for r in reports])


def _spans(report):
    for a in report.five_as.values():
        yield from a.evidence
    for q in report.questions:
        yield q.span
        if q.answer:
            yield q.answer
    for n in report.sentences:
        yield n.span
        yield from n.takes_up
    for f in report.findings:
        if f.span:
            yield f.span


def test_every_span_slices_its_source_exactly(reports):
    for report in reports:
        for span in _spans(report):
            source = report.draft if span.source == "draft" else report.message
            assert source[span.start : span.end] == span.text


def test_scores_are_in_unit_interval(reports):
    for report in reports:
        for value in vars(report.scores).values():
            assert 0.0 <= value <= 1.0


def test_report_is_frozen(reports):
    with pytest.raises(AttributeError):
        reports[0].draft = "changed"


def test_explain_names_each_a(reports):
    text = reports[0].explain()
    assert all(name in text for name in ("anticipate", "accessible", "acknowledge", "answer", "assure"))


def test_failed_lists_only_failures(reports):
    for report in reports:
        assert all(a.verdict == "fail" for a in report.failed)


def test_html_repr_for_notebooks(reports):
    assert "<table>" in reports[0]._repr_html_()
