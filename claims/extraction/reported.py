"""Reported speech from the dependency parse: a cue verb, its subject, and its claim.

Patterns: X said (that) Y; Y, X said; X said, adding Y; according to X, Y; X vowed to Y;
X accused Y of Z; X denied Y; a study found Y; polls show Y; Y, state media reported.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Token

from .lexicon import (
    ADDRESSEE,
    BELIEF,
    BELIEF_STATES,
    CLAIM_NOUNS,
    CLAUSE,
    DOBJ,
    DOCUMENT_NOUNS,
    EVIDENCE,
    NO_SOURCE,
    QUOTE_ONLY,
    REGARD,
    SAY_OBJECT,
    SEEM,
    SPEECH,
    STANCE,
    XCOMP,
)
from .nlp import Parsed

Span = tuple[int, int]

# Cues whose passive subject is still the source ("he was quoted as saying").
PASSIVE_SOURCE = {"quote"}
# What follows the object of "accused Y of Z", "blamed Y for Z", "rejected Y as Z".
OBJECT_PREPS = ("of", "over", "for", "on", "as")
STANCE_PREPS = ("for", "on", "as", "of", "about", "to", "against", "over", "with")
# "called for Y", "spoke about Y", "railed against Y": the claim is what follows the preposition
PREP_TOPIC = ("for", "on", "about", "against", "over", "to", "with")
# A claim clause is cut before a conjoined verb that is a cue of its own ("he respects Y and calls Z").
# (Evidence verbs are not cut at: "X said A and that the footage did not show B" is one claim.)
CUT_AT = SPEECH | STANCE | (DOBJ - EVIDENCE) | (XCOMP - {"plan", "expect"})
LINK_UP = ("advcl", "conj", "xcomp", "pcomp", "acl", "relcl")


@dataclass
class Cue:
    """An attribution cue and what it attributes, as one construction read it."""

    verb: Token | None  # the cue word (a verb, or a noun for "allegations that")
    cue_spans: list[Span]
    cue_text: str
    subject: Token | None  # the source, before widening to its noun phrase
    content: list[Span]  # the claim's spans, in the text's offsets
    pattern: str  # the construction that read it (a key of CONFIDENCE)
    confidence: float = 0.6


def is_cue_verb(tok) -> bool:
    return tok.lemma_.lower() in SPEECH and tok.pos_ in ("VERB", "AUX")


def subject_of(tok, depth=0):
    """The subject of a verb, or of the verb it hangs from ("..., adding that" / "and said").
    Of several subjects the nearest wins; one cut off by a line break (a "2:00 p.m." dateline
    the parser joined to the next sentence) is not a subject."""
    # the subject of a passive cue is its target ("she was asked", "he has been criticized"), not
    # the source; the source is the agent, if any
    subs = [c for c in tok.children if not c.is_punct and (
        c.dep_ in ("nsubj", "csubj") or c.dep_ == "nsubjpass" and tok.lemma_.lower() in PASSIVE_SOURCE)]
    if subs:
        doc = tok.doc
        best = None
        for c in subs:
            lo, hi = sorted((c.i, tok.i))
            if hi - lo <= 60 and any("\n" in doc[k].text for k in range(lo, hi)):
                continue
            if best is None or abs(c.i - tok.i) < abs(best.i - tok.i):
                best = c
        if best is not None:
            return best
        return None
    for c in tok.children:
        if c.dep_ == "agent":
            for g in c.children:
                if g.dep_ == "pobj":
                    return g
    if tok.tag_ == "VBN" and tok.dep_ in ("advcl", "acl", "ROOT"):
        # "Asked about it, she said ...": whoever asked is not named
        return None
    if depth < 2 and tok.dep_ in LINK_UP and tok.head is not tok:
        if tok.dep_ == "relcl":
            return tok.head if tok.head.pos_ in ("PROPN", "NOUN", "PRON") else None
        if tok.dep_ == "acl" and tok.tag_ == "VBG" and tok.head.pos_ in ("PROPN", "NOUN"):
            # "a statement saying ...", "emails showing ...": the document speaks, but for whoever
            # issued it ("X issued a statement criticizing ...", "X sent a memo warning ...")
            return _issuer(tok.head) or tok.head
        if tok.dep_ == "pcomp" and tok.head.dep_ == "prep" and tok.head.head is not tok.head:
            return subject_of(tok.head.head, depth + 1)  # "she began by saying ..."
        return subject_of(tok.head, depth + 1)
    return None


def _issuer(doc_noun):
    """Who issued a document: the subject of the verb it is the object of, or its by/from phrase."""
    if doc_noun.lemma_.lower() not in DOCUMENT_NOUNS:
        return None
    for c in doc_noun.children:
        if c.dep_ == "prep" and c.lower_ in ("by", "from"):
            obj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if obj is not None:
                return obj
        if c.dep_ == "poss":
            return c
    verb = doc_noun.head
    if doc_noun.dep_ == "dobj" and verb.pos_ in ("VERB", "AUX"):
        subs = [c for c in verb.children if c.dep_ == "nsubj"]
        return subs[0] if subs else None
    return None


def source_of(subj):
    """The source a subject stands for: a document's issuer ("a study by X" is X), nobody for a
    subject that is no source ("Only time will tell", "The move suggests")."""
    if subj is None:
        return None
    if subj.lower_ in ("that", "which") and subj.head.dep_ == "relcl" and subj.head.head is not subj.head:
        # "a letter that said Y": the letter speaks for whoever wrote it
        ante = subj.head.head
        if ante.lemma_.lower() in DOCUMENT_NOUNS and ante.pos_ == "NOUN":
            return _issuer(ante) or subj
        return subj
    low = subj.lemma_.lower()
    if low in NO_SOURCE and subj.pos_ == "NOUN":
        return None
    if low in DOCUMENT_NOUNS and subj.pos_ == "NOUN":
        return _issuer(subj) if any(c.dep_ == "prep" and c.lower_ in ("by", "from") or c.dep_ == "poss"
                                    for c in subj.children) else subj
    return subj


def conjoined(subj):
    out = [subj]
    for c in subj.children:
        if c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN"):
            out.append(c)
    return out


def _trim(parsed, toks):
    """(start, end) of a token run, without edge punctuation, a leading 'that', or a leading cc."""
    toks = [t for t in toks]
    while toks and (toks[0].is_punct or toks[0].is_space or toks[0].dep_ in ("mark", "cc") and
                    toks[0].lower_ in ("that", "whether", "if", "and", "but") or
                    toks[0].lower_ == "that" and toks[0].dep_ == "advmod"):
        toks.pop(0)
    while toks and (toks[-1].is_punct and toks[-1].text not in ('"', "\u201d", "\u2019", "'", ")")
                    or toks[-1].is_space):
        toks.pop()
    if not toks:
        return None
    return parsed.tstart(toks[0]), parsed.tend(toks[-1])


_CLOSING_MARKS = {'"', "\u201d", "\u2019", "'"}


# "with the Herald reporting that Y": the -ing forms the parser reads as nouns
_ING_CUES = {"reporting": "report", "saying": "say", "adding": "add", "claiming": "claim", "noting": "note",
             "arguing": "argue", "warning": "warn", "insisting": "insist", "suggesting": "suggest"}


def _with_reporting(d) -> bool:
    """"..., with the Herald reporting that Y": a second attribution, not part of the first claim."""
    return d.dep_ == "prep" and d.lower_ == "with" and any(
        o.dep_ == "pobj" and (o.lower_ in _ING_CUES or any(
            a.dep_ == "acl" and a.tag_ == "VBG" and a.lemma_.lower() in SPEECH for a in o.children))
        or o.dep_ == "pcomp" and o.tag_ == "VBG" and o.lemma_.lower() in SPEECH
        for o in d.children)


def _with_ing_cue(parsed: Parsed, tok: Token) -> Cue | None:
    """"with the Herald reporting that Y": the clause is the Herald's (the parser made "reporting"
    a noun, "Herald" its compound)."""
    clause = next((c for c in tok.children if c.dep_ in ("acl", "ccomp", "relcl") and c.i > tok.i
                   and _opens_with_that(c)), None)
    src = next((c for c in reversed(list(tok.lefts)) if c.pos_ in ("PROPN", "NOUN")), None)
    if clause is None or src is None:
        return None
    span = _trim(parsed, _subtree_run(clause))
    if not span:
        return None
    return Cue(tok, [(parsed.tstart(tok), parsed.tend(tok))], tok.text, src, [span], "with_ing",
               CONFIDENCE["with_ing"])


def _subtree_run(t):
    """The tokens of t's subtree, cut before a conjoined cue verb ("... and said that ...")."""
    doc = t.doc
    lo, hi = t.left_edge.i, t.right_edge.i
    for d in t.subtree:
        if d is not t and d.i > t.i and d.i <= hi and (
                d.dep_ == "conj" and d.lemma_.lower() in CUT_AT or _with_reporting(d)):
            hi = d.left_edge.i - 1
            while hi > t.i and (doc[hi].dep_ == "cc" or doc[hi].is_punct and doc[hi].text not in _CLOSING_MARKS):
                hi -= 1
    return doc[lo:hi + 1]


