"""replyqa is robust to real-world input (issue "Robust to real-world input").

Real helpdesk text arrives as HTML, with quoted history and signatures, as tweets, in other
languages, very long, or full of characters nobody typed on purpose. Every such input gets a
defined report (or the documented TypeError/ValueError), every span slices the original string,
and the same input always gives the same report: across calls, checkers, threads and processes.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import replyqa
from replyqa import Checker, Report, Span
from replyqa.examples import STORIES

STORY = {s.name: s for s in STORIES}


# -- helpers ------------------------------------------------------------------------------
def all_spans(report: Report) -> list[Span]:
    """Every span a report holds: evidence, questions and answers, sentences, findings."""
    spans: list[Span | None] = []
    for verdict in report.five_as.values():
        spans.extend(verdict.evidence)
    for question in report.questions:
        spans += [question.span, question.answer]
    for note in report.sentences:
        spans.append(note.span)
        spans.extend(note.takes_up)
    spans.extend(finding.span for finding in report.findings)
    return [s for s in spans if s is not None]


def misplaced_spans(report: Report) -> list[Span]:
    """The spans whose text is not exactly ``report.<source>[start:end]`` (should be none)."""
    sources = {"message": report.message, "draft": report.draft}
    return [s for s in all_spans(report) if sources[s.source][s.start : s.end] != s.text]


def all_scores(report: Report) -> dict[str, float]:
    """Every number a report calls a score, by a readable name."""
    scores = {f"scores.{k}": v for k, v in vars(report.scores).items()}
    scores.update({f"five_as.{k}": a.score for k, a in report.five_as.items()})
    scores.update({f"questions[{i}]": q.score for i, q in enumerate(report.questions)})
    scores.update({f"sentences[{i}].genericness": n.genericness for i, n in enumerate(report.sentences)})
    return scores


def scores_out_of_range(report: Report) -> dict[str, float]:
    return {k: v for k, v in all_scores(report).items() if not 0.0 <= v <= 1.0}


def report_defects(report: Report) -> dict[str, object]:
    """What is wrong with a report, by a readable name (an empty dict for a well-formed report)."""
    defects: dict[str, object] = {}
    if out_of_range := scores_out_of_range(report):
        defects["scores outside [0, 1]"] = out_of_range
    if misplaced := misplaced_spans(report):
        defects["spans that do not slice their source"] = misplaced
    if Report.from_dict(report.to_dict()) != report:
        defects["Report.from_dict(report.to_dict()) != report"] = True
    try:
        json.dumps(report.to_dict())
    except (TypeError, ValueError) as exc:
        defects["json.dumps(report.to_dict()) fails"] = repr(exc)
    return defects


# -- real-world text ------------------------------------------------------------------------
HTML_EMAIL = """<html><head><style>p {margin: 0}</style></head><body>
<p>Hi,</p>
<p>My order #4412 arrived yesterday with a <b>cracked</b> lamp base &amp; no bulb.<br>Can you send a new lamp &amp; bulb?</p>
<p>Thanks&nbsp;&mdash; it&#39;s a gift for my mum&#x27;s birthday on Saturday.</p>
<div class="gmail_signature">-- <br>Jane Doe<br>Flat 2, 10 High St<br>Tel: 0161 496 0000</div>
</body></html>"""
HTML_EMAIL_AS_PLAIN_TEXT = (
    "Hi,\n\nMy order #4412 arrived yesterday with a cracked lamp base & no bulb.\n"
    "Can you send a new lamp & bulb?\n\nThanks \u2014 it's a gift for my mum's birthday on Saturday."
)
LAMP_DRAFT = (
    "Hi Jane, I'm so sorry your lamp from order #4412 arrived cracked and without a bulb. I've sent a new "
    "lamp and bulb by express delivery today, so they'll reach you on Friday, in time for Saturday. Reply "
    "to this e-mail if they don't arrive and I'll sort it out."
)
HTML_DRAFT = (
    "<div>Hi Jane,<br><br>I&#39;m so sorry your lamp from order #4412 arrived <b>cracked</b> &amp; without a "
    "bulb. I&rsquo;ve sent a new one today; it arrives Friday.</div><div>Reply here if it doesn&#39;t.<br>"
    "-- <br>Sarah, Acme Support</div>"
)

# The customer writes again; their mail client quotes the company's old autoreply, which looks
# exactly like the (bad) draft. The quoted text must not make that draft look relevant.
CHARGED_TWICE = STORY["autoreply"].message
AUTOREPLY = STORY["autoreply"].draft
QUOTED_HISTORY = {
    "gmail '>' lines": (
        "{m}\n\nOn Tue, 4 Mar 2025 at 09:12, Acme Support <support@acme.example> wrote:\n"
        "> {a}\n>\n> Acme Support Team\n"
    ),
    "gmail intro wrapped over two lines": (
        "{m}\n\nOn Tue, Mar 4, 2025 at 9:12 AM Acme Support <\nsupport@acme.example> wrote:\n\n> {a}\n"
    ),
    "outlook Original Message": (
        "{m}\n\n-----Original Message-----\nFrom: Acme Support <support@acme.example>\n"
        "Sent: Tuesday, March 4, 2025 9:12 AM\nTo: jane@example.com\nSubject: RE: Charged twice\n\n{a}\n"
    ),
    "outlook underscore rule": (
        "{m}\n\n________________________________\nFrom: Acme Support <support@acme.example>\n"
        "Sent: Tuesday, March 4, 2025 9:12 AM\nSubject: RE: Charged twice\n\n{a}\n"
    ),
    "html gmail_quote blockquote": (
        '<div>{m}</div><div class="gmail_quote"><div>On Tue, Mar 4, 2025 at 9:12 AM Acme Support '
        '&lt;support@acme.example&gt; wrote:<br></div><blockquote class="gmail_quote">{a}</blockquote></div>'
    ),
    "nested quotes": "{m}\n\n> On Mon, Acme wrote:\n> > {a}\n",
}

TWEETS = {
    "cancelled flight, emoji, hashtags, ^SH": (
        "@AmericanAir my flight AA123 got cancelled \U0001F621 and nobody at the gate knows anything #fail #stranded",
        (
            "@jane_doe So sorry about the AA123 cancellation \U0001F61E Please DM your confirmation code and "
            "we'll rebook you on the next flight. ^SH"
        ),
    ),
    "lost bag, *TMT": (
        "@British_Airways lost my bag on BA117 from JFK, 3 days and no update!! #lostluggage",
        (
            "@tom_h Sorry your bag is still missing after BA117, Tom. I've escalated your file to the baggage "
            "team and they'll call you within 24 hours. DM us if you don't hear back. *TMT"
        ),
    ),
    "URL in the reply, ^JR": (
        "@SpotifyCares the app keeps crashing on my phone since the update",
        (
            "@mike_b Sorry about the crashes! Try the steps here: https://t.co/Xk2PqR8vLm and DM us your device "
            "model if it keeps happening. ^JR"
        ),
    ),
    "two handles, 1/2 thread marker": (
        "@AmazonHelp where's my parcel?? ordered 2 weeks ago \U0001F4E6\U0001F624 @amazon",
        (
            "@kate_w Hi Kate, sorry it's taking so long! Please DM us your order number and we'll check where "
            "it is right away. ^AB 1/2"
        ),
    ),
}
AGENT_MARKS = {"^SH", "*TMT", "^JR", "^AB", "1/2"}

REAL_WORLD = {
    "html e-mail": (HTML_EMAIL, LAMP_DRAFT),
    "html e-mail, html draft": (HTML_EMAIL, HTML_DRAFT),
    **{f"quoted history: {k}": (v.format(m=CHARGED_TWICE, a=AUTOREPLY), AUTOREPLY) for k, v in QUOTED_HISTORY.items()},
    **{f"tweet: {k}": v for k, v in TWEETS.items()},
}


@pytest.fixture(scope="module")
def real_world(checker):
    return dict(zip(REAL_WORLD, checker.check_many(REAL_WORLD.values())))


@pytest.mark.parametrize("name", REAL_WORLD)
def test_real_world_spans_slice_the_original_strings(real_world, name):
    assert misplaced_spans(real_world[name]) == []


@pytest.mark.parametrize("name", REAL_WORLD)
def test_real_world_scores_are_in_range(real_world, name):
    assert scores_out_of_range(real_world[name]) == {}


def test_html_question_span_is_the_original_markup(real_world):
    questions = [q.span.text for q in real_world["html e-mail"].questions]
    assert questions == ["Can you send a new lamp &amp; bulb?"]


def test_html_email_is_flagged_html_stripped(real_world):
    assert "html_stripped" in real_world["html e-mail"].flags


def test_html_signature_is_not_judged(real_world):
    message_spans = [s.text for s in all_spans(real_world["html e-mail"]) if s.source == "message"]
    assert not any("0161 496 0000" in text or "Jane Doe" in text for text in message_spans)


def test_html_email_is_judged_like_its_plain_text(checker, real_world):
    plain = checker.check(HTML_EMAIL_AS_PLAIN_TEXT, LAMP_DRAFT).scores
    html = real_world["html e-mail"].scores
    assert max(abs(getattr(html, k) - getattr(plain, k)) for k in vars(plain)) <= 0.05


def test_html_draft_sentences_are_found_through_the_markup(real_world):
    sentences = [n.span.text for n in real_world["html e-mail, html draft"].sentences]
    assert "Reply here if it doesn&#39;t." in sentences


@pytest.mark.parametrize("name", QUOTED_HISTORY)
def test_quoted_autoreply_does_not_make_the_draft_look_relevant(checker, real_world, name):
    without_history = checker.check(CHARGED_TWICE, AUTOREPLY).scores.relevance
    with_history = real_world[f"quoted history: {name}"].scores.relevance
    assert abs(with_history - without_history) <= 0.1


@pytest.mark.parametrize("name", QUOTED_HISTORY)
def test_quoted_history_is_flagged_removed(real_world, name):
    assert "quoted_history_removed" in real_world[f"quoted history: {name}"].flags


@pytest.mark.parametrize("name", TWEETS)
def test_agent_initials_and_handles_are_not_judged_as_sentences(real_world, name):
    texts = [n.span.text for n in real_world[f"tweet: {name}"].sentences]
    assert [t for t in texts if t.startswith("@") or any(mark in t for mark in AGENT_MARKS)] == []


@pytest.mark.parametrize("name", TWEETS)
def test_english_tweets_are_judged_as_english(real_world, name):
    assert "language_not_supported" not in real_world[f"tweet: {name}"].flags


URL_TWEETS = {
    "t.co link after an English complaint": "@SpotifyCares the app keeps crashing on my phone https://t.co/Xk2PqR8vLm",
    "t.co link and hashtags": "Order late!! https://t.co/aBcDeFgHiJ https://t.co/QwErTyUiOp #fail #amazonprime",
    "product link inside a sentence": "my order https://www.amazon.co.uk/gp/product/B07XJ8C8F5/ref=ppx_yo_dt_b_asin_title_o00_s00?ie=UTF8&psc=1 is late",
}


@pytest.mark.parametrize("name", URL_TWEETS)
def test_english_text_with_a_link_is_judged_as_english(checker, name):
    report = checker.check(URL_TWEETS[name], "Sorry about that! Please DM us your order number and we'll check it today.")
    assert "language_not_supported" not in report.flags


# -- very long input ------------------------------------------------------------------------
LOG_LINE = "2025-03-04 09:12:01 ERROR payment gateway timeout for order 4412 (retrying in 30s)\n"
LONG_MESSAGE = (
    "I was charged twice for order 4412 and your checkout kept failing. Here is the log your app showed me:\n\n"
    + LOG_LINE * (200_000 // len(LOG_LINE))
)
POLICY_PARAGRAPH = (
    "Refunds are issued to the original payment method within 5 to 7 working days of approval. "
    "If your bank has not shown the refund after that time, reply to this e-mail with your order number. "
)
LONG_DRAFT = "I'm sorry you were charged twice for order 4412. " + POLICY_PARAGRAPH * (200_000 // len(POLICY_PARAGRAPH))
LONG_PAIRS = {
    "200 KB message": (LONG_MESSAGE, "I'm sorry about the double charge on order 4412: I've refunded it today."),
    "200 KB draft": (CHARGED_TWICE, LONG_DRAFT),
}


@pytest.fixture(scope="module")
def long_checks(checker):
    out = {}
    for name, (message, draft) in LONG_PAIRS.items():
        start = time.perf_counter()
        report = checker.check(message, draft)
        out[name] = (report, time.perf_counter() - start)
    return out


def test_long_inputs_are_at_least_200_kb():
    assert min(len(LONG_MESSAGE), len(LONG_DRAFT)) >= 195_000


@pytest.mark.parametrize("name", LONG_PAIRS)
def test_long_input_checks_in_bounded_time(long_checks, name):
    _, seconds = long_checks[name]
    assert seconds < 60  # a hang guard, not a benchmark


@pytest.mark.parametrize("name,flag", [("200 KB message", "message_truncated"), ("200 KB draft", "draft_truncated")])
def test_long_input_is_flagged_truncated(long_checks, name, flag):
    report, _ = long_checks[name]
    assert flag in report.flags


@pytest.mark.parametrize("name", LONG_PAIRS)
def test_long_input_spans_slice_the_original(long_checks, name):
    report, _ = long_checks[name]
    assert misplaced_spans(report) == []


def test_a_long_run_of_punctuation_checks_quickly(checker):
    shouty = "Where is my refund" + "?!" * 1_500  # unique to this test: spaCy caches tokenisations
    start = time.perf_counter()
    checker.check(shouty, "I'm sorry for the wait: your refund was issued today and reaches your card by Friday.")
    assert time.perf_counter() - start < 2.0


# -- non-English and hostile characters ---------------------------------------------------
ENGLISH_MESSAGE = "My order arrived damaged. Can you send a replacement?"
ENGLISH_DRAFT = "I'm sorry your order arrived damaged. I've sent a replacement today; it arrives by Friday."

NON_ENGLISH = {
    "chinese": "我的订单还没有到。请问什么时候发货？",
    "japanese": "注文した商品がまだ届きません。いつ届きますか？",
    "korean": "주문한 상품이 아직 도착하지 않았습니다. 언제 도착하나요?",
    "arabic": "لم يصل طلبي بعد. متى سيصل؟",
    "hebrew": "שלום, ההזמנה שלי לא הגיעה. מתי היא תגיע?",
    "hindi": "नमस्ते, मेरा ऑर्डर अभी तक नहीं आया। यह कब आएगा?",
    "thai": "สวัสดีครับ คำสั่งซื้อของฉันยังไม่มาถึง",
    "greek": "Γεια σας, η παραγγελία μου δεν έφτασε ακόμα. Πότε θα έρθει;",
    "russian": "Мой заказ до сих пор не пришёл. Когда его доставят?",
    "spanish": "Mi pedido todavía no ha llegado y ya pasaron tres semanas. ¿Cuándo llegará?",
    "french": "Ma commande n'est toujours pas arrivée après trois semaines. Quand va-t-elle arriver ?",
    "german": "Meine Bestellung ist nach drei Wochen immer noch nicht angekommen. Wann kommt sie?",
    "portuguese": "Olá, meu pedido não chegou. Quando vai chegar?",
    "turkish": "Siparişim hâlâ gelmedi, ne zaman gelecek? Çok bekledim.",
    "polish": "Moje zamówienie jeszcze nie dotarło. Kiedy dotrze?",
}

HOSTILE = {
    "mixed scripts": "My order 注文 #123 has not arrived, متى سيصل؟ Please help ASAP!",
    "control characters": "My order\x07 arrived\x1b[31m damaged\x0b. Can you\x0c send a replacement?\x7f",
    "NUL bytes": "\x00\x00My order arrived damaged.\x00 Can you send a replacement?\x00",
    "only NUL bytes": "\x00\x00\x00",
    "zero-width characters": "My\u200border\u200c arrived\u200d damaged\ufeff. Can you\u2060 send a replacement?",
    "only zero-width characters": "\u200b\u200c\u200d\ufeff",
    "lone surrogates": "My order arrived damaged \ud800. Can you send a \udfff replacement?",
    "only a lone surrogate": "\ud800",
    "RTL and LTR marks": "\u202eMy order arrived damaged\u202c. \u200fCan you send a replacement?\u200e",
    "combining marks (zalgo)": "Z\u0337\u034e\u0308a\u0338l\u0335g\u0336o\u0337 order d\u0327\u0338a\u0334m\u0337a\u0338g\u0336e\u0337d\u0334",
    "private use and noncharacters": "My order \ue000\uf8ff arrived \uffff\ufffe damaged \U0010ffff.",
    "mathematical bold letters": "\U0001d40c\U0001d432 \U0001d428\U0001d42b\U0001d41d\U0001d41e\U0001d42b is late",
    "CRLF line ends": "My order arrived damaged.\r\nCan you send a replacement?\r\n",
    "tabs": "\t\tMy order\tarrived damaged.\t",
    "only emoji": "\U0001F621\U0001F621\U0001F621\U0001F4E6\U0001F494",
    "only punctuation": "?!?!... ??? !!!",
    "only URLs": "https://example.com/order/123 http://t.co/xyz www.example.org",
    "only e-mail addresses": "jane.doe@example.com support@acme.example",
    "only handles": "@AmericanAir @Delta @united",
    "only agent initials": "^SH",
    "only HTML entities": "&nbsp;&amp;&lt;&gt;",
    "only quoted lines": "> My order arrived damaged\n> Can you send a replacement?",
    "only a signature delimiter": "-- \nJane",
    "broken HTML": "<div><p>My order <b>arrived damaged<br <script>alert(1)</script> &amp &#xZZ; &#99999999;",
    "unclosed comment": "My order <!-- arrived damaged. Can you send a replacement?",
    "a single letter": "a",
    "one very long word": "a" * 5_000,
}
assert len(HOSTILE) >= 25


def _pairs(texts: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Each text as the message (with a plain draft) and as the draft (with a plain message)."""
    out = {}
    for name, text in texts.items():
        out[f"{name} as message"] = (text, ENGLISH_DRAFT)
        out[f"{name} as draft"] = (ENGLISH_MESSAGE, text)
    return out


