"""Reads about article versions and stealth edits, shared by the admin, the e-mails and the alerts:
how a quote change is worded, an article's versions, the diff between any two of them."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateformat import format as date_format

from claims.ingestion.worddiff import Diff, diff_texts
from claims.models import Article, ArticleVersion, Claim, QuoteChange


def change_date(change: QuoteChange) -> str:
    return date_format(timezone.localtime(change.to_version.fetched_at), "j F Y")


def flag_text(change: QuoteChange) -> str:
    """The outlet changed this quote on 2 December 2026 without a correction note."""
    verb = "removed" if change.kind == QuoteChange.Kind.REMOVED else "changed"
    note = (
        f"with a correction note: “{change.correction_note}”" if change.correction_note else "without a correction note"
    )
    return f"The outlet {verb} this quote on {change_date(change)} {note}."


def diff_as_text(diff: list[list[str]] | list[tuple[str, str]]) -> str:
    """A word diff for plain-text e-mail: [-removed-] {+added+}."""
    out = []
    for op, text in diff:
        if op == "delete":
            out.append(f"[-{text.strip()}-] " if text.endswith(" ") else f"[-{text}-]")
        elif op == "insert":
            out.append(f"{{+{text.strip()}+}} " if text.endswith(" ") else f"{{+{text}+}}")
        else:
            out.append(text)
    return "".join(out)


def quote_changes_for_claim(*, claim: Claim) -> list[QuoteChange]:
    return list(
        QuoteChange.objects.filter(claim=claim)
        .select_related("to_version", "from_version")
        .order_by("to_version__number")
    )


def claims_with_flagged_changes() -> QuerySet[Claim]:
    return Claim.objects.filter(quote_changes__flagged=True).distinct()


def article_versions(*, article: Article) -> list[ArticleVersion]:
    return list(ArticleVersion.objects.filter(article=article).order_by("number"))


@dataclass(frozen=True)
class VersionDiff:
    old: ArticleVersion
    new: ArticleVersion
    title_changed: bool
    pieces: Diff

    @property
    def changed(self) -> bool:
        return self.title_changed or any(op != "equal" for op, _ in self.pieces)


def version_diff(*, article: Article, old_number: int, new_number: int) -> VersionDiff | None:
    """The word-level diff between any two versions of the article (None if either is missing)."""
    rows = ArticleVersion.objects.filter(article=article, number__in=[old_number, new_number])
    versions = {v.number: v for v in rows}
    old, new = versions.get(old_number), versions.get(new_number)
    if old is None or new is None:
        return None
    return VersionDiff(old, new, old.title != new.title, diff_texts(old.text, new.text))
