"""Putting the stages together: quotations, reported speech, speakers, check-worthiness."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from spacy.tokens import Token

from . import checkworthiness
from .lexicon import SPEECH, stance_of
from .nlp import Parsed
from .quotes import Quote, find_quotes, paragraph_breaks
from .reported import CONFIDENCE, Cue, conjoined, cues_in, is_cue_verb, subject_of
from .speakers import Mention, Resolver, mention_from_token
from .textview import TextView
from .types import ExtractedClaim, Span

FRAME_CHARS = 160
STOP_TEXT = {".", "!", "?"}
DASHES = "\u2014\u2015\u2013-"


class _Quotes:
    def __init__(self, quotes: list[Quote]):
        self.q = quotes
        self.opens = [q.open for q in quotes]

    def at(self, pos):
        i = bisect.bisect_right(self.opens, pos) - 1
        if i >= 0 and self.q[i].open <= pos < self.q[i].close:
            return self.q[i]
        return None

    def inside(self, pos) -> bool:
        return self.at(pos) is not None

    def overlapping(self, a, b):
        i = max(0, bisect.bisect_right(self.opens, a) - 1)
        out = []
        while i < len(self.q) and self.q[i].open < b:
            if self.q[i].close > a:
                out.append(self.q[i])
            i += 1
        return out


class _Claim:
    """A claim while it is being built (spaCy tokens still attached)."""

    def __init__(self, kind, spans, cue: Cue | None, subject, confidence, quotes=()):
        self.kind = kind
        self.spans = list(spans)
        self.cue = cue
        self.subject = subject
        self.confidence = confidence
        self.quotes = list(quotes)
        self.mention: Mention | None = None
        self.extra_mentions: list[Mention] = []
        self.inherited = None  # a claim whose speaker this one carries on
        # the construction that found it: a cue's pattern, a way of attributing a quotation from
        # the text beside it, or "carried_on" / "carried_from_reported"
        self.rule = cue.pattern if cue is not None else "none"


def _quoted_fraction(spans, qs: _Quotes):
    total = sum(b - a for a, b in spans)
    if not total:
        return 0.0, []
    got = 0
    hit = []
    for a, b in spans:
        for q in qs.overlapping(a, b):
            o = min(b, q.close) - max(a, q.open)
            if o > 0:
                got += o
                hit.append(q)
    return got / total, hit


def _frame_tokens(parsed: Parsed, q: Quote, qs: _Quotes, forward: bool):
    """Tokens beside a quotation up to a sentence end, a line end or the next quotation."""
    text = parsed.text
    out = []
    if forward:
        toks = parsed.tokens_in(q.close, min(len(text), q.close + FRAME_CHARS))
        for t in toks:
            s = parsed.tstart(t)
            if t.is_space and "\n" in t.text or "\n" in t.text:
                break
            if qs.inside(s):
                break
            out.append(t)
            if t.text in STOP_TEXT:
                break
        # a line break in the text right after the quotation ends the frame
        nl = text.find("\n", q.close, q.close + FRAME_CHARS)
        if nl >= 0:
            out = [t for t in out if parsed.tstart(t) < nl]
    else:
        toks = parsed.tokens_in(max(0, q.open - FRAME_CHARS), q.open)
        for t in reversed(toks):
            s = parsed.tstart(t)
            if "\n" in t.text or qs.inside(s) or t.text in STOP_TEXT:
                break
            out.append(t)
        out.reverse()
        nl = text.rfind("\n", max(0, q.open - FRAME_CHARS), q.open)
        if nl >= 0:
            out = [t for t in out if parsed.tstart(t) > nl]
    return out


def _nearest_nounish(frame, verb, qs, parsed):
    cands = [t for t in frame if t.pos_ in ("PROPN", "PRON", "NOUN") and not qs.inside(parsed.tstart(t))
             and t.dep_ not in ("dobj", "pobj", "npadvmod")]
    if not cands:
        return None
    if verb is None:
        return cands[-1]
    after = [t for t in cands if t.i > verb.i]
    if after:
        return after[0]
    # before the verb: a subject the parser found for another verb, else the head of the first
    # noun phrase ("The notice taped to the clinic door read, ...": the notice, not the clinic)
    before = [t for t in cands if t.i < verb.i]
    subj = next((t for t in before if t.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is not None:
        return subj
    heads = [t for t in before if t.dep_ not in ("compound", "poss", "amod")]
    return heads[0] if heads else cands[-1]


@dataclass
class QuoteAttribution:
    """Who a quotation is attributed to by the text around it, and by which cue."""

    verb: Token | None  # the cue verb, or None for a mark (':' or a dash)
    subject: Token | None
    cue_text: str | None  # "according to", ':' or the dash; None: the verb's own text
    rule: str  # the way it was found (a key of BESIDE_CONFIDENCE)

    @property
    def confidence(self) -> float:
        return BESIDE_CONFIDENCE[self.rule]


# How sure each way of attributing a quotation from the text beside it is.
BESIDE_CONFIDENCE = {"verb": 0.7, "according": 0.6, "cue_paragraph": 0.6, "headline_name": 0.5,
                     "colon_subject": 0.45, "dash": 0.5}
# A "Name:" before a quotation is a headline's speaker when at most this many tokens precede it.
HEADLINE_NAME_TOKENS = 8


def _find_for_quote(parsed: Parsed, q: Quote, qs: _Quotes, paras: list[int]) -> QuoteAttribution | None:
    """The attribution of a quotation from the text beside it: a speech verb in its sentence, a
    cue paragraph ending "X said:", a "Name:" or a sentence before a colon, a dash after it."""
    after = _frame_tokens(parsed, q, qs, True)
    before = _frame_tokens(parsed, q, qs, False)
    return (_speech_verb_beside(parsed, q, qs, before, after)
            or _cue_paragraph(parsed, q, paras)
            or _colon_before(parsed, q, before)
            or _dash_after(after))


def _speech_verb_beside(parsed: Parsed, q: Quote, qs: _Quotes, before, after) -> QuoteAttribution | None:
    """'"...," said X' or 'X said "..."' or 'according to X, "..."': the verb after the quotation
    first, unless that sentence ends in a colon (it introduces the next quotation)."""
    a_verb = next((t for t in after if is_cue_verb(t) or t.lower_ == "according"), None)
    b_verb = next((t for t in reversed(before) if is_cue_verb(t) or t.lower_ == "according"), None)
    after_text = parsed.text[q.close:parsed.tend(after[-1])] if after else ""
    if a_verb is not None and not after_text.rstrip().endswith(":"):
        verb, frame = a_verb, after
    elif b_verb is not None:
        verb, frame = b_verb, before
    elif a_verb is not None:
        verb, frame = a_verb, after
    else:
        return None
    if verb.lower_ == "according":
        to = verb.nbor(1) if verb.i + 1 < len(verb.doc) else None
        subj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
        return QuoteAttribution(verb, subj or _nearest_nounish(frame, verb, qs, parsed), "according to",
                                "according")
    subj = subject_of(verb)
    if subj is None or qs.inside(parsed.tstart(subj)):
        subj = _nearest_nounish(frame, verb, qs, parsed)
    return QuoteAttribution(verb, subj, None, "verb")


def _cue_paragraph(parsed: Parsed, q: Quote, paras: list[int]) -> QuoteAttribution | None:
    colon = _after_colon_paragraph(parsed, q, paras)
    return QuoteAttribution(colon[0], colon[1], None, "cue_paragraph") if colon else None


def _colon_before(parsed: Parsed, q: Quote, before) -> QuoteAttribution | None:
    """Headline style 'Name: "..."', or 'X took aim at Y in a string of posts: "..."' (the
    sentence's subject speaks)."""
    if not before or not parsed.text[parsed.tstart(before[0]):q.open].rstrip().endswith(":"):
        return None
    names = [t for t in before if t.pos_ in ("PROPN", "NOUN", "PRON")]
    if names and len(before) <= HEADLINE_NAME_TOKENS:
        return QuoteAttribution(None, names[-1], ":", "headline_name")
    verb = next((t for t in before if t.pos_ == "VERB" and subject_of(t) is not None), None)
    subj = subject_of(verb) if verb is not None else None
    if subj is not None and subj.pos_ in ("PROPN", "PRON") and parsed.tstart(subj) >= parsed.tstart(before[0]):
        return QuoteAttribution(None, subj, ":", "colon_subject")
    return None


def _dash_after(after) -> QuoteAttribution | None:
    """'"..." -- Name': a dash and a name after the quotation."""
    if after and after[0].text and after[0].text[0] in DASHES:
        names = [t for t in after[1:6] if t.pos_ == "PROPN"]
        if names:
            name = names[0]
            while name.i + 1 < len(name.doc) and name.nbor(1).pos_ == "PROPN" and "\n" not in name.whitespace_:
                name = name.nbor(1)  # the last word of the name is its head ("Nora Holm")
            return QuoteAttribution(None, name, after[0].text, "dash")
    return None


def _short_reply(parsed: Parsed, q: Quote, qs: _Quotes) -> bool:
    """A one- or two-word quotation that a speech verb answers at once is a claim ("Absolutely
    not," said Priya Annan; "No comment," the officer replied), unlike a scare-quoted name."""
    text = parsed.text
    inner = text[q.segments[-1][0]:q.segments[-1][1]].rstrip()
    if not inner:
        return False
    if inner[-1] not in ",!?" and text[q.close:q.close + 1] != ",":
        before = [t for t in _frame_tokens(parsed, q, qs, False) if not t.is_punct]
        return bool(before) and is_cue_verb(before[-1]) and inner[-1] in ".!?"
    if any(is_cue_verb(t) for t in _frame_tokens(parsed, q, qs, True)):
        return True
    # or follows one at once: 'protesters chanted "What curfew?"'
    before = [t for t in _frame_tokens(parsed, q, qs, False) if not t.is_punct]
    return bool(before) and is_cue_verb(before[-1])


def _after_colon_paragraph(parsed: Parsed, q: Quote, paras):
    """A quotation in a paragraph of its own after a paragraph that ends "X said:" or "X wrote,":
    the cue verb of that sentence."""
    text = parsed.text
    k = bisect.bisect_right(paras, q.open)
    start = paras[k - 1] if k else 0
    if text[start:q.open].strip():
        return None
    before = text[:start].rstrip()
    if not before.endswith((":", ",")):
        return None
    sent = parsed.sent_at(len(before) - 1)
    toks = parsed.tokens_in(sent[0], len(before)) if sent else []
    verb = next((t for t in reversed(toks) if is_cue_verb(t)), None)
    if verb is None:
        return None
    subj = subject_of(verb)
    if subj is None:
        # the parser lost the subject ("the Corvel Mining Cooperative wrote," read as a compound)
        para = [t for t in toks if t.i < verb.i]
        subj = next((t for t in reversed(para) if t.pos_ in ("PROPN", "NOUN")
                     and t.dep_ not in ("pobj", "dobj", "npadvmod") and "\n" not in t.text), None)
    return verb, subj


def _quote_is_claimable(text, q: Quote) -> bool:
    words = sum(len(text[a:b].split()) for a, b in q.segments)
    return words >= 3


# A reported clause that is mostly (this share) inside quote marks attributes those quotations.
QUOTED_SHARE = 0.6
# A cue attributes a quotation only within this many characters of it.
CUE_REACH = 400
# Confidence of a direct quotation its reported clause attributes, one that carries on the
# speaker of the quotation before, and one that carries on a reported claim's speaker.
DIRECT_CONFIDENCE, CARRIED_CONFIDENCE, CARRIED_FROM_REPORTED_CONFIDENCE = 0.8, 0.5, 0.45
# A partial quotation is surer than the bare reported clause it quotes from.
PARTIAL_BONUS = 0.1


def claims_from_parsed(parsed: Parsed) -> list[ExtractedClaim]:
    """The claims of one parsed text: reported speech from the cues, then the quotations."""
    text = parsed.text
    if not text.strip():
        return []
    qs = _Quotes(find_quotes(text))
    paras = paragraph_breaks(text)
    cues = _within_paragraphs(parsed, cues_in(parsed, qs.inside), paras)
    cues.extend(_headline_cues(parsed, paras, qs))
    cues.extend(_block_after_cue_paragraph(parsed, paras, qs))
    built, quote_cue, consumed = _reported_claims(cues, qs, text)
    built.extend(_quotation_claims(parsed, qs, paras, quote_cue, consumed, built))
    return _finish(parsed, built, qs)


def _within_paragraphs(parsed: Parsed, cues: list[Cue], paras: list[int]) -> list[Cue]:
    """A reported clause never runs over a paragraph break: each cue's content is cut to the
    paragraph of its cue word."""
    text = parsed.text
    for c in cues:
        if c.content and c.verb is not None:
            v = parsed.tstart(c.verb)
            k = bisect.bisect_right(paras, v)
            ps = paras[k - 1] if k else 0
            pe = paras[k] if k < len(paras) else len(text)
            c.content = [(max(a, ps), min(b, pe)) for a, b in c.content if min(b, pe) > max(a, ps)]
            c.content = [_strip(text, a, b) for a, b in c.content]
            c.content = [s for s in c.content if s[1] > s[0]]
    return cues


def _reported_claims(
    cues: list[Cue], qs: _Quotes, text: str
) -> tuple[list[_Claim], dict[int, tuple[Cue, float]], set[int]]:
    """Indirect and partial claims from the cues; a cue whose clause is mostly quoted attributes
    those quotations instead (returned as id(quote) -> (cue, quoted share)), and the quotations a
    partial claim quotes from are consumed by it."""
    quote_cue: dict[int, tuple[Cue, float]] = {}
    consumed: set[int] = set()
    built: list[_Claim] = []
    for c in cues:
        if not c.content:
            continue
        frac, hit = _quoted_fraction(c.content, qs)
        if frac >= QUOTED_SHARE and _unquoted_words(text, c.content, hit) < OWN_WORDS:
            for q in hit:
                anchor = c.cue_spans[0][0] if c.cue_spans else q.open
                if q.open > anchor + CUE_REACH or q.close < anchor - CUE_REACH:
                    continue
                prev = quote_cue.get(id(q))
                if prev is None or frac > prev[1]:
                    quote_cue[id(q)] = (c, frac)
            continue
        if hit:
            # reported speech quoting some words: a partial quotation
            built.append(_Claim("partial", _through_closing_marks(text, c.content, hit), c, c.subject,
                                c.confidence + PARTIAL_BONUS, hit))
            consumed.update(id(q) for q in hit)
        else:
            built.append(_Claim("indirect", c.content, c, c.subject, c.confidence))
    return built, quote_cue, consumed


def _unquoted_words(text: str, spans, hit) -> int:
    """How many words of a reported clause stand outside its quotations, a leading
    complementizer aside ('that voter fraud "would be..."': 2)."""
    words = 0
    for a, b in spans:
        inside = sorted((max(a, q.open), min(b, q.close)) for q in hit if q.close > a and q.open < b)
        pos = a
        for qa, qb in inside + [(b, b)]:
            words += len(_WORD.findall(text[pos:max(pos, qa)]))
            pos = max(pos, qb)
    first = next(iter(_WORD.finditer(text[spans[0][0]:spans[0][1]])), None) if spans else None
    if first is not None and first.group().lower() in ("that", "whether", "if"):
        words -= 1
    return words


def _through_closing_marks(text: str, spans: list[Span], hit) -> list[Span]:
    """A clause that ends inside a quotation runs on to its closing mark, so the claim never
    shows an opening mark without its close ('the pier "would not survive a storm."'): the
    parser often ends the clause early inside quoted words."""
    if not spans:
        return spans
    a, b = spans[-1]
    for q in hit:
        if a <= q.open < b < q.close:
            return [*spans[:-1], (a, q.close)]
    return spans


_WORD = re.compile(r"\w[\w'’-]*")
# A mostly quoted clause with at least this many words of the writer's own is a partial quotation
# (the words outside the quote marks are part of the claim: 'voter fraud "would be ..."').
OWN_WORDS = 2


def _quotation_claims(parsed: Parsed, qs: _Quotes, paras: list[int], quote_cue: dict[int, tuple[Cue, float]],
                      consumed: set[int], reported: list[_Claim]) -> list[_Claim]:
    """Direct claims, one per quotation (or one per quotation split by its attribution), in order."""
    text = parsed.text
    out: list[_Claim] = []
    last_direct: _Claim | None = None
    for q in qs.q:
        if id(q) in consumed:
            continue
        got = quote_cue.get(id(q))
        if not _quote_is_claimable(text, q) and got is None and not _short_reply(parsed, q, qs):
            continue
        if got is not None:
            claim = _Claim("direct", q.segments, got[0], got[0].subject, DIRECT_CONFIDENCE, [q])
        else:
            claim = _attributed_nearby(parsed, q, qs, paras)
            if claim is None and last_direct is not None and _carries_on(parsed, last_direct, q, paras, qs):
                if _same_paragraph(paras, last_direct.spans[-1][1], q.open):
                    last_direct.spans.extend(q.segments)  # the same speaker's next sentence
                    last_direct.quotes.append(q)
                    continue
                claim = _carried_on(last_direct, q, CARRIED_CONFIDENCE, "carried_on")
            elif claim is None:
                # a quotation that follows a reported claim in the same paragraph carries on its
                # speaker ('... because "Y," she said. "Z."': Z is hers too)
                prev = _reported_before(reported, q, paras)
                if prev is not None and _carries_on(parsed, prev, q, paras, qs):
                    claim = _carried_on(prev, q, CARRIED_FROM_REPORTED_CONFIDENCE, "carried_from_reported")
        if claim is None:
            continue
        # "A," he said, "B." -- one claim, two spans
        if (last_direct is not None and claim.cue is not None and last_direct.cue is not None
                and claim.cue.verb is not None and claim.cue.verb is last_direct.cue.verb
                and claim.inherited is None):
            last_direct.spans.extend(claim.spans)
            last_direct.quotes.append(q)
            continue
        out.append(claim)
        last_direct = claim
    return out


def _carried_on(prev: _Claim, q: Quote, confidence: float, rule: str) -> _Claim:
    claim = _Claim("direct", q.segments, prev.cue, prev.subject, confidence, [q])
    claim.inherited = prev
    claim.rule = rule
    return claim


def _attributed_nearby(parsed: Parsed, q: Quote, qs: _Quotes, paras: list[int]) -> _Claim | None:
    """A direct claim for a quotation whose attribution stands beside it (a speech verb in its
    sentence, a headline "Name:", a dash "-- Name", a cue paragraph ending "X said:")."""
    found = _find_for_quote(parsed, q, qs, paras)
    if found is None:
        return None
    text = parsed.text
    cue = None
    if found.verb is not None:
        toks = [found.verb] + ([found.verb.nbor(1)] if found.cue_text == "according to" else [])
        cue = Cue(found.verb, [(parsed.tstart(toks[0]), parsed.tend(toks[-1]))],
                  found.cue_text or found.verb.text, found.subject, [], found.rule, found.confidence)
    elif found.cue_text:
        # ':' or a dash: the cue is the mark itself
        mark = found.cue_text
        pos = text.rfind(mark, 0, q.open) if mark == ":" else text.find(mark, q.close)
        cue = Cue(None, [(pos, pos + len(mark))] if pos >= 0 else [], mark, found.subject, [], found.rule,
                  found.confidence)
    return _Claim("direct", q.segments, cue, found.subject, found.confidence, [q])


_QUESTION_END = re.compile(r"\?[\s\"'\u201d\u2019)]*$")


def _stance(cue: Cue | None) -> str:
    """What the speaker did with the claim, from its cue word (cues.tsv): `denied` denies."""
    if cue is None or cue.verb is None:
        return "asserts"
    if cue.pattern == "belief_state":
        return stance_of(cue.verb.lower_, "adj")  # "convinced" as it stands, not "convince"
    return stance_of(cue.verb.lemma_, "noun" if cue.verb.pos_ == "NOUN" else "verb")


def _strip(text, a, b):
    while a < b and (text[a].isspace()):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in ",;:"):
        b -= 1
    return a, b


