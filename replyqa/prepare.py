"""Analyse a message or a draft once: clean it, parse it, find cues, embed its sentences.

:class:`Analyzer` owns the models and two bounded LRU caches: whole-text analyses (so the
editor's repeated checks of one customer message parse it once) and sentence embeddings (so an
edited draft re-encodes only the sentences that changed).
"""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from . import resources
from .clean import CleanText, clean
from .report import Span

__all__ = ["Analyzer", "LRUCache", "Parsed", "Prepared", "Sentence", "segments"]

# spaCy's coarse tags whose lemmas carry the content of a sentence
CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM"}
_GENERIC_LEMMAS = {
    "thank", "thanks", "sorry", "help", "please", "hi", "hello", "hey", "team", "customer", "service",
    "dm", "message", "know", "let", "get", "go", "do", "be", "have", "make", "look", "reach", "contact",
    "need", "want", "like", "hear", "send", "follow", "detail", "happy", "glad", "day", "great", "good",
    "amp", "u", "pls", "plz", "today", "time", "able", "sure", "hope", "thing", "way", "lot",
}
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
# URLs, e-mail addresses, handles, hashtags and codes say nothing about the language
_NOT_LANGUAGE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+|[@#]\w+|\b\w*\d\w*\b|[A-Za-z0-9+/=]{24,}")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a cleaned text, with the cues the judgements read."""

    start: int
    end: int
    text: str
    lemmas: frozenset[str]
    entities: frozenset[str]
    cues: frozenset[str]
    is_question: bool
    is_request: bool
    imperative: bool
    n_tokens: int
    chunks: tuple[str, ...] = ()  # noun chunks, pronouns left out ("the chocolate figurines")
    wh: str = ""  # the question word opening a question ("when", "how much", ...), if any
    absent: frozenset[str] = frozenset()  # lemmas of things the writer says they do not have
    absent_phrases: tuple[str, ...] = ()  # the same, as written ("promo code")
    negated: bool = False


@dataclass(frozen=True)
class Parsed:
    """Texts parsed but not yet embedded (see :meth:`Analyzer.parse`)."""

    source: str
    texts: list[str]
    found: list[Prepared | None]  # analyses already in the cache
    pending: list[tuple[str, CleanText, tuple[Sentence, ...], dict[str, tuple[tuple[int, int], ...]], str]]


@dataclass(frozen=True)
class Prepared:
    """A text analysed once and shared by every judgement."""

    source: str  # "message" or "draft"
    clean: CleanText
    sentences: tuple[Sentence, ...]
    vectors: np.ndarray  # one unit vector per sentence
    vector: np.ndarray  # unit vector of the whole text
    cue_spans: dict[str, tuple[tuple[int, int], ...]]
    language: str
    flags: tuple[str, ...] = field(default=())

    @property
    def raw(self) -> str:
        return self.clean.raw

    @property
    def lemmas(self) -> frozenset[str]:
        return frozenset().union(*(s.lemmas for s in self.sentences)) if self.sentences else frozenset()

    @property
    def entities(self) -> frozenset[str]:
        return frozenset().union(*(s.entities for s in self.sentences)) if self.sentences else frozenset()

    def span(self, start: int, end: int) -> Span:
        """A :class:`Span` of the original text for cleaned offsets ``start:end``."""
        a, b = self.clean.to_raw(start, end)
        return Span(self.source, a, b, self.raw[a:b])

    def sentence_span(self, i: int) -> Span:
        s = self.sentences[i]
        return self.span(s.start, s.end)

    def has(self, cue: str) -> bool:
        return bool(self.cue_spans.get(cue))

    def cue_evidence(self, cue: str, limit: int = 3) -> tuple[Span, ...]:
        return tuple(self.span(a, b) for a, b in self.cue_spans.get(cue, ())[:limit])


class LRUCache:
    """A small thread-safe least-recently-used cache."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
            return None

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


class Analyzer:
    """Prepares texts with a spaCy pipeline and a sentence encoder (both loaded on first use).

    Parameters
    ----------
    nlp_loader, encoder_loader : callables returning the models
    max_chars, max_sentences : input limits (see :class:`~replyqa.config.Policy`)
    cache_size : how many analysed texts to keep; sentence embeddings keep 16 times as many.
    """

    def __init__(
        self,
        nlp_loader: Callable[[], Any],
        encoder_loader: Callable[[], Any],
        *,
        max_chars: int,
        max_sentences: int,
        cache_size: int = 512,
    ) -> None:
        if not isinstance(cache_size, int) or cache_size < 1:
            raise ValueError(f"The 'cache_size' argument must be a positive int. Got {cache_size!r} instead.")
        self._nlp_loader = nlp_loader
        self._encoder_loader = encoder_loader
        self.max_chars = max_chars
        self.max_sentences = max_sentences
        self.texts = LRUCache(cache_size)
        self.segments = LRUCache(cache_size * 16)  # spaCy analyses of segments (see segments())
        self.embeddings = LRUCache(cache_size * 16)
        self._model_lock = threading.RLock()  # loading models
        self._nlp_lock = threading.Lock()  # spaCy pipelines are not documented as thread-safe
        self._encoder_lock = threading.Lock()
        self._nlp: Any = None
        self._encoder: Any = None
        self._matchers: Any = None
        self._language: Any = None

    # -- models ------------------------------------------------------------------------
    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            with self._model_lock:
                if self._nlp is None:
                    nlp = self._nlp_loader()
                    self._matchers = _build_matchers(nlp)
                    self._nlp = nlp
        return self._nlp

    @property
    def encoder(self) -> Any:
        if self._encoder is None:
            with self._model_lock:
                if self._encoder is None:
                    self._encoder = self._encoder_loader()
        return self._encoder

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings, through the sentence cache, in one batched model call."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        found = {t: self.embeddings.get(t) for t in dict.fromkeys(texts)}
        missing = [t for t, v in found.items() if v is None]
        if missing:
            with self._encoder_lock:
                vecs = np.asarray(
                    self.encoder.encode(list(missing), batch_size=64, show_progress_bar=False, convert_to_numpy=True),
                    dtype=np.float32,
                )
            vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
            for text, vec in zip(missing, vecs):
                self.embeddings.put(text, vec)
                found[text] = vec  # the cache may already have evicted it: keep our own reference
        return np.stack([found[t] for t in texts])

    @property
    def dim(self) -> int:
        encoder = self.encoder
        get = getattr(encoder, "get_embedding_dimension", None) or getattr(encoder, "get_sentence_embedding_dimension", None)
        return int(get()) if get else int(self.encode(["a"]).shape[1])

    # -- preparation ---------------------------------------------------------------------
    def prepare(self, text: str, source: str) -> Prepared:
        return self.prepare_many([text], source)[0]

    def prepare_many(self, texts: Sequence[str], source: str) -> list[Prepared]:
        """Prepare many texts: parse with ``nlp.pipe`` and embed all new sentences in one call."""
        return self.embed(self.parse(texts, source))

    def parse(self, texts: Sequence[str], source: str) -> Parsed:
        """The first half of :meth:`prepare_many`: cleaning, spaCy and language, no encoder.

        :meth:`embed` finishes the job; the two may run in different threads, so a batch's
        sentences are encoded while the next batch is parsed (see ``Checker.check_many``).
        """
        found: list[Prepared | None] = [self.texts.get((source, t)) for t in texts]
        todo = list(dict.fromkeys(t for t, r in zip(texts, found) if r is None))
        pending = []
        if todo:
            cleaned = [clean(t, self.max_chars) for t in todo]
            segmented = [segments(c.text) for c in cleaned]
            analyses = self._analyse_segments([c.text[a:b] for c, segs in zip(cleaned, segmented) for a, b in segs])
            for raw, c, segs in zip(todo, cleaned, segmented):
                sentences, cue_spans = self._assemble(c.text, segs, analyses)
                pending.append((raw, c, sentences, cue_spans, self._language_of(c.text)))
        return Parsed(source, list(texts), found, pending)

    def _analyse_segments(self, texts: Sequence[str]) -> dict[str, tuple[list[Sentence], dict[str, Any]]]:
        """spaCy's analysis of each segment, through the segment cache, new ones in one ``nlp.pipe``."""
        found = {t: self.segments.get(t) for t in dict.fromkeys(texts)}
        missing = [t for t, v in found.items() if v is None]
        if missing:
            nlp = self.nlp
            with self._nlp_lock:
                docs = list(nlp.pipe(missing, batch_size=256))
            for text, doc in zip(missing, docs):
                found[text] = self._sentences(doc)
                self.segments.put(text, found[text])
        return found  # type: ignore[return-value]

    def _assemble(self, text: str, segs: list[tuple[int, int]], analyses: dict[str, Any],
                  ) -> tuple[tuple[Sentence, ...], dict[str, tuple[tuple[int, int], ...]]]:
        """The text's sentences and cue spans, from its segments' analyses shifted into place."""
        sentences: list[Sentence] = []
        cue_spans: dict[str, list[tuple[int, int]]] = {}
        for a, b in segs:
            sents, cues = analyses[text[a:b]]
            sentences.extend(replace(s, start=s.start + a, end=s.end + a) for s in sents)
            for label, spans in cues.items():
                cue_spans.setdefault(label, []).extend((x + a, y + a) for x, y in spans)
            if len(sentences) >= self.max_sentences:
                break
        return tuple(sentences[: self.max_sentences]), {k: tuple(v) for k, v in cue_spans.items()}

    def embed(self, parsed: Parsed) -> list[Prepared]:
        """The second half of :meth:`prepare_many`: embed the new sentences, build and cache."""
        self.encode([s.text for _, _, sentences, _, _ in parsed.pending for s in sentences])
        fresh: dict[str, Prepared] = {}
        for raw, c, sentences, cue_spans, language in parsed.pending:
            vectors = self.encode([s.text for s in sentences])
            prepared = Prepared(
                source=parsed.source,
                clean=c,
                sentences=sentences,
                vectors=vectors,
                vector=_mean_vector(vectors, [s.n_tokens for s in sentences], self.dim),
                cue_spans=cue_spans,
                language=language,
                flags=c.flags,
            )
            self.texts.put((parsed.source, raw), prepared)
            fresh[raw] = prepared
        return [r if r is not None else fresh[t] for t, r in zip(parsed.texts, parsed.found)]

    def _sentences(self, doc: Any) -> tuple[list[Sentence], dict[str, tuple[tuple[int, int], ...]]]:
        phrase_matcher, matcher = self._matchers
        vocab = doc.vocab.strings
        cue_spans: dict[str, list[tuple[int, int]]] = {}
        token_cues: dict[int, set[str]] = {}
        for match_id, start, end in list(phrase_matcher(doc)) + list(matcher(doc)):
            label = vocab[match_id]
            span = doc[start:end]
            cue_spans.setdefault(label, []).append((span.start_char, span.end_char))
            token_cues.setdefault(start, set()).add(label)
        for ent in doc.ents:  # entity cues: times and dates (Anticipate), people (a named agent)
            label = {"DATE": "time", "TIME": "time", "PERSON": "person", "MONEY": "money", "PERCENT": "money"}.get(ent.label_)
            if label:
                cue_spans.setdefault(label, []).append((ent.start_char, ent.end_char))
                token_cues.setdefault(ent.start, set()).add(label)
        sentences = []
        for sent in _split_sentences(doc):
            if len(sentences) >= self.max_sentences:
                break
            cues = set()
            for tok in sent:
                cues |= token_cues.get(tok.i, set())
                if tok.like_url or tok.like_email:
                    cues.add("url")
            lemmas = frozenset(
                t.lemma_.lower()
                for t in sent
                if t.pos_ in CONTENT_POS and not t.is_stop and len(t.text) > 1 and not t.like_url
                and t.lemma_.lower() not in _GENERIC_LEMMAS and not t.text.startswith("@")
            )
            entities = frozenset(e.text.lower() for e in sent.ents if e.label_ not in ("ORDINAL", "CARDINAL") or len(e.text) > 2)
            text = sent.text
            root = sent.root
            has_subject = any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in root.children)
            is_question = _is_question(sent)
            absent, absent_phrases = _absent_things(sent)
            negated = any(t.dep_ == "neg" or t.lower_ in ("no", "without", "never") for t in sent)
            imperative = root.tag_ == "VB" and not has_subject and root.i <= sent.start + 2
            sentences.append(
                Sentence(
                    start=sent.start_char,
                    end=sent.end_char,
                    text=text,
                    lemmas=lemmas,
                    entities=entities,
                    cues=frozenset(cues),
                    is_question=bool(is_question),
                    is_request=("request" in cues) or (imperative and any(t.lower_ == "please" for t in sent)),
                    imperative=imperative,
                    n_tokens=len(sent),
                    absent=absent,
                    absent_phrases=absent_phrases,
                    chunks=tuple(c.text for c in sent.noun_chunks if c.root.pos_ != "PRON" and not c.text.startswith("@")),
                    wh=_question_word(sent) if is_question else "",
                    negated=negated,
                )
            )
        return sentences, {k: tuple(v) for k, v in cue_spans.items()}

    def _language_of(self, text: str) -> str:
        text = _NOT_LANGUAGE.sub(" ", text)
        letters = _LATIN.findall(text)
        alpha = sum(ch.isalpha() for ch in text)
        if alpha >= 3 and len(letters) < 0.5 * alpha:
            return "und-nonlatin"
        words = _WORD.findall(text)
        if len(words) < 4:
            return "en"
        from spacy.lang.en.stop_words import STOP_WORDS

        # short English sentences are mostly function words; lingua alone misreads them
        if sum(w.lower() in STOP_WORDS for w in words) >= 0.35 * len(words):
            return "en"
        detector = self._language_detector()
        if detector is None:
            return "en"
        from lingua import Language

        if detector.compute_language_confidence(text, Language.ENGLISH) >= 0.2:
            return "en"
        found = detector.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found is not None else "und"

    def _language_detector(self) -> Any:
        if self._language is None:
            with self._model_lock:
                if self._language is None:
                    try:
                        from lingua import Language, LanguageDetectorBuilder
                    except ImportError:
                        self._language = False
                    else:
                        names = ("ENGLISH", "SPANISH", "FRENCH", "GERMAN", "PORTUGUESE", "ITALIAN", "DUTCH",
                                 "TURKISH", "INDONESIAN", "POLISH", "SWEDISH", "TAGALOG", "MALAY", "RUSSIAN")
                        langs = [getattr(Language, n) for n in names if hasattr(Language, n)]
                        self._language = LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()
        return self._language or None


