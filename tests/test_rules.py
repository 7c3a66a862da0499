"""Every finding rule has real-sounding examples that must fire and must not (like a linter's rule table)."""
from __future__ import annotations

import pytest

MESSAGE = "I've been waiting three weeks for my refund for order 5521 and nobody answers my e-mails."

RULES = {
    "tone.mocking": (
        ["lol calm down, it's only been three weeks.", "Maybe learn to read the refund policy 🙄"],
        ["I'm sorry your refund for order 5521 is taking so long."],
    ),
    "tone.blaming": (
        ["You should have read the terms before ordering.", "This is your fault for using the wrong card."],
        ["We made a mistake with your refund and I've fixed it."],
    ),
    "tone.arguing": (
        ["That's not true, we replied to every e-mail.", "We are not responsible for bank delays."],
        ["I can see two of your e-mails went unanswered, and I'm sorry."],
    ),
    "tone.defensive": (
        ["Our system is set up to release refunds after 30 days.", "It is our policy to wait for the warehouse."],
        ["I've released your refund today; it reaches your card within 5 days."],
    ),
    "placeholder": (
        ["Hi {{first_name}}, your refund is on its way.", "Dear [CUSTOMER NAME], we have refunded order XXX.",
         "Hello <NAME>, thanks for waiting."],
        ["Hi Dana, your refund for order 5521 is on its way.", "The refund was $25.50 to your Visa."],
    ),
    "promise": (
        ["I guarantee this will never happen again.", "We promise you'll get it tomorrow, 100%."],
        ["I've refunded order 5521 today and added a note so the team checks refunds weekly."],
    ),
}


def _codes(checker, draft):
    return {f.code for f in checker.check(MESSAGE, draft).findings}


@pytest.mark.parametrize("code,draft", [(c, d) for c, (bad, _) in RULES.items() for d in bad])
def test_rule_fires(checker, code, draft):
    assert code in _codes(checker, draft)


@pytest.mark.parametrize("code,draft", [(c, d) for c, (_, good) in RULES.items() for d in good])
def test_rule_does_not_fire(checker, code, draft):
    assert code not in _codes(checker, draft)


def test_every_finding_code_has_examples():
    from replyqa.judgements.findings import _TEXT

    assert set(_TEXT) <= set(RULES)


TALKS_PAST = [
    ("The box arrived without the charger.", "Plug the charger into the side of the box to start it.", True),
    ("I never got a confirmation e-mail for booking 77XK.", "Your confirmation e-mail has the check-in link.", True),
    ("There was no promo code in the e-mail.", "Sorry there was no code in the e-mail: use SPRING20 at checkout.", False),
    ("My bag arrived damaged.", "Sorry about your bag: we'll repair it.", False),
]


@pytest.mark.parametrize("message,draft,expected", TALKS_PAST)
def test_talks_past_fires_only_when_the_draft_presupposes_what_is_missing(checker, message, draft, expected):
    found = any(f.code == "talks_past" for f in checker.check(message, draft).findings)
    assert found is expected


def test_talks_past_does_not_fire_when_the_draft_provides_what_was_missing(checker):
    message = "My lamp arrived cracked and with no bulb. Can you send a new lamp and bulb?"
    draft = "I'm sorry your lamp arrived cracked: I've sent a new lamp and bulb by express delivery today."
    assert not any(f.code == "talks_past" for f in checker.check(message, draft).findings)



def test_a_partly_answered_question_gives_a_partial_answer_score(checker):
    """Answer is bounded by the least answered question, and a partial take-up counts partly."""
    message = "My order 4471 arrived without the charger. When will you send the charger?"
    none = checker.check(message, "Thanks for being a loyal customer.")
    partial = checker.check(message, "Sorry the charger was missing from order 4471.")
    assert none.five_as["answer"].score < partial.five_as["answer"].score