@dataclass
class VerbSite:
    """A verb being read as a cue: the token, its lemma, its source and the cue's own words
    ("pointed out" is one cue)."""

    parsed: Parsed
    tok: Token
    lem: str
    subject: Token | None
    cue_spans: list[Span]
    cue_text: str

    @classmethod
    def at(cls, parsed: Parsed, tok: Token) -> VerbSite:
        words = sorted([tok] + [c for c in tok.children if c.dep_ == "prt"], key=lambda t: t.i)
        return cls(parsed, tok, tok.lemma_.lower(), source_of(subject_of(tok)),
                   [(parsed.tstart(t), parsed.tend(t)) for t in words], " ".join(t.text for t in words))

    def cue(self, content: list[Span], pattern: str) -> Cue:
        return Cue(self.tok, self.cue_spans, self.cue_text, self.subject, content, pattern, CONFIDENCE[pattern])


# How sure each construction is that it found an attributed claim (it ranks two readings of the
# same words, and a claim without a speaker is worth less).
CONFIDENCE = {
    "ccomp": 0.7,  # X said that Y
    "ccomp_evidence": 0.5,  # a study found that Y
    "ccomp_belief": 0.35,  # X believes that Y
    "ccomp_own_belief": 0.2,  # I think Y, we hope Y: the writer's or speaker's own view
    "parataxis": 0.55,  # Y, X said
    "request": 0.4,  # X told Y to Z
    "xcomp": 0.45,  # X vowed to Y
    "dobj": 0.4,  # X denied Y, X accused Y of Z
    "regard": 0.4,  # X sees Y as Z
    "stance": 0.35,  # X called Y Z, X criticized Y
    "object": 0.4,  # X says the plan is dead (parsed as an object)
    "bare": 0.5,  # he said. (for nearby quotations only)
    "according": 0.7,  # according to X, Y
    "seem": 0.35,  # X seemed to Y
    "noun": 0.3,  # allegations that Y
    "noun_verb": 0.6,  # X said in a statement that Y
    "any_verb": 0.3,  # X conceded that Y (a verb outside the lexicon)
    "headline": 0.55,  # Name: what they said
    "block": 0.5,  # X added:\n\n<a paragraph without quote marks>
    "with_ing": 0.5,  # ..., with the Herald reporting that Y
    "belief_state": 0.35,  # X is convinced that Y
}