_ABSENCE_HEADS = {"without", "missing", "lack", "lacking"}


def _absent_things(sent: Any) -> tuple[frozenset[str], tuple[str, ...]]:
    """Lemmas of nouns the sentence says are absent: "no promo code", "without a receipt",
    "there was no code", "didn't get a code" (a dependency cue: ``det=no`` or a negated verb)."""
    out: set[str] = set()
    phrases: list[str] = []
    for tok in sent:
        if tok.pos_ not in ("NOUN", "PROPN"):
            continue
        negated = any(c.lower_ == "no" and c.dep_ == "det" for c in tok.children)
        head = tok.head
        if tok.dep_ == "pobj" and head.lower_ in _ABSENCE_HEADS:
            negated = True
        if tok.dep_ in ("dobj", "nsubj", "attr") and any(c.dep_ == "neg" for c in head.children) and head.lemma_ in (
                "get", "receive", "have", "be", "see", "find", "include", "contain", "come", "give", "send"):
            negated = True
        if head.lemma_ in _ABSENCE_HEADS and tok.dep_ in ("dobj", "nsubj"):
            negated = True
        if tok.dep_ in ("nsubj", "nsubjpass") and any(
                c.lower_ in ("missing", "absent", "gone") for c in head.children if c.dep_ in ("acomp", "advmod", "attr")):
            negated = True
        if negated:
            compounds = [c for c in tok.children if c.dep_ == "compound"]
            out.add(tok.lemma_.lower())
            out.update(c.lemma_.lower() for c in compounds)
            start = min([tok.i] + [c.i for c in compounds])
            phrases.append(sent.doc[start : tok.i + 1].text)
    return frozenset(out), tuple(phrases)


