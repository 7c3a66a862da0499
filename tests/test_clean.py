"""Cleaning keeps the customer's newest visible words, and every offset maps back exactly."""
from __future__ import annotations

import pytest

from replyqa.clean import clean

CASES = [
    # (raw, expected cleaned text)
    ("@Delta my bag &amp; coat are lost ^SH", "my bag & coat are lost"),
    ("@AmericanAir @customer Flight 2301 is delayed again *TMT", "Flight 2301 is delayed again"),
    ("<div>My order #123 is <b>late</b>.</div><div>-- <br>John</div>", "\nMy order #123 is late.\n\n"),
    ("<p>Where is my refund?</p><blockquote>Thanks for contacting us.</blockquote>", "\nWhere is my refund?\n"),
    ("Still broken!\n\nOn Tue, 3 Mar 2020 at 10:00, Shop <help@shop.com> wrote:\n> Thanks for contacting us.\n", "Still broken!\n"),
    ("Still broken!\n-----Original Message-----\nFrom: Support\nThanks for your email", "Still broken!"),
    ("My card was charged twice.\n\nSent from my iPhone", "My card was charged twice.\n\n"),
    ("Please help.\nThis email and any attachments are confidential and intended solely for the addressee.", "Please help.\n"),
    ("zero\u200bwidth and\x07 bell", "zerowidth and bell"),
]


@pytest.mark.parametrize("raw,expected", CASES)
def test_clean_keeps_the_newest_visible_words(raw, expected):
    assert clean(raw, 10_000).text == expected


@pytest.mark.parametrize("raw,_", CASES)
def test_every_cleaned_character_maps_into_the_original(raw, _):
    c = clean(raw, 10_000)
    for i, ch in enumerate(c.text):
        start, end = c.to_raw(i, i + 1)
        assert 0 <= start < end <= len(raw)


def test_a_cleaned_word_maps_to_the_same_word_in_the_original():
    raw = "@Delta my bag &amp; coat are lost ^SH"
    c = clean(raw, 10_000)
    i = c.text.index("coat")
    start, end = c.to_raw(i, i + 4)
    assert raw[start:end] == "coat"


def test_an_html_entity_maps_to_the_whole_entity():
    raw = "fish &amp; chips"
    c = clean(raw, 10_000)
    start, end = c.to_raw(5, 6)
    assert raw[start:end] == "&amp;"


def test_long_input_is_truncated_and_flagged():
    c = clean("word " * 10_000, 1_000)
    assert "truncated" in c.flags and len(c.text) <= 1_000


def test_a_message_that_is_only_quoted_is_kept_rather_than_emptied():
    assert clean("> an old quoted line\n> another", 10_000).text.strip() != ""