def cues_in(parsed: Parsed, in_quote: Callable[[int], bool]) -> list[Cue]:
    """Every cue in the text, in token order: each token is tried against the constructions
    it can take part in (cues.tsv), the first that reads a claim wins."""
    out: list[Cue] = []
    for tok in parsed.tokens:
        cue = _word_cue(parsed, tok, in_quote)
        if cue is not _NOT_A_WORD_CUE:
            if cue is not None:
                out.append(cue)
            continue
        if tok.pos_ not in ("VERB", "AUX") or tok.dep_ == "amod":
            continue
        lem = tok.lemma_.lower()
        if lem not in LEXICON_VERBS:
            cue = _any_verb_with_that_clause(parsed, tok, in_quote)
            if cue is not None:
                out.append(cue)
            continue
        if in_quote(parsed.tstart(tok)):
            continue
        site = VerbSite.at(parsed, tok)
        for words, rule in VERB_RULES:
            if lem in words:
                cue = rule(site, in_quote)
                if cue is not None:
                    out.append(cue)
                    break
    return out


_NOT_A_WORD_CUE = Cue(None, [], "", None, [], "none")


def _word_cue(parsed: Parsed, tok: Token, in_quote) -> Cue | None:
    """Cues that are not verbs of the lexicon: "according to", claim nouns, seeming and "is
    expected to". _NOT_A_WORD_CUE when the token is none of them."""
    lem = tok.lemma_.lower()
    if tok.lower_ == "according":
        return _according(parsed, tok)
    if tok.lower_ in _ING_CUES and tok.pos_ == "NOUN" and tok.dep_ == "pobj" and tok.head.lower_ == "with":
        return _with_ing_cue(parsed, tok)
    if tok.pos_ == "NOUN" and lem in CLAIM_NOUNS:
        return _claim_noun(parsed, tok, in_quote)
    if lem in SEEM and tok.pos_ in ("VERB", "AUX"):
        return _seem(parsed, tok, in_quote)
    if tok.dep_ == "acomp" and tok.lower_ in BELIEF_STATES:
        return _belief_state(parsed, tok, in_quote)
    if lem == "expect" and tok.pos_ == "VERB" and any(c.dep_ == "auxpass" for c in tok.children):
        cue = _seem(parsed, tok, in_quote)
        if cue is not None:
            return cue
    return _NOT_A_WORD_CUE


