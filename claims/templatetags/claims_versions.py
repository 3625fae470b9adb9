"""Stealth edits in the admin (docs/monitoring.md): the claim page's "quote changed in the source"
panel and the article page's versions with the word diff between any two. Plain HTML (<del> and
<ins> with words for screen readers), no JavaScript: the two versions are chosen with a GET form."""
from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from claims.models import Article, ArticleRefetch, Claim
from claims.selectors.versions import article_versions, flag_text, quote_changes_for_claim, version_diff

register = template.Library()


@register.inclusion_tag("admin/claims/versions/_quote_changes.html")
def quote_changes(claim: Claim) -> dict[str, Any]:
    changes = quote_changes_for_claim(claim=claim)
    return {
        "claim": claim,
        "changes": [{"change": change, "flag": flag_text(change)} for change in changes],
    }


def _number(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 9 else None


@register.inclusion_tag("admin/claims/versions/_article_versions.html", takes_context=True)
def article_versions_panel(context: template.Context, article: Article) -> dict[str, Any]:
    request: HttpRequest = context["request"]
    versions = article_versions(article=article)
    schedule = ArticleRefetch.objects.filter(pk=article.pk).first()
    numbers = [v.number for v in versions]
    old_number, new_number = _number(request, "from"), _number(request, "to")
    problem = ""
    if (old_number is not None or new_number is not None) and (old_number not in numbers or new_number not in numbers):
        problem = "There is no such version of this article; showing the latest change instead."
        old_number = new_number = None
    if old_number is None and len(numbers) >= 2:
        old_number, new_number = numbers[-2], numbers[-1]
    diff = None
    if old_number is not None and new_number is not None:
        diff = version_diff(article=article, old_number=old_number, new_number=new_number)
    return {
        "article": article,
        "versions": versions,
        "schedule": schedule,
        "diff": diff,
        "old_number": old_number,
        "new_number": new_number,
        "problem": problem,
    }
