"""Transcripts of speeches, debates and interviews enter the tracker here: the admin's upload, the
API and `manage.py ingest` all call `submit_transcript`. The file is read (WebVTT, SRT or plain
text; claims.extraction.transcripts) before anything is stored, so a bad file is refused with the
reason and nothing is half-saved; a good one becomes an article of source `transcript` whose text
is its turns, and goes through the same queue, de-duplication and workers as every article."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from claims.extraction.transcripts import FORMATS, Transcript, TranscriptError, parse_transcript
from claims.models import Article
from claims.services.articles import Submission, decode_upload, normalize_url, one_line, submit_article
from claims.services.errors import InvalidInput

# File names that say "this is a transcript" to `manage.py ingest` and the admin's upload.
TRANSCRIPT_SUFFIXES = (".vtt", ".srt")


def is_transcript_name(name: str) -> bool:
    return name.casefold().endswith(TRANSCRIPT_SUFFIXES)


def submit_transcript(
    *,
    data: bytes | str,
    filename: str = "",
    fmt: str | None = None,
    title: str = "",
    speaker: str = "",
    interviewer: str = "",
    media_url: str = "",
    published_at: datetime | None = None,
    submitted_by: AbstractBaseUser | AnonymousUser | None = None,
) -> Submission:
    """Read a transcript and submit it as an article.

    `fmt` is `vtt`, `srt` or `text` (guessed from the file name and its first lines when empty).
    `speaker` speaks whatever the file attributes to no one (a speech) and the `A:` answers;
    `interviewer` asks the `Q:` questions. `media_url`, the recording, wins over one the file names."""
    if fmt and fmt not in FORMATS:
        raise InvalidInput(f"Unknown transcript format '{fmt}'; use one of: {', '.join(FORMATS)}.", field="format")
    raw = decode_upload(data) if isinstance(data, bytes) else data
    if media_url:
        try:
            media_url = normalize_url(media_url)
        except InvalidInput as exc:
            raise InvalidInput(f"The recording's URL is not usable: {exc.message}", field="media_url") from None
    try:
        transcript = parse_transcript(
            raw, fmt=fmt or None, filename=filename, speaker=one_line(speaker, limit=120) or None,
            interviewer=one_line(interviewer, limit=120) or None)
    except TranscriptError as exc:
        where = f" ({filename})" if filename else ""
        raise InvalidInput(f"The transcript{where} could not be read: {exc}", field="file") from None
    found_media = ""
    if transcript.media_url:
        try:
            found_media = normalize_url(transcript.media_url)
        except InvalidInput:
            found_media = ""  # a malformed link in a NOTE is no reason to refuse the transcript
    layout = dict(transcript.layout, media_url=media_url or found_media)
    try:
        return _submit(transcript, layout, title=title, published_at=published_at, submitted_by=submitted_by,
                       media_url=media_url or found_media)
    except InvalidInput as exc:
        if exc.field != "text":
            raise
        # The article's rules (length) speak of "the text": here it is the transcript's.
        raise InvalidInput(exc.message.replace("The text", "The transcript's text"), field="file") from None


def _submit(transcript: Transcript, layout: dict[str, Any], *, title: str, published_at: datetime | None,
            submitted_by: AbstractBaseUser | AnonymousUser | None, media_url: str) -> Submission:
    return submit_article(
        text=transcript.text,
        title=title or transcript.title,
        published_at=published_at,
        source=Article.Source.TRANSCRIPT,
        submitted_by=submitted_by if isinstance(submitted_by, AbstractBaseUser) else None,
        transcript=layout,
        media_url=media_url,
    )