def _belief_state(parsed: Parsed, tok: Token, in_quote) -> Cue | None:
    """'X is convinced that Y', 'she was confident Y would': the clause is X's belief."""
    if in_quote(parsed.tstart(tok)):
        return None
    comp = next((c for c in tok.children if c.dep_ == "ccomp" and c.i > tok.i), None)
    subj = source_of(subject_of(tok.head)) if tok.head is not tok else None
    if comp is None or subj is None:
        return None
    span = _trim(parsed, _subtree_run(comp))
    if not span:
        return None
    return Cue(tok, [(parsed.tstart(tok.head), parsed.tend(tok))], tok.doc[tok.head.i:tok.i + 1].text, subj,
               [span], "belief_state", CONFIDENCE["belief_state"])


def _reported_clause(site: VerbSite, in_quote) -> Cue | None:
    """X said (that) Y; a study found Y; X believes Y; Y, X said; A, X said, B."""
    tok, lem, subj = site.tok, site.lem, site.subject
    comps = [c for c in tok.children if c.dep_ == "ccomp"]
    if not comps and lem in SPEECH and lem not in XCOMP:
        # "He said legalizing it could ..." parsed with an xcomp
        comps = [c for c in tok.children if c.dep_ == "xcomp" and c.i > tok.i
                 and not any(g.lower_ == "to" and g.i < c.i for g in c.children)]
    if not comps and lem in SPEECH:
        comps = _that_clause_below(tok)
    if not comps and (tok.dep_ == "parataxis" or _comma_spliced(tok)):
        # "Y, X said" and "A, X said, B": the reported clause is the head the cue hangs from
        spans = _around(site.parsed, tok, tok.head)
        return site.cue(spans, "parataxis") if spans and subj is not None else None
    spans = [s for s in (_trim(site.parsed, _subtree_run(c)) for c in comps) if s]
    if not spans or (subj is None and lem not in EVIDENCE and lem not in SPEECH):
        return None
    pattern = "ccomp" if lem in SPEECH else "ccomp_evidence" if lem in EVIDENCE else "ccomp_belief"
    if lem in BELIEF and (subj is None or subj.lower_ in ("i", "we", "you")):
        pattern = "ccomp_own_belief"
    return site.cue(spans, pattern)


def _comma_spliced(tok: Token) -> bool:
    """'Y, the chief planner, Ravi Osei, told the paper': a postposed cue the parser conjoined to
    the reported clause, after a comma and with no "and"."""
    head = tok.head
    return (tok.dep_ == "conj" and head.i < tok.i and not any(
        c.dep_ == "cc" and head.i < c.i < tok.i for c in head.children) and
        any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children))


