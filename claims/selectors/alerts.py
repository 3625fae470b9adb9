"""Reads behind email alerts: which subscriptions a batch of new claims matches, which digests
are due, which deliveries need another try. No writes here.

Matching is one SQL statement whatever the number of subscriptions, in two steps:

1. Candidates. The selective dimensions (speaker, outlet, keyword) each produce the
   (subscription, claim) pairs they accept through an indexed join: speakers and outlets by id,
   keywords by equality between normalised keywords and the claims' word n-grams. A pair is
   kept when the number of these dimensions that accepted it equals the number the subscription
   has set ("all non-empty filter dimensions must match", as a count). Subscriptions with none of
   the three (only a kind, a score or a flag) pair with every claim of the batch.
2. Verification. The cheap per-pair conditions (kind, minimum score, the two flags) filter the
   candidates.

So a subscription that no selective dimension brought up is never looked at, unless it has no
selective filter at all; and a subscription with no filter whatsoever (refused by the services)
can never match.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, Min, OuterRef, Q
from django.utils import timezone

from claims.alerts import conf
from claims.alerts.schedule import latest_slot
from claims.alerts.terms import claim_terms
from claims.models import AlertDelivery, Article, Claim, Outlet, Speaker, Subscription, SubscriptionKeyword

D = AlertDelivery.Status
C = Subscription.Cadence


@dataclass
class Match:
    subscription_id: int
    claim: Claim
    reasons: list[str] = field(default_factory=list)


# --- which claims repeat a rated one, which speakers are new ------------------------------------


def repeating_rated_claim_ids(*, claim_ids: Sequence[int]) -> set[int]:
    """Claims whose words we already rated elsewhere (same fingerprint) or that an editor linked
    (same_as) to a rated claim."""
    rated_twin = Claim.objects.filter(fingerprint=OuterRef("fingerprint"), rating__isnull=False).exclude(
        pk=OuterRef("pk")
    )
    return set(
        Claim.objects.filter(pk__in=claim_ids)
        .filter(Q(same_as__rating__isnull=False) | Q(Exists(rated_twin)))
        .values_list("pk", flat=True)
    )


def new_speaker_claim_ids(*, claim_ids: Sequence[int]) -> set[int]:
    """Claims by a speaker with no earlier claim in another article: every claim of that speaker
    in the article where they first appear counts as 'new speaker'."""
    earlier = (
        Claim.objects.filter(speaker_id=OuterRef("speaker_id"), created_at__lt=OuterRef("created_at"))
        .exclude(article_id=OuterRef("article_id"))
    )
    return set(
        Claim.objects.filter(pk__in=claim_ids, speaker__isnull=False)
        .exclude(Exists(earlier))
        .values_list("pk", flat=True)
    )


# --- the match query ---------------------------------------------------------------------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _tables() -> dict[str, str]:
    speakers_through = Subscription.speakers.through
    outlets_through = Subscription.outlets.through
    return {
        "claim": _q(Claim._meta.db_table),
        "article": _q(Article._meta.db_table),
        "speaker": _q(Speaker._meta.db_table),
        "outlet": _q(Outlet._meta.db_table),
        "sub": _q(Subscription._meta.db_table),
        "keyword": _q(SubscriptionKeyword._meta.db_table),
        "user": _q(get_user_model()._meta.db_table),
        "sub_speakers": _q(speakers_through._meta.db_table),
        "ss_sub": _q(speakers_through._meta.get_field("subscription").column),
        "ss_speaker": _q(speakers_through._meta.get_field("speaker").column),
        "sub_outlets": _q(outlets_through._meta.db_table),
        "so_sub": _q(outlets_through._meta.get_field("subscription").column),
        "so_outlet": _q(outlets_through._meta.get_field("outlet").column),
    }


# The only database-specific pieces: reading a JSON parameter as rows, and the JSON list of kinds.
_DIALECT = {
    "postgresql": {
        "terms": "SELECT (t.value->>0)::bigint AS claim_id, t.value->>1 AS term FROM jsonb_array_elements(%s::jsonb) AS t",
        "kind_in": "s.kinds @> jsonb_build_array(c.kind)",
        "has_kinds": "(jsonb_typeof(s.kinds) = 'array' AND jsonb_array_length(s.kinds) > 0)",
    },
    "sqlite": {
        "terms": "SELECT json_extract(t.value, '$[0]') AS claim_id, json_extract(t.value, '$[1]') AS term FROM json_each(%s) AS t",
        "kind_in": "EXISTS (SELECT 1 FROM json_each(s.kinds) AS k WHERE k.value = c.kind)",
        "has_kinds": "json_array_length(s.kinds) > 0",
    },
}


def _in_list(values: Sequence[int]) -> str:
    return ", ".join(["%s"] * len(values))


def active_keywords() -> set[str]:
    """The distinct normalised keywords of active subscriptions: a few thousand short strings even
    for a large newsroom, and what lets matching send only the claim words that can match."""
    return set(
        SubscriptionKeyword.objects.filter(subscription__active=True).values_list("normalized", flat=True).distinct()
    )


def keyword_hits(claims: Sequence[Claim], keywords: set[str]) -> list[list]:
    """[claim id, keyword] for every keyword phrase a claim's words contain: only the n-gram
    lengths some keyword has are built, and only hits travel to the database."""
    if not keywords:
        return []
    longest = max(len(keyword.split(" ")) for keyword in keywords)
    return [
        [claim.pk, term]
        for claim in claims
        for term in sorted(claim_terms(claim.content, max_words=longest) & keywords)
    ]


def _match_sql(*, claims: Sequence[Claim], hits: list[list]) -> tuple[str, list]:
    t = _tables()
    d = _DIALECT[connection.vendor]
    claim_ids = sorted(claim.pk for claim in claims)
    ids = _in_list(claim_ids)
    has_speakers = f"EXISTS (SELECT 1 FROM {t['sub_speakers']} x2 WHERE x2.{t['ss_sub']} = s.id)"
    has_outlets = f"EXISTS (SELECT 1 FROM {t['sub_outlets']} y2 WHERE y2.{t['so_sub']} = s.id)"
    has_keywords = f"EXISTS (SELECT 1 FROM {t['keyword']} k2 WHERE k2.subscription_id = s.id)"
    # The two flags, per claim, as correlated subqueries: evaluated only for the pairs whose
    # subscription asks for them (the OR below short-circuits), the same rules as
    # repeating_rated_claim_ids() and new_speaker_claim_ids().
    is_repeat = f"""(EXISTS (SELECT 1 FROM {t['claim']} tw WHERE tw.id = c.same_as_id AND tw.rating_id IS NOT NULL)
        OR EXISTS (SELECT 1 FROM {t['claim']} tw WHERE tw.fingerprint = c.fingerprint
                   AND tw.rating_id IS NOT NULL AND tw.id <> c.id))"""
    is_new_speaker = f"""(c.speaker_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM {t['claim']} e WHERE e.speaker_id = c.speaker_id AND e.created_at < c.created_at
        AND e.article_id <> c.article_id))"""
    sql = f"""
    WITH selective AS (
        SELECT x.{t['ss_sub']} AS subscription_id, c.id AS claim_id, 'speaker' AS dimension, sp.name AS detail
        FROM {t['claim']} c
        JOIN {t['speaker']} cs ON cs.id = c.speaker_id
        JOIN {t['sub_speakers']} x ON x.{t['ss_speaker']} IN (cs.id, cs.merged_into_id)
        JOIN {t['speaker']} sp ON sp.id = x.{t['ss_speaker']}
        WHERE c.id IN ({ids})
        UNION ALL
        SELECT y.{t['so_sub']}, c.id, 'outlet', o.name
        FROM {t['claim']} c
        JOIN {t['article']} a ON a.id = c.article_id
        JOIN {t['sub_outlets']} y ON y.{t['so_outlet']} = a.outlet_id
        JOIN {t['outlet']} o ON o.id = y.{t['so_outlet']}
        WHERE c.id IN ({ids})
        UNION ALL
        SELECT k.subscription_id, tr.claim_id, 'keyword', k.keyword
        FROM ({d['terms']}) tr
        JOIN {t['keyword']} k ON k.normalized = tr.term
    ),
    candidates AS (
        SELECT DISTINCT subscription_id FROM selective
    ),
    required AS (
        -- How many selective dimensions each candidate subscription has set (index lookups).
        SELECT f.subscription_id, COUNT(DISTINCT f.dimension) AS n
        FROM (
            SELECT x.{t['ss_sub']} AS subscription_id, 'speaker' AS dimension FROM {t['sub_speakers']} x
            WHERE x.{t['ss_sub']} IN (SELECT subscription_id FROM candidates)
            UNION ALL
            SELECT y.{t['so_sub']}, 'outlet' FROM {t['sub_outlets']} y
            WHERE y.{t['so_sub']} IN (SELECT subscription_id FROM candidates)
            UNION ALL
            SELECT k.subscription_id, 'keyword' FROM {t['keyword']} k
            WHERE k.subscription_id IN (SELECT subscription_id FROM candidates)
        ) f
        GROUP BY f.subscription_id
    ),
    anchored AS (
        SELECT p.subscription_id, p.claim_id
        FROM (SELECT subscription_id, claim_id, COUNT(DISTINCT dimension) AS n FROM selective
              GROUP BY subscription_id, claim_id) p
        JOIN required r ON r.subscription_id = p.subscription_id AND r.n = p.n
    ),
    unanchored AS (
        SELECT s.id AS subscription_id, c.id AS claim_id
        FROM {t['sub']} s CROSS JOIN {t['claim']} c
        WHERE c.id IN ({ids}) AND s.active
          AND NOT {has_speakers} AND NOT {has_outlets} AND NOT {has_keywords}
          AND ({d['has_kinds']} OR s.min_checkworthiness > 0 OR s.repeats_rated_claim OR s.new_speaker)
    ),
    matched AS (
        SELECT m.subscription_id, m.claim_id, s.min_checkworthiness, {d['has_kinds']} AS has_kinds,
               s.repeats_rated_claim, s.new_speaker
        FROM (SELECT subscription_id, claim_id FROM anchored
              UNION ALL SELECT subscription_id, claim_id FROM unanchored) m
        JOIN {t['sub']} s ON s.id = m.subscription_id
        JOIN {t['claim']} c ON c.id = m.claim_id
        JOIN {t['user']} u ON u.id = s.owner_id
        WHERE s.active AND u.is_active AND u.email <> ''
          -- "quote changed in the source" subscriptions hear about quote changes, not new claims
          -- (claims.services.quote_change_alerts).
          AND NOT s.quote_changed
          AND (NOT {d['has_kinds']} OR {d['kind_in']})
          AND c.checkworthiness >= s.min_checkworthiness
          AND (NOT s.repeats_rated_claim OR {is_repeat})
          AND (NOT s.new_speaker OR {is_new_speaker})
    )
    SELECT m.subscription_id, m.claim_id, m.min_checkworthiness, m.has_kinds, m.repeats_rated_claim,
           m.new_speaker, h.dimension, h.detail
    FROM matched m
    LEFT JOIN selective h ON h.subscription_id = m.subscription_id AND h.claim_id = m.claim_id
    """
    params = [*claim_ids, *claim_ids, json.dumps(hits), *claim_ids]
    return sql, params


# The order the "why it matched" line reads in: who, where, what, then the finer filters.
_DIMENSION_ORDER = {name: i for i, name in enumerate(["speaker", "outlet", "keyword"])}


def _selective_reason(dimension: str, detail: str) -> str:
    if dimension == "speaker":
        return f"speaker {detail}"
    if dimension == "outlet":
        return f"outlet {detail}"
    return f"keyword '{detail}'"


def _other_reasons(claim: Claim, min_score: float, has_kinds: bool, repeats: bool, new_speaker: bool) -> list[str]:
    reasons = []
    if has_kinds:
        reasons.append(f"kind: {claim.get_kind_display().lower()}")
    if min_score > 0:
        reasons.append(f"check-worthiness {claim.checkworthiness:.2f} (at least {min_score:.2f})")
    if repeats:
        reasons.append("repeats a claim we already rated")
    if new_speaker:
        reasons.append(f"new speaker {claim.speaker.name}" if claim.speaker else "new speaker")
    return reasons


def find_matches(*, claims: Sequence[Claim]) -> list[Match]:
    """Every (active subscription, claim) pair where all the subscription's filters accept the
    claim, with the reasons. Two queries (the active keywords, then the match), whatever the
    number of subscriptions."""
    if not claims:
        return []
    by_id = {claim.pk: claim for claim in claims}
    sql, params = _match_sql(claims=claims, hits=keyword_hits(claims, active_keywords()))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    selective: dict[tuple[int, int], list[tuple[int, str]]] = defaultdict(list)
    others: dict[tuple[int, int], tuple] = {}
    for subscription_id, claim_id, min_score, has_kinds, repeats, new_speaker, dimension, detail in rows:
        key = (int(subscription_id), int(claim_id))
        others[key] = (float(min_score), bool(has_kinds), bool(repeats), bool(new_speaker))
        if dimension is not None:
            selective[key].append((_DIMENSION_ORDER[dimension], _selective_reason(dimension, detail or "")))
    matches = []
    for key in sorted(others):
        claim = by_id[key[1]]
        reasons = [reason for _, reason in sorted(selective.get(key, []))]
        matches.append(Match(key[0], claim, reasons + _other_reasons(claim, *others[key])))
    return matches


# --- deduplication of syndicated copies ---------------------------------------------------------


def recently_alerted(*, fingerprints: Sequence[str], now: datetime | None = None) -> set[tuple[int, str]]:
    """(subscription, fingerprint) pairs alerted within FACTCHECK_ALERT_DEDUP_HOURS."""
    if not fingerprints:
        return set()
    since = (now or timezone.now()) - timedelta(hours=conf.dedup_hours())
    return set(
        AlertDelivery.objects.filter(claim_fingerprint__in=set(fingerprints), created_at__gte=since).values_list(
            "subscription_id", "claim_fingerprint"
        )
    )


# --- sending -------------------------------------------------------------------------------------


def ready_q(now: datetime) -> Q:
    """A pending delivery whose backoff (if any) has passed."""
    return Q(status=D.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def pending_immediate_batches(*, claim_ids: Sequence[int]) -> dict[tuple[int, int], list[int]]:
    """Pending deliveries of immediate subscriptions for these claims, grouped per
    (subscription, article): one email each."""
    rows = AlertDelivery.objects.filter(
        claim_id__in=claim_ids, status=D.PENDING, subscription__cadence=C.IMMEDIATE
    ).values_list("subscription_id", "claim__article_id", "pk")
    return _group(rows)


def retryable_immediate_batches(*, now: datetime, limit: int = 5000) -> dict[tuple[int, int], list[int]]:
    """Pending immediate deliveries whose retry time has come, or whose send task was lost
    (pending with no retry time for longer than the grace period)."""
    lost_before = now - timedelta(minutes=conf.lost_task_grace_minutes())
    rows = (
        AlertDelivery.objects.filter(status=D.PENDING, subscription__cadence=C.IMMEDIATE)
        .filter(Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created_at__lte=lost_before))
        .order_by("pk")
        .values_list("subscription_id", "claim__article_id", "pk")[:limit]
    )
    return _group(rows)


def _group(rows) -> dict[tuple[int, int], list[int]]:
    batches: dict[tuple[int, int], list[int]] = defaultdict(list)
    for subscription_id, article_id, delivery_id in rows:
        batches[(subscription_id, article_id)].append(delivery_id)
    return dict(batches)


def digest_slot(subscription: Subscription, *, now: datetime) -> datetime | None:
    return latest_slot(
        now=now,
        cadence=subscription.cadence,
        hour=subscription.digest_hour,
        weekday=subscription.digest_weekday,
        tz_name=subscription.timezone,
    )


def due_digest_subscription_ids(*, now: datetime | None = None) -> list[int]:
    """Digest subscriptions holding a ready delivery from before their latest slot. One query;
    only subscriptions with something to send are looked at."""
    now = now or timezone.now()
    ready = Q(deliveries__status=D.PENDING) & (
        Q(deliveries__next_attempt_at__isnull=True) | Q(deliveries__next_attempt_at__lte=now)
    )
    rows = (
        Subscription.objects.filter(active=True, cadence__in=[C.DAILY, C.WEEKLY])
        .annotate(oldest=Min("deliveries__created_at", filter=ready))
        .filter(oldest__isnull=False)
        .only("pk", "cadence", "digest_hour", "digest_weekday", "timezone")
    )
    due = []
    for subscription in rows:
        slot = digest_slot(subscription, now=now)
        if slot is not None and subscription.oldest < slot:
            due.append(subscription.pk)
    return due


def digest_delivery_ids(*, subscription: Subscription, now: datetime) -> list[int]:
    slot = digest_slot(subscription, now=now)
    if slot is None:
        return []
    return list(
        AlertDelivery.objects.filter(ready_q(now), subscription=subscription, created_at__lt=slot)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def deliveries_for_message(*, delivery_ids: Sequence[int]) -> list[AlertDelivery]:
    return list(
        AlertDelivery.objects.filter(pk__in=delivery_ids)
        .select_related("claim__speaker", "claim__article__outlet")
        .order_by("claim__article_id", "-claim__checkworthiness", "claim__content_start")
    )


def visible_subscriptions(*, user):
    """What a person may see and manage: their own subscriptions (superusers: everyone's)."""
    qs = Subscription.objects.select_related("owner")
    return qs if user.is_superuser else qs.filter(owner=user)


def visible_deliveries(*, user):
    qs = AlertDelivery.objects.select_related("subscription__owner", "claim__speaker")
    return qs if user.is_superuser else qs.filter(subscription__owner=user)