NON_ENGLISH_PAIRS = _pairs(NON_ENGLISH)
HOSTILE_PAIRS = _pairs(HOSTILE)


@pytest.fixture(scope="module")
def hostile_reports(checker):
    pairs = {**HOSTILE_PAIRS, **NON_ENGLISH_PAIRS}
    return dict(zip(pairs, checker.check_many(pairs.values())))  # one batch: the same reports as check()


@pytest.mark.parametrize("name", HOSTILE_PAIRS)
def test_hostile_input_gives_a_serialisable_report(hostile_reports, name):
    report = hostile_reports[name]
    assert Report.from_json(report.to_json()) == report


@pytest.mark.parametrize("name", HOSTILE_PAIRS)
def test_hostile_input_spans_slice_the_original(hostile_reports, name):
    assert misplaced_spans(hostile_reports[name]) == []


@pytest.mark.parametrize("name", HOSTILE_PAIRS)
def test_hostile_input_scores_are_in_range(hostile_reports, name):
    assert scores_out_of_range(hostile_reports[name]) == {}


@pytest.mark.parametrize("name", NON_ENGLISH_PAIRS)
def test_non_english_text_is_flagged_language_not_supported(hostile_reports, name):
    assert "language_not_supported" in hostile_reports[name].flags


@pytest.mark.parametrize("name", NON_ENGLISH_PAIRS)
def test_non_english_report_is_never_ok_to_send(hostile_reports, name):
    assert not hostile_reports[name].ok