def _block_after_cue_paragraph(parsed: Parsed, paras: list[int], qs: _Quotes) -> list[Cue]:
    """A paragraph without quote marks after one that ends "The governor added:": the whole
    paragraph is what the governor added (a block quotation set without marks)."""
    text = parsed.text
    out = []
    for k, start in enumerate(paras):
        before = text[:start].rstrip()
        if not before.endswith(":") or text[start:start + 1] in "\"\u201c\u2018'" or qs.inside(start):
            continue
        sent = parsed.sent_at(len(before) - 1)
        toks = [t for t in parsed.tokens_in(sent[0], len(before)) if not t.is_punct] if sent else []
        verb = next((t for t in reversed(toks[-4:]) if is_cue_verb(t)), None)
        if verb is None:
            continue
        end = paras[k + 1] if k + 1 < len(paras) else len(text)
        a, b = _strip(text, start, end)
        if b - a < 20:
            continue
        cue = Cue(verb, [(parsed.tstart(verb), parsed.tend(verb))], verb.text, subject_of(verb), [(a, b)],
                  "block", CONFIDENCE["block"])
        out.append(cue)
    return out


def _headline_cues(parsed, paras, qs):
    """A paragraph of the form "Name: what they said" (a headline convention)."""
    text = parsed.text
    out = []
    for ps in [0] + paras:
        line_end = text.find("\n", ps)
        if line_end < 0:
            line_end = len(text)
        colon = text.find(":", ps, min(line_end, ps + 60))
        if colon < 0 or colon + 2 >= line_end:
            continue
        rest_a, rest_b = _strip(text, colon + 1, line_end)
        if rest_b - rest_a < 15 or qs.inside(rest_a) or text[rest_a] in "\"\u201c\u2018'":
            continue
        first_word = text[rest_a:rest_b].split(None, 1)[0]
        if len(first_word) > 1 and first_word.isupper():
            continue  # a market table or ticker line ("Palm Oil Index: DOWN 0.4 percent ...")
        head = parsed.tokens_in(ps, colon)
        head = [t for t in head if not t.is_space]
        lower = [t for t in head if not (t.text[:1].isupper() or t.is_punct or t.like_num or
                                         t.lower_ in ("of", "the", "and"))]
        # a name, or a name and one common noun ("Clinton camp: ...", "Trump aides: ...")
        if not head or len(head) > 6 or not head[0].text[:1].isupper() or len(lower) > 1 or \
                lower and (lower[0].pos_ != "NOUN" or lower[0].i != head[-1].i):
            continue
        if any(t.pos_ == "VERB" or t.like_num or t.ent_type_ in ("TIME", "DATE") for t in head):
            continue
        words = [t for t in head if not t.is_punct]
        if head[0].pos_ == "DET" or all(t.text.isupper() for t in words) and len(words) == 1:
            continue  # "Another challenge:", "CLARIFICATION:", "UPDATE:" introduce no speaker
        subj = next((t for t in reversed(head) if t.pos_ in ("PROPN", "NOUN")), None)
        if subj is None:
            continue
        # the mention widens from the head noun; keep it inside the headline
        out.append(Cue(None, [(colon, colon + 1)], ":", subj, [(rest_a, rest_b)], "headline", CONFIDENCE["headline"]))
    return out


