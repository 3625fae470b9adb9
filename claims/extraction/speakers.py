"""Speakers: the mention's span and title, its kind, and its resolution within the document.

A wrong name is worse than none: a pronoun or description is resolved only to a compatible
speaker seen shortly before it; otherwise the mention is kept and the name left None.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lexicon import (
    FAMILY_FIRST,
    FEMALE_NAMES,
    GROUP_WORDS,
    HONORIFIC_F,
    HONORIFIC_M,
    MALE_NAMES,
    MEDIA_WORDS,
    ORG_WORDS,
    PRONOUNS,
)

DROP_DEPS = {"appos", "relcl", "acl", "punct", "advmod", "cc:preconj"}
DETS = {"the", "a", "an", "this", "that", "these", "those"}


@dataclass
class Mention:
    start: int
    end: int
    text: str
    head: object = None  # spaCy token
    name: str | None = None  # the name part (a PERSON/ORG entity), None for descriptions
    title: str | None = None
    kind: str | None = None
    pronoun: str | None = None  # gender/number code from PRONOUNS
    extra: list = field(default_factory=list)  # further (start, end) spans (conjoined speakers)


def mention_from_token(parsed, tok) -> Mention | None:
    """Widen a subject token to its noun phrase: compounds, titles, names, "of" phrases and
    conjuncts kept; appositions and relative clauses give the title or are dropped."""
    if tok is None:
        return None
    if tok.lower_ in ("who", "which", "that") and tok.head.dep_ == "relcl":
        # "Smith, who said ...": the relative pronoun is the mention, its antecedent the name
        ante = mention_from_token(parsed, tok.head.head) if tok.head.head is not tok else None
        a, b = parsed.tstart(tok), parsed.tend(tok)
        m = Mention(a, b, tok.text, tok)
        if ante is not None and not ante.pronoun:
            m.name, m.kind, m.title = ante.name or ante.text, ante.kind, ante.title
        return m
    if tok.text.lower() in PRONOUNS or tok.pos_ == "PRON":
        a, b = parsed.tstart(tok), parsed.tend(tok)
        low = tok.text.lower()
        return Mention(a, b, tok.text, tok, kind=_pron_kind(low), pronoun=PRONOUNS.get(low, "?"))
    keep = []
    title = None
    stack = [tok]
    while stack:
        t = stack.pop()
        keep.append(t)
        for c in t.children:
            if c.dep_ == "appos" and t is tok:
                title = _clean(c.subtree)
                continue
            if c.dep_ in DROP_DEPS and not (c.dep_ == "punct" and c.i > tok.left_edge.i and c.i < tok.i):
                continue
            if c.dep_ == "prep" and c.i > tok.i and c.text.lower() not in ("of", "for", "at", "from", "in"):
                continue
            stack.append(c)
    idx = sorted(t.i for t in keep)
    # the contiguous run of kept tokens around the head
    lo = hi = idx.index(tok.i)
    while lo > 0 and idx[lo - 1] == idx[lo] - 1:
        lo -= 1
    while hi + 1 < len(idx) and idx[hi + 1] == idx[hi] + 1:
        hi += 1
    doc = tok.doc
    first, last = doc[idx[lo]], doc[idx[hi]]
    while first.i < last.i and (first.is_punct or first.text.lower() in DETS and False):
        first = doc[first.i + 1]
    while last.i > first.i and last.is_punct:
        last = doc[last.i - 1]
    # a mention never runs over a line break ("3:20 p.m.\n\nEarly results of a poll")
    for k in range(first.i, min(tok.i, last.i)):
        if "\n" in doc[k].text or "\n" in doc[k].whitespace_:
            first = doc[k + 1]
    for k in range(max(tok.i, first.i), last.i):
        if "\n" in doc[k].text or "\n" in doc[k].whitespace_:
            last = doc[k]
            break
    while first.i < last.i and (first.is_punct or first.is_space):
        first = doc[first.i + 1]
    span = doc[first.i:last.i + 1]
    appos = next((c for c in tok.children if c.dep_ == "appos"), None)
    if tok.pos_ == "NOUN" and appos is not None and appos.pos_ == "PROPN" and appos.i > tok.i:
        # "the governor, Maria Feld": the apposition is the name, the head its title
        lo = hi = appos.i
        while lo - 1 > tok.i and doc[lo - 1].pos_ == "PROPN":
            lo -= 1
        while hi + 1 < len(doc) and doc[hi + 1].pos_ == "PROPN" and hi - lo < 4:
            hi += 1
        if True:
            nspan = doc[lo:hi + 1]
            full = doc[span.start:nspan.end]
            a, b = parsed.span_chars(full)
            m = Mention(a, b, full.text, appos)
            _name_and_kind(parsed, m, nspan)
            m.title = span.text
            return m
    a, b = parsed.span_chars(span)
    m = Mention(a, b, span.text, tok)
    m.title = title
    _name_and_kind(parsed, m, span)
    return m


def _clean(tokens) -> str:
    toks = list(tokens)
    while toks and toks[-1].is_punct:
        toks.pop()
    while toks and toks[0].is_punct:
        toks.pop(0)
    if not toks:
        return None
    return toks[0].doc[toks[0].i:toks[-1].i + 1].text


def _pron_kind(low):
    return {"he": "person", "she": "person", "him": "person", "her": "person", "i": "person",
            "they": "group", "we": "group", "it": "organization"}.get(low)


def _name_and_kind(parsed, m: Mention, span):
    # an entity names the speaker only when it holds the head: not "the Wisconsin Republican"
    # (a description), nor "Clinton's campaign" (an organisation of hers)
    head = m.head
    ents = [e for e in span.ents if head is None or e.start <= head.i < e.end]
    best = None
    for e in ents:
        if e.label_ in ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC") and (
                best is None or (e.label_ == "PERSON" and best.label_ != "PERSON")):
            best = e
    if best is not None:
        name = re.sub(r"(?:'s|\u2019s)$", "", best.text).strip()
        m.name = name
        m.kind = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place",
                  "FAC": "place", "NORP": "group"}[best.label_]
        if best.label_ == "PERSON" and best.start > span.start:
            pre = span.doc[span.start:best.start]
            words = [t for t in pre if not (t.is_punct or t.text.lower() in DETS)]
            if words and m.title is None:
                m.title = pre.text.strip()
        if best.label_ == "NORP" and span.root.tag_ in ("NNS", "NNPS") and span.root.ent_type_ == "":
            m.name = None  # "Russian officials": a description, not a name
            m.kind = "group"
    else:
        head = m.head.lemma_.lower() if m.head is not None else ""
        low = m.head.text.lower() if m.head is not None else ""
        if m.head is not None and m.head.pos_ == "PROPN":
            m.name = m.text
            m.kind = "person" if m.head.tag_ == "NNP" and any(t.pos_ == "PROPN" for t in span) else None
        if low in GROUP_WORDS or (m.head is not None and m.head.tag_ == "NNS"):
            m.kind = "group"
        elif head in ORG_WORDS or head in MEDIA_WORDS:
            m.kind = "organization"
        elif m.kind is None and m.head is not None and m.head.pos_ == "NOUN":
            m.kind = "person" if head in ("source", "official", "spokesman", "spokeswoman", "aide",
                                           "minister", "president", "professor", "analyst", "expert",
                                           "lawyer", "senator", "governor", "leader", "director",
                                           "man", "woman", "chief", "secretary", "adviser",
                                           "advisor", "candidate", "nominee", "chairman") else None


def gender_of(name: str | None, title: str | None = None, text: str | None = None) -> str | None:
    for s in (text, title, name):
        if not s:
            continue
        w = s.lower().split()
        if any(x in HONORIFIC_M for x in w):
            return "m"
        if any(x in HONORIFIC_F for x in w):
            return "f"
    if name:
        first = name.lower().split()[0]
        if first in MALE_NAMES and first not in FEMALE_NAMES:
            return "m"
        if first in FEMALE_NAMES and first not in MALE_NAMES:
            return "f"
    return None


class Resolver:
    """Resolves mentions in document order to the fullest name the document gives."""

    def __init__(self, parsed):
        self.parsed = parsed
        self.full = {}  # last word (lower) -> fullest PERSON name
        self.org_full = {}
        for _a, _b, label, e in parsed.ents:
            name = re.sub(r"(?:'s|\u2019s)$", "", e.text).strip()
            words = name.split()
            if not words:
                continue
            if label == "PERSON" and 2 <= len(words) <= 4:
                self._know(name)
        # runs of proper nouns outside place/organisation names: people NER may have missed
        run = []
        for t in list(parsed.tokens) + [None]:
            if t is not None and t.pos_ == "PROPN" and t.ent_type_ in ("", "PERSON") and t.text[:1].isupper():
                run.append(t)
                continue
            if 2 <= len(run) <= 3 and run[0].doc is run[-1].doc:
                name = run[0].doc[run[0].i:run[-1].i + 1].text
                key = run[-1].text.lower()
                if key not in self.full and "\n" not in name:
                    self.full[key] = name
            run = []
        self.history = []  # (pos, name, kind, gender, title)
        self.titles = {}  # fullest name -> title seen with it
        self.people_pos = [(a, re.sub(r"(?:'s|\u2019s)$", "", e.text).strip())
                           for a, b, label, e in parsed.ents if label == "PERSON"]
        self.subject_people = [(a, re.sub(r"(?:'s|\u2019s)$", "", e.text).strip())
                               for a, b, label, e in parsed.ents
                               if label == "PERSON" and e.root.dep_ in ("nsubj", "nsubjpass")
                               and e.root.head.dep_ == "ROOT"]  # a main clause's subject

    def _know(self, name: str) -> None:
        """Remember a full name under its last word, and under its first when that is a family name
        written first ("Park Seo-yeon", "Nguyen Van Long": a later "Park" is the same person)."""
        words = name.split()
        key = words[-1].lower()
        if len(name) > len(self.full.get(key, "")):
            self.full[key] = name
        first = words[0].lower()
        if first in FAMILY_FIRST and (len(words) == 3 or "-" in words[-1] or len(words) == 2) \
                and first not in self.full:
            self.full[first] = name

    def learn(self, m: Mention):
        """Names seen as speakers count as full names too (NER misses some)."""
        if m.name and m.kind in ("person", None) and not m.pronoun:
            words = m.name.split()
            if 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words):
                self._know(m.name)
            if m.title:
                self.titles.setdefault(self.expand(m.name), m.title)

    def expand(self, name: str) -> str:
        words = name.split()
        if not words:
            return name
        key = words[-1].lower()
        full = self.full.get(key)
        if full is None and len(words) == 1:
            full = self.full.get(words[0].lower())
        if full and len(full) > len(name) and set(w.lower() for w in words) <= set(
                w.lower() for w in full.split()) | HONORIFIC_M | HONORIFIC_F:
            return full
        return name

    def resolve(self, m: Mention) -> str | None:
        if m.pronoun:
            return self._pronoun(m)
        if m.name:
            if len(m.name.split()) == 1 and m.name.lower() in self.full:
                m.kind = "person"  # a surname NER took for an organisation
            name = self.expand(m.name) if m.kind == "person" or m.kind is None else m.name
            self._remember(m.start, name, m.kind or "person", m.title, m.text)
            return name
        # a description: "the professor", "the spokesman", "officials"
        if m.head is not None and m.head.pos_ == "NOUN" and m.head.tag_ == "NN":
            word = m.head.text.lower()
            for _pos, name, kind, _gender, title in reversed(self.history):
                if kind == "person" and title and word in title.lower().split():
                    self._remember(m.start, name, kind, title, m.text)
                    return name
        self._remember(m.start, m.text, m.kind, m.title, m.text, describable=False)
        return m.text

    def _remember(self, pos, name, kind, title, text, describable=True):
        if not describable:
            self.history.append((pos, name, kind, None, None))
            return
        self.history.append((pos, name, kind, gender_of(name, title, text), title))

    def _newer_subject(self, after: int, before: int, code: str) -> str | None:
        """A person named as a sentence's subject between a speaker's mention and a pronoun."""
        for pos, name in reversed(self.subject_people):
            if pos >= before:
                continue
            if pos <= after:
                return None
            full = self.expand(name)
            g = gender_of(full)
            if g is None or g == code:
                return full
        return None

    def _pronoun(self, m: Mention) -> str | None:
        code = m.pronoun
        if code in ("m", "f"):
            # the most recent person speaker, else the most recent person named, gender permitting;
            # a person newly introduced as the subject of a sentence after that speaker comes first
            # ("Inspector Wren said ... Yevgenia Ludd arrived later. She said ...": Ludd)
            for pos, name, kind, gender, title in reversed(self.history[-6:]):
                if m.start - pos > 3000:
                    break
                if kind == "person" and name and (gender is None or gender == code) and name[0].isupper():
                    newer = self._newer_subject(pos, m.start, code)
                    if newer is not None:
                        name, gender, title = newer, gender_of(newer), None
                    self.history.append((m.start, name, kind, gender or code, title))
                    return name
            for pos, name in reversed(self.people_pos):
                if pos < m.start and m.start - pos < 600:
                    name = self.expand(name)
                    g = gender_of(name)
                    if g is None or g == code:
                        self.history.append((m.start, name, "person", g or code, None))
                        return name
            return None
        if code == "n":
            for _pos, name, kind, _gender, _title in reversed(self.history[-4:]):
                if kind == "organization" and name and name[0].isupper():
                    return name
            return None
        if code == "p":
            for pos, name, kind, _gender, _title in reversed(self.history[-3:]):
                if m.start - pos > 1500:
                    break
                if kind in ("group", "organization", "place") and name:
                    return name
            return None
        return None