@pytest.mark.parametrize("message", ["", " ", "\n\t\r ", "\u3000", "\u00a0\u2003"])
def test_blank_message_is_the_documented_value_error(checker, message):
    with pytest.raises(ValueError):
        checker.check(message, ENGLISH_DRAFT)


# -- properties over arbitrary text ---------------------------------------------------------
FRAGMENTS = st.sampled_from([
    "my", "order", "refund", "charged", "twice", "Can you", "please", "where is", "?", "!", ".", "\n", "\r\n",
    "> ", "On Tue, 4 Mar 2025, Acme wrote:", "-----Original Message-----", "From: a@b.example", "-- ",
    "<br>", "<div>", "</div>", "<b>", "&amp;", "&#x1F600;", "&lt;", "@Delta", "^SH", "*TMT", "#fail",
    "http://t.co/abc", "\U0001F621", "\u200b", "\u202e", "\ud800", "\x00", "\x07", "我的", "لم", "  ",
])
MIXED_TEXT = st.lists(st.one_of(FRAGMENTS, st.text(max_size=5)), max_size=40).map(" ".join)
ANY_TEXT = st.one_of(st.text(max_size=300), MIXED_TEXT)
PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY_SETTINGS
@given(message=ANY_TEXT, draft=ANY_TEXT)
def test_any_text_gives_a_well_formed_report_or_the_documented_error(checker, message, draft):
    try:
        report = checker.check(message, draft)
    except (TypeError, ValueError):
        assert not message.strip()  # the only documented error for str input: a blank message
    else:
        assert report_defects(report) == {}