def _reported_before(built: list[_Claim], q: Quote, paras) -> _Claim | None:
    """The last reported (partial or indirect) claim that ends before `q` in its paragraph."""
    best = None
    for c in built:
        if c.kind == "direct" or c.subject is None or c.spans[-1][1] > q.open:
            continue
        if _same_paragraph(paras, c.spans[-1][1], q.open) and (best is None or c.spans[-1][1] > best.spans[-1][1]):
            best = c
    return best


def _same_paragraph(paras, a, b):
    return bisect.bisect_right(paras, a) == bisect.bisect_right(paras, b)


def _carries_on(parsed: Parsed, prev: _Claim, q: Quote, paras, qs) -> bool:
    """A quotation with no attribution carries on the previous speaker when it follows closely,
    reads as a sentence, and nothing but its attribution stands between them."""
    text = parsed.text
    gap = q.open - prev.spans[-1][1]
    if gap < 0 or gap > 300:
        return False
    first = text[q.segments[0][0]]
    if not (first.isupper() or first.isdigit() or first in "\u2026."):
        return False
    words = sum(len(text[a:b].split()) for a, b in q.segments)
    if words < 4:
        return False
    # at most one paragraph break between them, and no other person named in a paragraph between
    n_breaks = bisect.bisect_right(paras, q.open) - bisect.bisect_right(paras, prev.spans[-1][1])
    if n_breaks > 1:
        return False
    return n_breaks == 0 or not _someone_else_named(parsed, prev, prev.spans[-1][1], q.open)


