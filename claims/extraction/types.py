"""The extractor's output record. Plain data: no spaCy objects leak out of the package."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Span = tuple[int, int]

# What the speaker did with the claim, from its cue (CONTRACT.md). The words behind each stance are
# data: claims/extraction/cues.tsv. `asserts` is the stance of a claim with no cue.
STANCES = ("asserts", "denies", "accuses", "promises", "warns", "predicts", "believes", "asks")


@dataclass
class ExtractedClaim:
    kind: str  # 'direct' | 'partial' | 'indirect'
    content: str
    content_spans: list[Span]
    speaker: str | None = None
    speaker_spans: list[Span] = field(default_factory=list)
    speaker_title: str | None = None
    speaker_kind: str | None = None  # 'person' | 'organization' | 'place' | 'group' | None
    cue: str | None = None
    cue_spans: list[Span] = field(default_factory=list)
    stance: str = "asserts"  # one of STANCES
    is_question: bool = False  # a question or reported question ("asked whether ..."), not an assertion
    sentence: str = ""
    sentence_span: Span = (0, 0)
    score: float = 0.0
    score_reasons: list[str] = field(default_factory=list)
    confidence: float = 0.5
    rule: str = ""  # the construction that found it ("ccomp", "parataxis", "verb", "carried_on"...)

    @property
    def start(self) -> int:
        return self.content_spans[0][0] if self.content_spans else 0

    @property
    def end(self) -> int:
        return self.content_spans[-1][1] if self.content_spans else 0

    def to_json(self, doc_id: str | None = None) -> dict[str, Any]:
        """The dict of the command-line contract (CONTRACT.md), plus a few extra keys."""
        out: dict[str, Any] = {}
        if doc_id is not None:
            out["doc_id"] = doc_id
        out.update(
            kind=self.kind,
            content=self.content,
            content_spans=[[a, b] for a, b in self.content_spans],
            speaker=self.speaker,
            speaker_spans=[[a, b] for a, b in self.speaker_spans],
            cue=self.cue,
            cue_spans=[[a, b] for a, b in self.cue_spans],
            stance=self.stance,
            is_question=self.is_question,
            speaker_title=self.speaker_title,
            speaker_kind=self.speaker_kind,
            sentence_span=list(self.sentence_span),
            score=round(self.score, 3),
            score_reasons=list(self.score_reasons),
            confidence=round(self.confidence, 3),
            rule=self.rule,
        )
        return out