# -- determinism ----------------------------------------------------------------------------
FIXED = STORY["marble_suite"]

# A fresh interpreter, with the offline switches unset and the network blocked before replyqa
# is imported, prints the fixed pair's report.
FRESH_PROCESS = f"""
import socket, sys
def _blocked(self, address):
    if self.family == socket.AF_UNIX:
        return _connect(self, address)
    raise OSError("network blocked in the replyqa test subprocess: %r" % (address,))
_connect = socket.socket.connect
socket.socket.connect = _blocked
import replyqa
from replyqa.examples import STORIES
story = {{s.name: s for s in STORIES}}[{FIXED.name!r}]
sys.stdout.write(replyqa.Checker().check(story.message, story.draft).to_json())
"""
OFFLINE_SWITCHES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE")


def _env_without_offline_switches() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in OFFLINE_SWITCHES}


@pytest.fixture(scope="module", autouse=True)
def fresh_process():
    """Started with the module, so the fresh interpreter loads its models while other tests run."""
    proc = subprocess.Popen(
        [sys.executable, "-c", FRESH_PROCESS], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=_env_without_offline_switches(), cwd=Path(__file__).resolve().parents[1],
    )
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.communicate()


@pytest.fixture(scope="module")
def fresh_process_output(fresh_process) -> tuple[int, str, str]:
    stdout, stderr = fresh_process.communicate(timeout=300)
    return fresh_process.returncode, stdout, stderr