def _request(site: VerbSite, in_quote) -> Cue | None:
    """X told Y to Z: "told Megyn not to worry", "asked voters to turn out"."""
    tok = site.tok
    if site.subject is None:
        return None
    who = next((c for c in tok.children if c.dep_ in ("dobj", "dative") and c.i > tok.i), None)
    inf = next((c for c in tok.children if c.dep_ in ("xcomp", "ccomp") and c.i > tok.i and any(
        g.lower_ == "to" and g.dep_ == "aux" for g in c.children)), None)
    if who is None or inf is None or who.i > inf.i:
        return None
    span = _trim(site.parsed, tok.doc[who.left_edge.i:inf.right_edge.i + 1])
    return site.cue([span], "request") if span else None


def _infinitive(site: VerbSite, in_quote) -> Cue | None:
    """X vowed to Y, X threatened to Y."""
    comp = next((c for c in site.tok.children if c.dep_ == "xcomp"), None)
    if comp is None or site.subject is None:
        return None
    span = _trim(site.parsed, _subtree_run(comp))
    return site.cue([span], "xcomp") if span else None


def _object(site: VerbSite, in_quote) -> Cue | None:
    """X denied Y; X accused Y of Z; X blamed Y for Z; X rejected Y as Z; surveys show Y ahead."""
    tok, lem, subj = site.tok, site.lem, site.subject
    obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
    # evidence with a noun-phrase object speaks only through a document or data ("surveys show Y
    # ahead", "images showed Y"), not "finding common ground"
    if lem in EVIDENCE and lem not in SPEECH and (subj is None or subj.lemma_.lower() not in DOCUMENT_NOUNS):
        return None
    if obj is None or subj is None:
        return None
    run = list(_subtree_run(obj))
    # what follows the object belongs to the claim
    hi = max([c.right_edge.i for c in tok.children if c.i > obj.i and (
        c.dep_ == "prep" and c.lower_ in OBJECT_PREPS or
        lem in EVIDENCE and c.dep_ in ("advmod", "oprd", "xcomp", "acomp", "prep"))], default=-1)
    if hi > run[-1].i:
        # a phrase the parser hung from the verb right after it belongs too ("blamed the drought on
        # years of neglect in reservoirs")
        for c in sorted(tok.children, key=lambda c: c.i):
            if c.dep_ == "prep" and c.left_edge.i == hi + 1 and c.lower_ not in ("after", "before", "during"):
                hi = c.right_edge.i
        run = list(tok.doc[obj.left_edge.i:hi + 1])
    span = _trim(site.parsed, run)
    return site.cue([span], "dobj") if span else None


def _regard(site: VerbSite, in_quote) -> Cue | None:
    """X sees Y as Z: "he sees Cruz as a uniter", "voters see Clinton as the stronger candidate"."""
    tok = site.tok
    if site.subject is None:
        return None
    obj = next((c for c in tok.children if c.dep_ == "dobj" and c.i > tok.i), None)
    as_ = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "as" and c.i > tok.i), None)
    if obj is None and as_ is not None:
        as_obj = next((g for g in as_.children if g.dep_ == "pobj"), None)
        obj = next((g for g in (as_obj.children if as_obj is not None else []) if g.dep_ == "dobj"), None)
    if obj is None or as_ is None:
        return None
    span = _trim(site.parsed, tok.doc[obj.left_edge.i:as_.right_edge.i + 1])
    return site.cue([span], "regard") if span else None


def _stance_object(site: VerbSite, in_quote) -> Cue | None:
    """X called Y Z, X criticized Y, X urged Y to Z, X called for Y, X railed against Y."""
    tok = site.tok
    if site.subject is None:
        return None
    parts = [c for c in tok.children if c.i > tok.i and (
        c.dep_ in ("dobj", "oprd", "xcomp", "ccomp", "dative") or
        c.dep_ == "prep" and c.lower_ in STANCE_PREPS or
        # "calling for the United States to step up ...": a for-to clause
        c.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ == "for" for g in c.children))]
    if not parts or len(parts) == 1 and parts[0].dep_ == "dative":
        return None
    lo = min(p.left_edge.i for p in parts)
    hi = max(p.right_edge.i for p in parts)
    if parts[0].dep_ == "prep" and parts[0].lower_ in PREP_TOPIC and len(parts) == 1:
        lo = parts[0].i + 1
    span = _trim(site.parsed, tok.doc[lo:hi + 1])
    return site.cue([span], "stance") if span else None