def _someone_else_named(parsed: Parsed, prev: _Claim, a: int, b: int) -> bool:
    """Is a person other than `prev`'s speaker named between a and b ("Mayor Colm Byrne, who was
    not at the briefing, ..." between Sola's quotation and the next)?"""
    own = {w.lower() for w in (prev.subject.doc[prev.subject.left_edge.i:prev.subject.right_edge.i + 1].text.split()
                               if prev.subject is not None else [])}
    for _start, _end, label, ent in parsed.ents_in(a, b):
        if label == "PERSON" and not {w.lower() for w in ent.text.split()} <= own:
            return True
    return False


def _reported_speech_of_another(inner: _Claim, outer: _Claim) -> bool:
    """Is `inner` speech by someone else that `outer` only reports ("X said Y told her Z")?"""
    cue = inner.cue
    if cue is None or cue.verb is None or cue.verb.lemma_.lower() not in SPEECH:
        return False
    # what Y told the reporting speaker: "told her", "told him", "assured them"
    if not any(c.dep_ in ("dative", "dobj") and c.pos_ == "PRON" for c in cue.verb.children):
        return False
    subj = inner.subject
    if subj is None or subj.pos_ == "PRON" or outer.subject is None or subj is outer.subject:
        return False
    # the inner cue and its subject lie inside the outer claim
    a, b = outer.spans[0][0], outer.spans[-1][1]
    return a <= cue.cue_spans[0][0] < b and subj.idx >= 0 and subj.lower_ != outer.subject.lower_


