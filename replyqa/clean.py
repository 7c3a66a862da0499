"""Turn raw helpdesk text into the words to judge, keeping a map back to the original.

Every step (HTML to visible text, entity decoding, quoted history, signatures, Twitter handles
and agent initials, invisible characters) produces a :class:`CleanText` whose ``starts`` and
``ends`` give, for each cleaned character, the original characters it came from, so a span
found in the cleaned text maps back to an exact slice of the original string.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

__all__ = ["MAX_RUN", "CleanText", "clean"]

MAX_RUN = 100  # longest run of non-space characters passed to the parser


@dataclass(frozen=True)
class CleanText:
    """Cleaned text plus, per character, the ``[start, end)`` of its source in ``raw``."""

    raw: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    flags: tuple[str, ...] = ()

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` range of the cleaned text onto the original string."""
        if end <= start or not self.text:
            pos = self.starts[start] if start < len(self.starts) else len(self.raw)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


class _Builder:
    """Accumulates output text with, per character, its span in the *input* of this step."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def keep(self, text: str, start: int, end: int) -> None:
        self.parts.append(text[start:end])
        self.starts.extend(range(start, end))
        self.ends.extend(range(start + 1, end + 1))

    def put(self, replacement: str, start: int, end: int) -> None:
        self.parts.append(replacement)
        self.starts.extend([start] * len(replacement))
        self.ends.extend([end] * len(replacement))

    def compose(self, prev: CleanText, flag: str | None = None) -> CleanText:
        """Chain this step onto ``prev`` so offsets still point into the original string."""
        text = "".join(self.parts)
        starts = tuple(prev.starts[s] for s in self.starts)
        ends = tuple(prev.ends[e - 1] for e in self.ends)
        flags = prev.flags + ((flag,) if flag and text != prev.text else ())
        return CleanText(prev.raw, text, starts, ends, flags)


def _identity(raw: str) -> CleanText:
    return CleanText(raw, raw, tuple(range(len(raw))), tuple(range(1, len(raw) + 1)))


# -- HTML -------------------------------------------------------------------------------
_HTML_HINT = re.compile(
    r"<(?:br|p|div|span|html|body|table|tr|td|a|b|i|u|strong|em|font|ul|ol|li|h[1-6]|img|"
    r"blockquote|hr|meta|style|head)\b[^>]{0,500}>",
    re.IGNORECASE,
)
_BLOCK_TAGS = {"br", "p", "div", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "blockquote"}
_HIDDEN_TAGS = {"script", "style", "head", "title", "blockquote"}  # blockquote: quoted history


class _VisibleText(HTMLParser):
    """Collects visible text with offsets (stdlib parser, so odd markup never raises)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.out = _Builder()
        self.hidden = 0

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list) -> None:
        pos = self._pos()
        if tag in _HIDDEN_TAGS:
            self.hidden += 1
        elif tag in _BLOCK_TAGS and not self.hidden:
            self.out.put("\n", pos, pos + 1)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag in _BLOCK_TAGS and not self.hidden:
            pos = self._pos()
            self.out.put("\n", pos, pos + 1)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK_TAGS and not self.hidden:
            pos = self._pos()
            self.out.put("\n", pos, pos + 1)

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        start = self._pos()
        # the parser hands data over verbatim; find it in the source to be exact
        if self.source.startswith(data, start):
            self.out.keep(self.source, start, start + len(data))

    def _entity(self, ref: str) -> None:
        if self.hidden:
            return
        start = self._pos()
        end = self.source.find(";", start, start + 40)
        end = end + 1 if end != -1 else start + len(ref) + 1
        self.out.put(html.unescape(self.source[start:end]) or " ", start, end)

    def handle_entityref(self, name: str) -> None:
        self._entity(name)

    def handle_charref(self, name: str) -> None:
        self._entity(name)


def _strip_html(prev: CleanText) -> CleanText:
    if not _HTML_HINT.search(prev.text):
        return prev
    parser = _VisibleText(prev.text)
    try:
        parser.feed(prev.text)
        parser.close()
    except Exception:  # malformed markup: fall back to the text as it is
        return prev
    return parser.out.compose(prev, "html_stripped")


_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")


def _decode_entities(prev: CleanText) -> CleanText:
    if "&" not in prev.text:
        return prev
    out, pos = _Builder(), 0
    for m in _ENTITY.finditer(prev.text):
        out.keep(prev.text, pos, m.start())
        out.put(html.unescape(m.group()), m.start(), m.end())
        pos = m.end()
    out.keep(prev.text, pos, len(prev.text))
    return out.compose(prev)


