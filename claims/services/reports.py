"""Readers' "Report a problem" on a public fact check (docs/integrations.md, "The public side").

A report reaches the editors as a note on the claim (Note.source = reader), so it sits in the
claim's page and timeline with the newsroom's own notes, and the claims list filters the claims
that have one. Only published fact checks take reports; what the reader wrote is stored as
written (one place, the note), with the kind of problem and the address to answer, if given.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import TextChoices

from claims.models import Note
from claims.selectors import access
from claims.services.errors import InvalidInput, NotAllowed

MIN_DETAILS_CHARS = 10
MAX_DETAILS_CHARS = 5000
# One hour: the window the per-address limit (FACTCHECK_REPORTS_PER_HOUR) counts in.
RATE_WINDOW_SECONDS = 3600


class ProblemKind(TextChoices):
    FACT = "fact", "A fact in this check is wrong"
    OUTDATED = "outdated", "Something has changed since it was published"
    SOURCE = "source", "A source is missing, broken or wrong"
    QUOTE = "quote", "The quotation or its speaker is wrong"
    WORDING = "wording", "A spelling or wording mistake"
    OTHER = "other", "Something else"


@dataclass(frozen=True)
class Report:
    kind: str
    details: str
    email: str = ""


def clean_report(*, kind: str, details: str, email: str = "") -> Report:
    """Check a report; raises InvalidInput naming the field (the form shows it next to it)."""
    if kind not in ProblemKind.values:
        raise InvalidInput("Choose what kind of problem it is.", field="kind")
    details = (details or "").replace("\x00", "").strip()
    if len(details) < MIN_DETAILS_CHARS:
        raise InvalidInput(f"Tell us what is wrong in at least {MIN_DETAILS_CHARS} characters.", field="details")
    if len(details) > MAX_DETAILS_CHARS:
        raise InvalidInput(f"Please keep it under {MAX_DETAILS_CHARS:,} characters (this is {len(details):,}).",
                           field="details")
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput("This is not an e-mail address; leave it empty if you want no answer.",
                               field="email") from None
    return Report(kind=kind, details=details, email=email)


def note_body(report: Report) -> str:
    lines = [f"Reader report: {ProblemKind(report.kind).label}.", "", report.details, ""]
    lines.append(f"Answer to: {report.email}" if report.email else "The reader left no address.")
    return "\n".join(lines)


def take_rate_slot(*, client: str, limit: int) -> bool:
    """Count one report from `client` (an address); False when it has sent `limit` this hour.
    The counter lives in the shared cache; if the cache is down the report is taken (losing a
    reader's report is worse than one more spam note, and the honeypot still stands)."""
    key = f"factcheck:reports:{client}"
    try:
        if cache.add(key, 1, RATE_WINDOW_SECONDS):
            return True
        return cache.incr(key) <= limit
    except Exception:  # noqa: BLE001 - any cache backend failure
        return True


def report_problem(*, claim_id: int, kind: str, details: str, email: str = "") -> Note:
    """Record a reader's report on a published fact check as a note the editors see."""
    claim = access.visible_claims(user=None).filter(pk=claim_id).first()
    if claim is None:
        raise NotAllowed("Only published fact checks take reports.")
    report = clean_report(kind=kind, details=details, email=email)
    return Note.objects.create(claim=claim, author=None, body=note_body(report), source=Note.Source.READER)