def _outermost(built: list[_Claim]) -> list[_Claim]:
    """Claims whose content lies wholly inside another claim's content are part of it ("X said she
    believes Y" is one claim of X, not also a belief of hers). Sorted by start; linear but for
    nested runs."""
    out: list[_Claim] = []
    for c in built:
        a, b = c.spans[0][0], c.spans[-1][1]
        outer = next((o for o in reversed(out[-8:]) if o.spans[0][0] <= a and b <= o.spans[-1][1]
                      and (o.spans[-1][1] - o.spans[0][0]) > (b - a)), None)
        if outer is not None and c.kind != "direct":
            if not _reported_speech_of_another(c, outer):
                continue
            # "X said that Y had told her Z": Z is Y's claim (as X reports it), not X's
            out.remove(outer)
        # a later, wider claim starting at the same place swallows the earlier narrower one
        while out and out[-1].spans[0][0] == a and out[-1].spans[-1][1] < b:
            out.pop()
        out.append(c)
    return out


# A claim whose speaker is unknown is worth this share of its rule's confidence.
NO_SPEAKER_FACTOR = 0.7


def _finish(parsed: Parsed, built: list[_Claim], qs: _Quotes) -> list[ExtractedClaim]:
    """The claims to report: one per content, outermost only, speakers resolved in order."""
    built = _outermost(sorted(_most_confident_per_content(built), key=lambda c: (c.spans[0][0], c.spans[0][1])))
    for c in built:
        if c.inherited is None and c.subject is not None:
            _attach_mentions(parsed, c)
    resolver = Resolver(parsed)
    order = sorted([c for c in built if c.mention is not None], key=lambda c: c.mention.start)
    for c in order:
        resolver.learn(c.mention)
    names = {id(c): resolver.resolve(c.mention) for c in order}
    return [e for e in (_extracted(parsed, c, names, resolver) for c in built) if e is not None]