# -- invisible characters -----------------------------------------------------------------
def _drop_invisible(prev: CleanText) -> CleanText:
    """Remove control, format (zero-width), surrogate and private-use characters."""
    text = prev.text
    if text.isprintable():
        return prev
    out = _Builder()
    for i, ch in enumerate(text):
        if ch in "\n\t":
            out.keep(text, i, i + 1)
        elif ch == "\r":
            continue
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            out.put(" ", i, i + 1) if unicodedata.category(ch) == "Cs" else None
        else:
            out.keep(text, i, i + 1)
    return out.compose(prev)


# -- quoted history, signatures, disclaimers -----------------------------------------------
_CUT_LINE = re.compile(
    r"^[ \t]*(?:-{2,}\s*(?:Original Message|Forwarded message)\s*-{2,}.*"
    r"|On\b.{0,200}\bwrote:\s*"
    r"|From:\s.{0,200}"
    r"|-- ?"
    r"|_{5,}"
    r"|Sent from my \w+.*|Get Outlook for .*"
    r"|(?:CONFIDENTIALITY NOTICE|DISCLAIMER|LEGAL NOTICE)\b.*"
    r"|This (?:e-?mail|message)(?: and any attachments?)? (?:is|are|may be|contains?) "
    r"(?:confidential|intended|privileged).*)$",
    re.IGNORECASE | re.MULTILINE,
)
_QUOTED_LINE = re.compile(r"^[ \t]*>.*(?:\n|$)", re.MULTILINE)


def _drop_history(prev: CleanText) -> CleanText:
    text = prev.text
    if "\n" not in text:
        return prev
    cut = len(text)
    try:
        import quotequail  # a maintained library for "On ... wrote:" and forwarded mail

        parts = quotequail.quote(text, quote_intro_line=True)
        if parts and parts[0][0] and len(parts) > 1 and text.startswith(parts[0][1]):
            cut = len(parts[0][1])
    except Exception:
        pass
    m = _CUT_LINE.search(text)
    if m and text[: m.start()].strip():
        cut = min(cut, m.start())
    out, pos = _Builder(), 0
    for q in _QUOTED_LINE.finditer(text, 0, cut):
        out.keep(text, pos, q.start())
        pos = q.end()
    out.keep(text, pos, max(pos, cut))
    if not "".join(out.parts).strip():  # nothing but quotes: judge everything rather than nothing
        return prev
    return out.compose(prev, "quoted_history_removed")


# -- Twitter conventions ----------------------------------------------------------------
_LEADING_HANDLES = re.compile(r"^(?:\s*@\w{1,30}[:,]?)+\s*")
_TRAILING_MARKS = re.compile(r"(?:\s+(?:[\^*~/-] ?[A-Z]{1,4}|\d/\d|@\w{1,30}))+\s*$")


def _strip_twitter(prev: CleanText) -> CleanText:
    text = prev.text
    lead = _LEADING_HANDLES.match(text, 0, 2000)
    start = lead.end() if lead and lead.end() < len(text) else 0
    # only the tail can hold sign-offs; a bounded window keeps the regex linear on huge inputs
    tail = _TRAILING_MARKS.search(text, max(start, len(text) - 200))
    end = tail.start() if tail and text[start : tail.start()].strip() else len(text)
    if start == 0 and end == len(text):
        return prev
    out = _Builder()
    out.keep(text, start, end)
    return out.compose(prev)


_LONG_RUN = re.compile(r"\S{%d,}" % (MAX_RUN + 1))


def _shorten_runs(prev: CleanText) -> CleanText:
    """Keep the first MAX_RUN characters of any run without white space (a 20,000-emoji
    "word" costs the tokenizer quadratic time, and says no more than its start)."""
    if not _LONG_RUN.search(prev.text):
        return prev
    out, pos = _Builder(), 0
    for m in _LONG_RUN.finditer(prev.text):
        out.keep(prev.text, pos, m.start() + MAX_RUN)
        pos = m.end()
    out.keep(prev.text, pos, len(prev.text))
    return out.compose(prev)


def clean(raw: str, max_chars: int) -> CleanText:
    """Return the visible, newest words of ``raw`` with offsets into ``raw``.

    >>> c = clean("@Delta my bag &amp; coat are lost ^SH", 1000)
    >>> c.text
    'my bag & coat are lost'
    >>> start, end = c.to_raw(0, 6); "@Delta my bag &amp; coat are lost ^SH"[start:end]
    'my bag'
    """
    text = _identity(raw[:max_chars])
    flags: tuple[str, ...] = ("truncated",) if len(raw) > max_chars else ()
    for step in (_drop_invisible, _strip_html, _decode_entities, _drop_history, _strip_twitter, _shorten_runs):
        text = step(text)
    return CleanText(raw, text.text, text.starts, text.ends, flags + text.flags)