def _question_word(sent: Any) -> str:
    words = [t.lower_ for t in sent if not t.is_punct]
    for i, w in enumerate(words[:6]):
        if w == "how" and i + 1 < len(words) and words[i + 1] in ("much", "long", "many", "do", "can", "soon"):
            return f"how {words[i + 1]}"
        if w in ("when", "where", "why", "what", "which", "who", "how"):
            if w == "what" and "do" in words[i + 1 : i + 8]:
                return "what do"
            return w
    return "yes/no"


_QUESTION_AUX = {"can", "could", "will", "would", "is", "are", "was", "were", "do", "does", "did", "have",
                 "has", "should", "may", "am", "any"}


def _is_question(sent: Any) -> bool:
    """A direct question: a question mark, or a wh-word or inverted auxiliary opening the sentence."""
    if sent.text.rstrip().endswith("?"):
        return True
    words = [t for t in sent if not t.is_punct and not t.is_space]
    if len(words) < 3:
        return False
    first, second = words[0], words[1]
    if first.tag_ in ("WDT", "WP", "WP$", "WRB") and second.pos_ in ("AUX", "VERB"):
        return True
    return first.lower_ in _QUESTION_AUX and first.pos_ == "AUX" and second.pos_ in ("PRON", "PROPN", "NOUN", "DET")