@pytest.fixture(scope="module")
def fresh_checker() -> Checker:
    """A second checker with empty caches (the models themselves are shared per process)."""
    return Checker()


def test_repeated_checks_give_identical_reports(checker):
    first = checker.check(FIXED.message, FIXED.draft).to_dict()
    assert all(checker.check(FIXED.message, FIXED.draft).to_dict() == first for _ in range(3))


def test_two_checkers_give_identical_reports(checker, fresh_checker):
    assert fresh_checker.check(FIXED.message, FIXED.draft).to_dict() == checker.check(FIXED.message, FIXED.draft).to_dict()


def test_check_many_in_any_order_gives_the_same_reports_as_check(checker, fresh_checker):
    pairs = [(s.message, s.draft) for s in STORIES]
    reversed_batch = [r.to_dict() for r in fresh_checker.check_many(pairs[::-1])][::-1]
    assert reversed_batch == [checker.check(*p).to_dict() for p in pairs]


def test_a_fresh_process_checks_offline_without_the_offline_switches(fresh_process_output):
    returncode, _, stderr = fresh_process_output
    assert returncode == 0, stderr[-2000:]


def test_a_fresh_process_gives_the_identical_report(checker, fresh_process_output):
    _, stdout, _ = fresh_process_output
    assert stdout == checker.check(FIXED.message, FIXED.draft).to_json()