def _said_object(site: VerbSite, in_quote) -> Cue | None:
    """X says the plan is dead (parsed as an object); "half said so", "most said yes"."""
    tok = site.tok
    if site.subject is None:
        return None
    obj = next((c for c in tok.children if c.dep_ == "dobj" and c.i > tok.i), None)
    if obj is None or in_quote(site.parsed.tstart(obj)) or obj.lemma_.lower() in CLAIM_NOUNS | DOCUMENT_NOUNS:
        return None  # "wrote a letter that said Y": the letter carries the claim, it is not one
    span = _trim(site.parsed, _subtree_run(obj))
    return site.cue([span], "object") if span else None


def _bare(site: VerbSite, in_quote) -> Cue | None:
    """A bare cue ("he said."), kept for attributing nearby quotations only."""
    return site.cue([], "bare") if site.subject is not None else None


# The constructions a verb of the lexicon is tried against, in order; the first that reads a
# claim wins.
VERB_RULES: list[tuple[set[str], Callable[[VerbSite, Callable[[int], bool]], Cue | None]]] = [
    (CLAUSE - QUOTE_ONLY, _reported_clause),
    (ADDRESSEE, _request),
    (XCOMP, _infinitive),
    (DOBJ, _object),
    (REGARD, _regard),
    (STANCE, _stance_object),
    (SAY_OBJECT, _said_object),
    (SPEECH, _bare),
]
LEXICON_VERBS = CLAUSE | XCOMP | DOBJ | SPEECH | STANCE | REGARD | ADDRESSEE


def _around(parsed, cue, head) -> list:
    """The spans of `head`'s clause before and after the cue's own words ("A, X said, B"); a lone
    word before the cue ("Instead, she said, B") is not part of the claim."""
    doc = cue.doc
    lo, hi = sorted((cue.i, head.i))
    if any("\n" in t.text for t in doc[lo:hi]):
        return []  # the parser joined two paragraphs: the head is no clause of this cue
    before = _trim(parsed, doc[head.left_edge.i:cue.left_edge.i]) if cue.left_edge.i > head.left_edge.i else None
    after = _trim(parsed, doc[cue.right_edge.i + 1:head.right_edge.i + 1]) \
        if head.right_edge.i > cue.right_edge.i else None
    if before and after and len(doc.text[before[0] - parsed.off(cue):before[1] - parsed.off(cue)].split()) < 2:
        before = None
    return [s for s in (before, after) if s]


# Subjects that can hold a view: people, groups and organisations (not "the plan", "the data").
_SOURCE_PRONOUNS = {"he", "she", "they", "we", "i", "you"}