# A segment ends at a line break, or after . ! ? (and closing quotes/brackets) and white space
# when the next word starts with a capital, a digit, @ or # -- unless the word before is a
# common abbreviation or a single letter ("Mr. Smith", "e.g. Paris", "J. Doe").
_SEGMENT_END = re.compile(r"[ \t]*\n\s*|(?<=[.!?])(?P<close>[\"'\u201d\u2019)\]]*)[ \t]+(?=[\"'\u201c\u2018(\[]?[A-Z0-9@#])")
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "vs", "etc", "e.g", "i.e", "no", "approx", "jr", "sr", "inc", "ltd",
                  "co", "corp", "dept", "est", "fig", "hr", "min", "mt", "nr", "ref", "tel", "u.s", "a.m", "p.m"}
_WORD_BEFORE = re.compile(r"(\S+)$")


def segments(text: str) -> list[tuple[int, int]]:
    """Cut a cleaned text into stretches spaCy parses on its own: sentences by their punctuation,
    and lines. Each is analysed and cached once, so an edited draft re-parses only the sentence
    that changed; spaCy still splits a segment further where it sees more than one sentence.
    Returns ``(start, end)`` offsets of non-blank segments, trimmed of surrounding white space."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in _SEGMENT_END.finditer(text):
        if "\n" not in m.group(0):
            before = _WORD_BEFORE.search(text, max(0, m.start() - 40), m.start())
            word = before.group(1).lower().rstrip("\"'\u201d\u2019)]").rstrip(".!?").lstrip("\"'\u201c\u2018([") if before else ""
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
        out.append((start, m.start() + len(m.group("close") or "")))
        start = m.end()
    out.append((start, len(text)))
    trimmed = []
    for a, b in out:
        chunk = text[a:b]
        if chunk.strip():
            left = len(chunk) - len(chunk.lstrip())
            trimmed.append((a + left, a + len(chunk.rstrip())))
    return trimmed


def _split_sentences(doc: Any) -> Iterable[Any]:
    """spaCy's sentences, split again at line breaks, trimmed of white space and punctuation-only."""
    for sent in doc.sents:
        start = sent.start
        for tok in sent:
            if "\n" in tok.text or (tok.is_space and tok.i > start):
                if any(not t.is_space and not t.is_punct for t in doc[start : tok.i]):
                    yield _trim(doc[start : tok.i])
                start = tok.i + 1
        if start < sent.end and any(not t.is_space and not t.is_punct for t in doc[start : sent.end]):
            yield _trim(doc[start : sent.end])


def _trim(span: Any) -> Any:
    start, end = span.start, span.end
    doc = span.doc
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    return doc[start:end]


def _mean_vector(vectors: np.ndarray, weights: list[int], dim: int) -> np.ndarray:
    if len(vectors) == 0:
        return np.zeros(dim, dtype=np.float32)
    w = np.sqrt(np.asarray(weights, dtype=np.float32))[:, None]
    v = (vectors * w).sum(axis=0)
    return v / max(float(np.linalg.norm(v)), 1e-12)


def _build_matchers(nlp: Any) -> tuple[Any, Any]:
    from spacy.matcher import Matcher, PhraseMatcher

    phrase_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for label, items in resources.phrases().items():
        phrase_matcher.add(label, list(nlp.tokenizer.pipe(items)))
    matcher = Matcher(nlp.vocab)
    for label, pats in resources.patterns()["matcher"].items():
        matcher.add(label, pats)
    return phrase_matcher, matcher
