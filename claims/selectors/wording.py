"""How a claim reads to people: one sentence with its speaker, cue and stance, and a rounded score.

The admin list and claim page, the alert e-mails (text and HTML) and the public pages all word a
claim through `claim_sentence`, so a denial reads as a denial everywhere ("Pyongyang and Moscow
*denied*: those claims") and never as something the speaker asserted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from claims.models import Claim

# The verb shown when the extractor found no cue word (the stance is then its default, `asserts`,
# or was set from a noun cue): past tense, as a report reads.
STANCE_VERBS: dict[str, str] = {
    "asserts": "said",
    "denies": "denied",
    "accuses": "accused",
    "promises": "promised",
    "warns": "warned",
    "predicts": "predicted",
    "believes": "believes",
    "asks": "asked",
}
# Kinds whose content is wholly the speaker's own words, shown in quotation marks (a partial
# quote's content is a reported clause with a quoted piece inside: it keeps its own marks).
QUOTED_KINDS = (Claim.Kind.DIRECT,)
# Cues that name a source rather than a speech act read better in front: "According to X: ...".
PREFIX_CUES = ("according to",)
UNATTRIBUTED = "Unattributed"
SCORE_DECIMALS = 2


@dataclass(frozen=True)
class ClaimSentence:
    speaker: str  # the resolved speaker's name, else the mention, else ""
    cue: str  # the cue as the article words it, else the stance's verb
    content: str
    stance: str
    is_question: bool
    quoted: bool

    @property
    def shown_speaker(self) -> str:
        return self.speaker or UNATTRIBUTED

    @property
    def shown_content(self) -> str:
        return f"“{self.content}”" if self.quoted else self.content

    @property
    def prefix_form(self) -> bool:
        return self.cue.lower() in PREFIX_CUES

    @property
    def shown_cue(self) -> str:
        # A cue that opens the sentence ("According to X: ...") starts with a capital.
        return self.cue[:1].upper() + self.cue[1:] if self.prefix_form else self.cue

    def as_text(self, *, emphasis: str = "*") -> str:
        """Plain text, the cue emphasised the way plain-text mail does: `X *denied*: Y`."""
        cue = f"{emphasis}{self.shown_cue}{emphasis}"
        head = f"{cue} {self.shown_speaker}" if self.prefix_form else f"{self.shown_speaker} {cue}"
        question = " [question]" if self.is_question else ""
        return f"{head}: {self.shown_content}{question}"

    def __str__(self) -> str:
        return self.as_text(emphasis="")

    def as_html(self) -> SafeString:
        """The sentence marked up for pages (classes in static/claims/*.css; no inline style)."""
        speaker = format_html('<span class="fc-speaker">{}</span>', self.shown_speaker)
        cue = format_html('<em class="fc-cue fc-stance-{}" title="stance: {}">{}</em>', self.stance, self.stance,
                          self.shown_cue)
        head = format_html("{} {}", cue, speaker) if self.prefix_form else format_html("{} {}", speaker, cue)
        question = mark_safe(' <span class="fc-question">question</span>') if self.is_question else ""  # noqa: S308 - a constant
        return format_html('<span class="fc-sentence">{}: <span class="fc-content">{}</span>{}</span>',
                           head, self.shown_content, question)

    def __html__(self) -> str:
        return self.as_html()


def claim_sentence(claim: Claim, *, max_chars: int | None = None) -> ClaimSentence:
    """The claim as a sentence. `max_chars` shortens long content (list rows), never the rest."""
    speaker = claim.speaker.name if claim.speaker_id and claim.speaker else (claim.speaker_mention or "")
    content = " ".join((claim.content or "").split())
    if max_chars is not None:
        content = Truncator(content).chars(max_chars)
    cue = " ".join((claim.cue or "").split()) or STANCE_VERBS.get(claim.stance, "said")
    return ClaimSentence(
        speaker=" ".join(speaker.split()),
        cue=cue,
        content=content,
        stance=claim.stance,
        is_question=claim.is_question,
        quoted=claim.kind in QUOTED_KINDS,
    )


def _luminance(colour: str) -> float | None:
    match = re.fullmatch(r"#?([0-9a-fA-F]{6})", (colour or "").strip())
    if match is None:
        return None
    channels = [int(match.group(1)[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ink_for(colour: str) -> str:
    """White or near-black text, whichever contrasts more with a rating's colour (WCAG): a
    label on yellow or orange must stay readable."""
    luminance = _luminance(colour)
    if luminance is None:
        return "#ffffff"
    on_white = 1.05 / (luminance + 0.05)
    on_black = (luminance + 0.05) / (0.0103 + 0.05)  # #1a1a1a
    return "#ffffff" if on_white >= on_black else "#1a1a1a"


def rating_badge(label: str, colour: str, definition: str = "") -> SafeString:
    """A rating label in its colour. The colour travels in data attributes and static/claims/colours.js
    paints it (a strict Content-Security-Policy refuses inline style attributes)."""
    return format_html('<span class="fc-rating" data-colour="{}" data-ink="{}" title="{}">{}</span>',
                       colour, ink_for(colour), definition, label)


def rounded_score(value: float | None) -> float | None:
    """Check-worthiness as people and clients read it: 0.2, never 0.19999999999999998."""
    return None if value is None else round(float(value), SCORE_DECIMALS)


def score_text(value: float | None) -> str:
    return "—" if value is None else f"{float(value):.{SCORE_DECIMALS}f}"