def _most_confident_per_content(built: list[_Claim]) -> list[_Claim]:
    """Identical content from two cues: the more confident reading."""
    seen: dict[tuple, _Claim] = {}
    for c in built:
        key = tuple(c.spans)
        if key not in seen or c.confidence > seen[key].confidence:
            seen[key] = c
    return list(seen.values())


def _attach_mentions(parsed: Parsed, c: _Claim) -> None:
    """The speaker's mention, widened from the subject token, and those of conjoined speakers."""
    text = parsed.text
    subs = conjoined(c.subject) if c.subject.pos_ in ("PROPN", "NOUN") else [c.subject]
    c.mention = mention_from_token(parsed, subs[0])
    if c.cue is not None and c.cue.pattern == "headline" and c.mention is not None:
        # a headline's "Name:" is the whole mention, however the parser cut it
        colon = c.cue.cue_spans[0][0]
        line = text.rfind("\n", 0, colon) + 1
        m = c.mention
        m.start, m.end = _strip(text, line, colon)
        m.text = text[m.start:m.end]
        if m.pronoun is None:
            m.name = m.text
        subs = subs[:1]
    c.extra_mentions = [m for m in (mention_from_token(parsed, s) for s in subs[1:]) if m]


def _speaker(src: _Claim, names: dict[int, str | None], resolver: Resolver):
    """(name, speaker spans, title, kind) of a claim's source."""
    m = src.mention
    name = names.get(id(src))
    if m is None:
        return name, [], None, None
    spans, title, kind = [(m.start, m.end)], m.title, m.kind
    if src.extra_mentions:
        # conjoined speakers: "Pyongyang and Moscow"
        names_all = [name or m.text] + [resolver.expand(e.name or e.text) for e in src.extra_mentions]
        spans = [(m.start, max(e.end for e in src.extra_mentions))]
        name = " and ".join(names_all)
        kind = "group" if kind == "person" else kind
    return name, spans, title, kind