# -- thread safety --------------------------------------------------------------------------
THREAD_PAIRS = [(s.message, s.draft) for s in STORIES] + [
    (
        "@Delta my bag didn't arrive on DL45 from ATL, where is it??",
        "@sam So sorry your bag didn't make it on DL45. Please DM your bag tag number and we'll trace it now. *TMT",
    ),
    (
        "Hi, how do I change the e-mail address on my account? Thanks",
        (
            "Hi! Go to Settings > Account > E-mail, type the new address and click Save. We'll send a confirmation "
            "link to the new address; reply here if it doesn't arrive within 10 minutes."
        ),
    ),
    ("The app crashes every time I open the camera on my Pixel 7.", "Thanks for reaching out! We value your feedback."),
    (
        "<p>Please cancel my subscription.<br>Thanks, Tom</p>",
        (
            "Hi Tom, I've cancelled your subscription as of today; you won't be charged again. Reply to this "
            "e-mail if you have any questions."
        ),
    ),
]
assert len(THREAD_PAIRS) == 10


def test_four_threads_give_the_same_reports_as_a_serial_run(checker):
    serial = [checker.check(m, d).to_dict() for m, d in THREAD_PAIRS]
    jobs = [i % len(THREAD_PAIRS) for i in range(4 * 25)]
    # a fresh checker whose small cache keeps evicting, so the threads really prepare text concurrently
    shared = Checker(cache_size=8)
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(lambda i: shared.check(*THREAD_PAIRS[i]).to_dict(), jobs))
    assert [i for i, report in zip(jobs, threaded) if report != serial[i]] == []