def _any_verb_with_that_clause(parsed, tok, in_quote):
    """A verb outside the lexicon with a that-clause and a subject who can hold a view ("she
    conceded that Y", "Trump implied that Y"): an attributed claim, with less confidence."""
    if tok.pos_ != "VERB" or in_quote(parsed.tstart(tok)):
        return None
    comp = next((c for c in tok.children if c.dep_ == "ccomp" and c.i > tok.i and any(
        g.dep_ == "mark" and g.lower_ == "that" for g in c.children)), None)
    if comp is None:
        return None
    subj = source_of(subject_of(tok))
    if subj is None or not (subj.pos_ == "PROPN" or subj.lower_ in _SOURCE_PRONOUNS or
                            subj.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")):
        return None
    span = _trim(parsed, _subtree_run(comp))
    if not span:
        return None
    return Cue(tok, [(parsed.tstart(tok), parsed.tend(tok))], tok.text, subj, [span], "any_verb",
               CONFIDENCE["any_verb"])


def _according(parsed, tok):
    to = next((c for c in tok.children if c.lower_ == "to"), None)
    if to is None:
        nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
        if nxt is None or nxt.lower_ != "to":
            return None
        to = nxt
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    sent = tok.sent
    lo = tok.left_edge.i if tok.left_edge.i >= sent.start else tok.i
    lo = min(lo, tok.i)
    hi = max(pobj.right_edge.i, to.i)
    before = _trim(parsed, tok.doc[sent.start:lo])
    after = _trim(parsed, tok.doc[hi + 1:sent.end])
    spans = [s for s in (before, after) if s]
    if not spans:
        return None
    cue_spans = [(parsed.tstart(tok), parsed.tend(to))]
    return Cue(tok, cue_spans, tok.doc[tok.i:to.i + 1].text, pobj, spans, "according", CONFIDENCE["according"])


def _seem(parsed, tok, in_quote):
    """"X seemed to Y", "X is expected to Y", "it appears that Y": the claim is the subject and
    its predicate; nobody is named as its source (an agent, "is expected by X to", is)."""
    if in_quote(parsed.tstart(tok)):
        return None
    subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    comp = next((c for c in tok.children if c.dep_ in ("xcomp", "ccomp") and c.i > tok.i), None)
    if comp is None:
        return None
    spans = []
    if subj is not None and subj.lower_ not in ("it", "there") and subj.i < tok.i:
        s = _trim(parsed, tok.doc[subj.left_edge.i:subj.right_edge.i + 1])
        if s:
            spans.append(s)
    c = _trim(parsed, _subtree_run(comp))
    if not c:
        return None
    spans.append(c)
    agent = None
    for a in tok.children:
        if a.dep_ == "agent":
            agent = next((g for g in a.children if g.dep_ == "pobj"), None)
    cue_spans = [(parsed.tstart(tok), parsed.tend(tok))]
    return Cue(tok, cue_spans, tok.text, agent, spans, "seem", CONFIDENCE["seem"])


def _claim_noun(parsed, tok, in_quote):
    """"allegations that Y", "her claim that Y", "his decision to Y": the clause is the claim, a
    possessive ("Trump's view") or a by/from phrase its source."""
    if in_quote(parsed.tstart(tok)):
        return None
    comp = None
    for c in tok.children:
        if c.i <= tok.i:
            continue
        if c.dep_ in ("acl", "ccomp", "relcl") and any(
                g.dep_ == "mark" and g.lower_ == "that" for g in c.children):
            comp = c
            break
        if c.dep_ in ("acl", "xcomp") and any(g.dep_ == "aux" and g.lower_ == "to" and g.i < c.i
                                              for g in c.children):
            comp = c
            break
    if comp is None:
        return None
    span = _trim(parsed, _subtree_run(comp))
    if not span:
        return None
    src = None
    for c in tok.children:
        if c.dep_ == "poss":
            src = c
        elif c.dep_ == "prep" and c.lower_ in ("by", "from") and c.i < comp.i:
            src = next((g for g in c.children if g.dep_ == "pobj"), src)
    cue = tok
    if src is None:
        # "X made the allegation that", "X said in a statement that": the governing verb's subject
        verb = tok.head
        if tok.dep_ == "pobj" and verb.dep_ == "prep":
            verb = verb.head
        if tok.dep_ in ("dobj", "pobj") and verb.pos_ in ("VERB", "AUX") and verb is not tok:
            src = subject_of(verb)
            if src is not None and verb.lemma_.lower() in SPEECH:
                cue = verb
    cue_spans = [(parsed.tstart(cue), parsed.tend(cue))]
    pattern = "noun" if cue is tok else "noun_verb"
    return Cue(cue, cue_spans, cue.text, src, [span], pattern, CONFIDENCE[pattern])


def _opens_with_that(clause) -> bool:
    """Does the clause open with a complementiser "that" ("... that the contract was signed"),
    including one the parser read as a relative adverb ("claimed at the time that Y") when the
    clause has a subject of its own?"""
    for g in clause.children:
        if g.lower_ != "that" or g.i > clause.i:
            continue
        if g.dep_ == "mark":
            return True
        if g.dep_ == "advmod" and any(x.dep_ in ("nsubj", "nsubjpass") for x in clause.children):
            return True
    return False


def _that_clause_below(verb):
    """A that-clause the parser hung from a noun in the verb's prepositional phrase ("X said on
    Friday during a news conference that Y"): at most two prepositional phrases down."""
    frontier = [verb]
    for _ in range(2):
        nxt = []
        for h in frontier:
            for p in h.children:
                if p.dep_ != "prep" or p.i < verb.i or _with_reporting(p):
                    continue
                for o in p.children:
                    if o.dep_ != "pobj":
                        continue
                    for c in o.children:
                        if c.dep_ in ("acl", "ccomp", "relcl") and c.i > o.i and _opens_with_that(c):
                            return [c]
                    nxt.append(o)
        frontier = nxt
    return []