def _content_spans(text: str, c: _Claim) -> list[tuple[int, int]]:
    spans = [(a, b) for a, b in c.spans if b > a]
    if c.kind == "direct" and spans:
        # a quotation's trailing comma belongs to the sentence around it ("Absolutely not," said X)
        a, b = spans[-1]
        while b > a + 1 and text[b - 1] in ",;:":
            b -= 1
        spans[-1] = (a, b)
    return spans


# Words that are never a claim by themselves: object pronouns, an infinitive marker, determiners.
_FRAGMENT_WORDS = {"him", "her", "them", "it", "me", "us", "you", "this", "that", "these", "those", "so",
                   "to", "the", "a", "an", "there", "here", "one", "yes", "no"}


_TIME_WORDS = {"on", "at", "in", "last", "next", "this", "early", "late", "since", "until", "by"}


def _core_tokens(parsed: Parsed, spans: list[tuple[int, int]]) -> list:
    """The content's words without punctuation and without time expressions ("on Tuesday")."""
    toks = [t for a, b in spans for t in parsed.tokens_in(a, b) if not (t.is_punct or t.is_space)]
    return [t for t in toks if t.ent_type_ not in ("DATE", "TIME") and not (
        t.lower_ in _TIME_WORDS and t.i + 1 < len(t.doc) and t.nbor(1).ent_type_ in ("DATE", "TIME"))]


