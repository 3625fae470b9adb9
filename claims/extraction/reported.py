"""Reported speech from the dependency parse: a cue verb, its subject, and its claim.

Patterns: X said (that) Y; Y, X said; X said, adding Y; according to X, Y; X vowed to Y;
X accused Y of Z; X denied Y; a study found Y; polls show Y; Y, state media reported.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .lexicon import BELIEF, CLAUSE, DOBJ, EVIDENCE, QUOTE_ONLY, SPEECH, STANCE, XCOMP

SUBJ = ("nsubj", "nsubjpass", "csubj")
LINK_UP = ("advcl", "conj", "xcomp", "pcomp", "acl", "relcl")


@dataclass
class Cue:
    verb: object  # spaCy token
    cue_spans: list
    cue_text: str
    subject: object | None  # spaCy token or None
    content: list  # [(start, end)] global offsets
    pattern: str
    confidence: float = 0.6
    subjects: list = field(default_factory=list)  # conjoined subjects


def is_cue_verb(tok) -> bool:
    return tok.lemma_.lower() in SPEECH and tok.pos_ in ("VERB", "AUX")


def subject_of(tok, depth=0):
    """The subject of a verb, or of the verb it hangs from ("..., adding that" / "and said")."""
    for c in tok.children:
        if c.dep_ in ("nsubj", "csubj") and not c.is_punct:
            return c
        if c.dep_ == "nsubjpass" and tok.lemma_ not in ("tell", "ask", "expect"):
            return c
    for c in tok.children:
        if c.dep_ == "agent":
            for g in c.children:
                if g.dep_ == "pobj":
                    return g
    if depth < 2 and tok.dep_ in LINK_UP and tok.head is not tok:
        if tok.dep_ == "relcl":
            return tok.head if tok.head.pos_ in ("PROPN", "NOUN", "PRON") else None
        return subject_of(tok.head, depth + 1)
    return None


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
                    toks[0].lower_ in ("that", "whether", "if", "and", "but")):
        toks.pop(0)
    while toks and (toks[-1].is_punct and toks[-1].text not in ('"', "\u201d", "\u2019", "'", ")")
                    or toks[-1].is_space):
        toks.pop()
    if not toks:
        return None
    return parsed.tstart(toks[0]), parsed.tend(toks[-1])


def _subtree_run(t):
    """The tokens of t's subtree, cut before a conjoined cue verb ("... and said that ...")."""
    doc = t.doc
    lo, hi = t.left_edge.i, t.right_edge.i
    for d in t.subtree:
        if d is not t and d.dep_ == "conj" and d.i > t.i and d.lemma_.lower() in SPEECH and d.i <= hi:
            hi = d.left_edge.i - 1
            while hi > t.i and (doc[hi].dep_ == "cc" or doc[hi].is_punct):
                hi -= 1
    return doc[lo:hi + 1]


def cues_in(parsed, in_quote) -> list[Cue]:
    out = []
    for tok in parsed.tokens:
        low = tok.lower_
        lem = tok.lemma_.lower()
        if low == "according":
            c = _according(parsed, tok)
            if c:
                out.append(c)
            continue
        if tok.pos_ not in ("VERB", "AUX") or tok.dep_ == "amod":
            continue
        if lem not in CLAUSE and lem not in XCOMP and lem not in DOBJ and lem not in SPEECH \
                and lem not in STANCE:
            continue
        if in_quote(parsed.tstart(tok)):
            continue
        subj = subject_of(tok)
        cue_toks = [tok] + [c for c in tok.children if c.dep_ == "prt"]
        cue_spans = [(parsed.tstart(t), parsed.tend(t)) for t in sorted(cue_toks, key=lambda t: t.i)]
        cue_text = " ".join(tok.doc[t.i].text for t in sorted(cue_toks, key=lambda t: t.i))
        made = False
        if lem in CLAUSE and lem not in QUOTE_ONLY:
            comps = [c for c in tok.children if c.dep_ == "ccomp"]
            if not comps and lem in SPEECH and lem not in XCOMP:
                # "He said legalizing it could ..." parsed with an xcomp
                comps = [c for c in tok.children if c.dep_ == "xcomp" and c.i > tok.i
                         and not any(g.lower_ == "to" and g.i < c.i for g in c.children)]
            if not comps and tok.dep_ == "parataxis" and tok.head.i < tok.i:
                # "Y, X said": the reported clause is the head; the cue hangs from it
                head = tok.head
                run = [t for t in tok.doc[head.left_edge.i:tok.left_edge.i]]
                span = _trim(parsed, run)
                if span and subj is not None:
                    out.append(Cue(tok, cue_spans, cue_text, subj, [span], "parataxis", 0.55))
                    made = True
            spans = []
            for c in comps:
                span = _trim(parsed, _subtree_run(c))
                if span:
                    spans.append(span)
            if spans:
                if subj is not None and subj.i > tok.i and any(
                        s[0] >= parsed.tend(subj) for s in spans) and lem not in ("say", "add"):
                    pass
                conf = 0.7 if lem in SPEECH else (0.5 if lem in EVIDENCE else 0.35)
                if lem in BELIEF and (subj is None or subj.lower_ in ("i", "we", "you")):
                    conf = 0.2
                if subj is not None or lem in EVIDENCE or lem in SPEECH:
                    out.append(Cue(tok, cue_spans, cue_text, subj, spans, "ccomp", conf))
                    made = True
        if not made and lem in XCOMP:
            for c in tok.children:
                if c.dep_ == "xcomp":
                    span = _trim(parsed, _subtree_run(c))
                    if span and subj is not None:
                        out.append(Cue(tok, cue_spans, cue_text, subj, [span], "xcomp", 0.45))
                        made = True
                    break
        if not made and lem in DOBJ:
            obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
            if obj is not None and subj is not None:
                run = list(_subtree_run(obj))
                if lem == "accuse":
                    for c in tok.children:
                        if c.dep_ == "prep" and c.lower_ in ("of", "over"):
                            run = list(tok.doc[obj.left_edge.i:c.right_edge.i + 1])
                span = _trim(parsed, run)
                if span:
                    out.append(Cue(tok, cue_spans, cue_text, subj, [span], "dobj", 0.4))
                    made = True
        if not made and lem in STANCE and subj is not None:
            parts = [c for c in tok.children if c.i > tok.i and (
                c.dep_ in ("dobj", "oprd", "xcomp", "ccomp", "dative") or
                c.dep_ == "prep" and c.lower_ in ("for", "on", "as", "of", "about", "to"))]
            if parts and not (len(parts) == 1 and parts[0].dep_ == "dative"):
                lo = min(p.left_edge.i for p in parts)
                hi = max(p.right_edge.i for p in parts)
                if parts[0].dep_ == "prep" and parts[0].lower_ in ("for", "on", "about") and len(parts) == 1:
                    lo = parts[0].i + 1
                span = _trim(parsed, tok.doc[lo:hi + 1])
                if span:
                    out.append(Cue(tok, cue_spans, cue_text, subj, [span], "stance", 0.35))
                    made = True
        if not made and lem in SPEECH and subj is not None:
            # a bare cue ("he said.") kept for attributing nearby quotations only
            out.append(Cue(tok, cue_spans, cue_text, subj, [], "bare", 0.5))
    return out


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
    return Cue(tok, cue_spans, tok.doc[tok.i:to.i + 1].text, pobj, spans, "according", 0.7)
