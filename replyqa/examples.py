"""Built-in examples: the stories behind replyqa, written for this project (its own text).

``replyqa demo`` checks these; the tests use them as acceptance cases.
"""
from __future__ import annotations

from typing import NamedTuple

__all__ = ["STORIES", "Example"]


class Example(NamedTuple):
    name: str
    message: str
    draft: str
    about: str


STORIES: tuple[Example, ...] = (
    Example(
        "promo_code",
        "I got your e-mail offering 20% off everything this weekend, but there was no promo code anywhere "
        "in it, so the discount never applied at checkout. Honestly, offers like this should just show up "
        "automatically at checkout.",
        "Our e-mail is set up to take promo numbers. If you put it in the beginning it will take off the deduction.",
        "Answers a question nobody asked: the customer said the e-mail had no code.",
    ),
    Example(
        "hot_chocolate",
        "My luxury hot chocolate tin arrived today but the chocolate figurines that are supposed to be inside "
        "were missing. It was a birthday present and I'm really disappointed.",
        "We apologise for any inconvenience. A refund has been issued.",
        "Acknowledges only generically and does nothing to win the customer back.",
    ),
    Example(
        "mocking",
        "Your airline lost my bag AGAIN. Third time this year. Absolutely useless.",
        "lol maybe pack lighter next time 🙄 not our fault you can't keep track of your stuff.",
        "A company mocking a complaining customer in public.",
    ),
    Example(
        "autoreply",
        "My invoice shows I was charged twice for the March subscription. Can you refund the duplicate payment?",
        "Thank you for contacting us. Your request has been received and we will get back to you shortly.",
        "Pure boilerplate that would fit any customer.",
    ),
    Example(
        "marble_suite",
        "The marble bathroom suite we ordered was delivered yesterday and the basin is cracked and the bath "
        "panel is badly marked. I've tried calling your delivery line all morning and nobody picks up. "
        "What are you going to do about this?",
        "I'm so sorry that your marble bathroom suite arrived with a cracked basin and a marked bath panel, and "
        "that you couldn't get through on our delivery line. I've ordered a full replacement suite, which will be "
        "delivered on Friday 14 March between 8am and 12pm, and our driver will take the damaged one away. "
        "I'm Sarah, and you can reach me directly on 0161 496 0123 or at sarah.jones@example.com. "
        "If Friday doesn't suit, reply to this e-mail and I'll rebook it.",
        "A reply that passes all five As.",
    ),
    Example(
        "two_questions",
        "Hi, I booked flight BA117 for next Tuesday. Can I bring my cat in the cabin? And how much does extra "
        "legroom cost on that flight?",
        "Hi there, pets are not allowed in the cabin on BA117, but they can travel in the hold through our "
        "partner IAG Cargo. Let us know if you need anything else.",
        "Answers one of two questions.",
    ),
)