def _is_fragment(parsed: Parsed, spans: list[tuple[int, int]]) -> bool:
    """A reported "claim" an editor would throw away: a single word, an object pronoun, an
    infinitive marker, or a bare time expression ("Monday", "last week")."""
    core = _core_tokens(parsed, spans)
    return len(core) <= 1 or all(t.lower_ in _FRAGMENT_WORDS for t in core)


def _with_its_verb(parsed: Parsed, c: _Claim, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A one-word object of a stance verb reads as a claim with its verb ("endorsed Clinton",
    "attacked Machado"); any other fragment is no claim ([])."""
    core = _core_tokens(parsed, spans)
    cue = c.cue
    if (len(core) == 1 and core[0].pos_ in ("PROPN", "NOUN")
            and cue is not None and cue.verb is not None and cue.pattern in ("stance", "object", "dobj")
            and cue.cue_spans and cue.cue_spans[0][0] < spans[0][0]
            and spans[0][0] - cue.cue_spans[0][0] < 40):
        return [(cue.cue_spans[0][0], parsed.tend(core[0]))]
    return []


def _extracted(parsed: Parsed, c: _Claim, names: dict[int, str | None], resolver: Resolver) -> ExtractedClaim | None:
    text = parsed.text
    spans = _content_spans(text, c)
    if spans and c.kind != "direct" and _is_fragment(parsed, spans):
        spans = _with_its_verb(parsed, c, spans)
    if not spans:
        return None
    src = c.inherited or c
    name, spk_spans, title, kind = _speaker(src, names, resolver)
    title = " ".join(title.split()) if title else title  # never a line break in a title
    content = " ".join(text[a:b] for a, b in spans)
    cue = src.cue
    sent = parsed.sent_at(spans[0][0])
    sspan = (sent[0], sent[1]) if sent else (spans[0][0], spans[-1][1])
    score, reasons = checkworthiness.score(content, len(parsed.ents_in(spans[0][0], spans[-1][1])))
    conf = c.confidence * (1.0 if src.mention is not None else NO_SPEAKER_FACTOR)
    stance = _stance(cue)
    return ExtractedClaim(
        kind=c.kind, content=content, content_spans=spans, stance=stance,
        is_question=stance == "asks" or _QUESTION_END.search(content) is not None,
        speaker=name, speaker_spans=spk_spans, speaker_title=title, speaker_kind=kind,
        cue=cue.cue_text if cue else None, cue_spans=list(cue.cue_spans) if cue else [],
        sentence=text[sspan[0]:sspan[1]], sentence_span=sspan,
        score=score, score_reasons=reasons, confidence=min(1.0, conf), rule=c.rule)


def to_original(v: TextView, claims: list[ExtractedClaim]) -> list[ExtractedClaim]:
    """Claims found in the normalised view, with every offset and text taken from the text as given."""
    if v.identical:
        return claims
    text = v.original
    for c in claims:
        c.content_spans = [v.span(a, b) for a, b in c.content_spans]
        c.content = " ".join(text[a:b] for a, b in c.content_spans)
        c.speaker_spans = [v.span(a, b) for a, b in c.speaker_spans]
        c.cue_spans = [v.span(a, b) for a, b in c.cue_spans]
        c.sentence_span = v.span(*c.sentence_span)
        c.sentence = text[c.sentence_span[0]:c.sentence_span[1]]
    return claims