@pytest.mark.parametrize("cache_size", [0, 1, 3])
def test_a_checker_with_a_small_cache_still_checks(cache_size):
    try:
        small = Checker(cache_size=cache_size)
    except ValueError:  # rejecting an unusable cache size up front would be a fix too
        return
    assert isinstance(small.check(ENGLISH_MESSAGE, ENGLISH_DRAFT), Report)


# -- offline and light ----------------------------------------------------------------------
HEAVY_MODULES = ("torch", "sentence_transformers", "transformers", "spacy")


@pytest.fixture(scope="module")
def modules_after_import() -> list[str]:
    code = f"import json, sys, replyqa; print(json.dumps([m for m in {HEAVY_MODULES!r} if m in sys.modules]))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env=_env_without_offline_switches(), check=True)
    return json.loads(result.stdout)


@pytest.mark.parametrize("module", HEAVY_MODULES)
def test_import_replyqa_does_not_import_heavy_libraries(modules_after_import, module):
    assert module not in modules_after_import


def test_no_pickled_weights_ship_with_the_package():
    resources = Path(replyqa.__file__).parent / "resources"
    assert [p.name for p in resources.rglob("*") if p.suffix in (".pkl", ".pickle", ".joblib", ".pt")] == []


def test_a_check_runs_with_the_network_blocked(fresh_checker):
    # conftest's autouse guard makes any connection attempt raise
    assert isinstance(fresh_checker.check(ENGLISH_MESSAGE, ENGLISH_DRAFT), Report)
