"""Segments: the stretches of a text spaCy parses (and caches) on their own."""
from __future__ import annotations

import pytest

from replyqa.prepare import segments


def cut(text: str) -> list[str]:
    return [text[a:b] for a, b in segments(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Your order shipped! Track it at https://x.co/a. Thanks.",
     ["Your order shipped!", "Track it at https://x.co/a.", "Thanks."]),
    ("Hi Mr. Smith, e.g. Paris works. J. Doe agreed.", ["Hi Mr. Smith, e.g. Paris works.", "J. Doe agreed."]),
    ("why wasn't it offered?? I checked daily. thanks anyway", ["why wasn't it offered??", "I checked daily. thanks anyway"]),
    ('She said "Really." Then nothing.', ['She said "Really."', "Then nothing."]),
    ("Best,\nAnn\n\n  Support team  ", ["Best,", "Ann", "Support team"]),
    ("Version 3.5 costs $4.99. OK", ["Version 3.5 costs $4.99.", "OK"]),
])
def test_segments_end_at_sentence_punctuation_and_line_breaks(text, expected):
    assert cut(text) == expected


def test_blank_text_has_no_segments():
    assert segments("") == [] and segments(" \n\t ") == []
