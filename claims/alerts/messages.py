"""One alert email (HTML and plain text) for a subscription and the deliveries it carries."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from claims.alerts import conf
from claims.alerts.terms import highlight_spans
from claims.alerts.tokens import make_token
from claims.models import AlertDelivery, Article, Claim, Subscription
from claims.selectors.wording import ClaimSentence, claim_sentence, score_text
from claims.text import one_line

MACHINE_NOTICE = (
    "These claims were detected by machine and have not been verified: "
    "check the article before quoting them."
)


def absolute(path: str) -> str:
    return conf.site_url() + path


def admin_change_url(model: str, pk: int) -> str:
    # The admin screens are registered by other modules; an unregistered one must not stop an email.
    try:
        return absolute(reverse(f"admin:claims_{model}_change", args=[pk]))
    except NoReverseMatch:
        return absolute(f"/admin/claims/{model}/{pk}/change/")


def unsubscribe_url(subscription_id: int) -> str:
    token = make_token(subscription_id=subscription_id, action="unsubscribe")
    return absolute(reverse("alerts:unsubscribe", args=[token]))


def manage_url(subscription_id: int) -> str:
    return absolute(reverse("alerts:manage", args=[make_token(subscription_id=subscription_id, action="manage")]))


def article_url(article: Article) -> str:
    return article.url or article.canonical_url or admin_change_url("article", article.pk)


# How a keyword's match stands out in the plain-text part (the HTML part uses <mark>). The quote
# itself stays as the speaker said it there: editors copy quotes from the plain text.
TEXT_MARK = "**"


def _marked(content: str, spans: list[tuple[int, int]], open_mark: str, close_mark: str, escape=str) -> str:
    out, at = [], 0
    for start, end in spans:
        out += [escape(content[at:start]), open_mark, escape(content[start:end]), close_mark]
        at = end
    out.append(escape(content[at:]))
    return "".join(out)


@dataclass
class Item:
    claim: Claim
    sentence: ClaimSentence  # "Speaker *cue*: content", as the admin words it
    kind: str
    speaker: str
    speaker_title: str
    score: str
    reasons: list[str]
    admin_url: str
    # Where the subscription's keywords matched in the content: the HTML part marks them in the
    # quote (<mark>), the plain-text part lists them under it (**Taxes**, **minimum-wage**).
    highlights: list[tuple[int, int]] = field(default_factory=list)

    @property
    def matched_text(self) -> str:
        """The matched words as the claim has them, marked, for the plain-text part ('' if none)."""
        seen = dict.fromkeys(self.sentence.content[start:end] for start, end in self.highlights)
        return ", ".join(f"{TEXT_MARK}{words}{TEXT_MARK}" for words in seen)

    @property
    def content_html(self) -> SafeString:
        content = _marked(self.sentence.content, self.highlights, '<mark style="background: #fff1a8;">', "</mark>",
                          escape=conditional_escape)
        return mark_safe(f"“{content}”" if self.sentence.quoted else content)  # noqa: S308 - escaped above


@dataclass
class Group:
    article: Article
    title: str
    outlet: str
    url: str
    items: list[Item] = field(default_factory=list)


def _groups(deliveries: Sequence[AlertDelivery], keywords: Sequence[str] = ()) -> list[Group]:
    groups: dict[int, Group] = {}
    for delivery in deliveries:
        claim = delivery.claim
        article = claim.article
        group = groups.get(article.pk)
        if group is None:
            group = groups[article.pk] = Group(
                article=article,
                # One line even for rows stored before titles were cleaned on input (finding 10).
                title=one_line(article.title) or article.url or f"Article {article.pk}",
                outlet=article.outlet.name if article.outlet else "",
                url=article_url(article),
            )
        sentence = claim_sentence(claim)
        group.items.append(
            Item(
                claim=claim,
                sentence=sentence,
                kind=claim.get_kind_display(),
                speaker=(claim.speaker.name if claim.speaker else claim.speaker_mention) or "Unattributed",
                speaker_title=claim.speaker_title or (claim.speaker.title if claim.speaker else ""),
                score=score_text(claim.checkworthiness),
                reasons=list(delivery.reasons or []),
                admin_url=admin_change_url("claim", claim.pk),
                highlights=highlight_spans(sentence.content, keywords) if keywords else [],
            )
        )
    return list(groups.values())


def _subject(subscription: Subscription, groups: list[Group], count: int, digest: bool) -> str:
    claims = f"{count} claim{'s' if count != 1 else ''}"
    if subscription.quote_changed:  # stealth edits (claims.services.quote_change_alerts)
        claims = f"{count} quote{'s' if count != 1 else ''} changed in the source"
    if digest:
        label = "Weekly" if subscription.cadence == Subscription.Cadence.WEEKLY else "Daily"
        articles = f"{len(groups)} article{'s' if len(groups) != 1 else ''}"
        subject = f"{label} digest '{subscription.name}': {claims} in {articles}"
    else:
        subject = f"Alert '{subscription.name}': {claims} in {groups[0].title}"
    # Header injection and folding are Django's job, but a 500-character subject helps no one.
    return " ".join(subject.split())[:200]


def build_message(
    *, subscription: Subscription, deliveries: Sequence[AlertDelivery], digest: bool, connection=None
) -> EmailMultiAlternatives:
    groups = _groups(deliveries, keywords=subscription.keywords or [])
    unsubscribe = unsubscribe_url(subscription.pk)
    context = {
        "subscription": subscription,
        "groups": groups,
        "count": len(deliveries),
        "digest": digest,
        "unsubscribe_url": unsubscribe,
        "manage_url": manage_url(subscription.pk),
        "machine_notice": MACHINE_NOTICE,
        "site_url": conf.site_url(),
    }
    message = EmailMultiAlternatives(
        subject=_subject(subscription, groups, len(deliveries), digest),
        body=render_to_string("emails/alert.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscription.owner.email],
        connection=connection,
        headers={
            # RFC 2369 + RFC 8058: mail clients show an unsubscribe button that POSTs to this URL.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"Fact-check alerts <subscription-{subscription.pk}.alerts.factcheck>",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(render_to_string("emails/alert.html", context), "text/html")
    return message
