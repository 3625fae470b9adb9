"""Reads behind email alerts: which subscriptions a batch of new claims matches, which digests
are due, which deliveries need another try. No writes here.

The rules of matching are described once (FILTERS and SELECTIVE below) and evaluated two ways:
find_matches_plain() loops over every pair in Python; find_matches(), the one in use, is two
statements whatever the number of subscriptions. First the keyword hits: which normalised
keywords of active subscriptions each claim matches, in word forms and as phrases
(claims.alerts.terms; PostgreSQL's full-text search with the English configuration where it
runs). Then one SQL statement, in two steps:

1. Candidates. The selective dimensions (speaker, outlet, keyword) each produce the
   (subscription, claim) pairs they accept through an indexed join: speakers and outlets by id,
   keywords by equality between normalised keywords and the claims' keyword hits. A pair is
   kept when the number of these dimensions that accepted it equals the number the subscription
   has set ("all non-empty filter dimensions must match", as a count). Subscriptions with none of
   the three (only a kind, a score or a flag) pair with every claim of the batch.
2. Verification. The cheap per-pair conditions (FILTERS: kind, minimum score, the two flags)
   filter the candidates.

So a subscription that no selective dimension brought up is never looked at, unless it has no
selective filter at all; and a subscription with no filter whatsoever (refused by the services)
can never match.
"""
from __future__ import annotations

import functools
import gc
import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import BooleanField, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from claims.alerts import conf
from claims.alerts.schedule import latest_slot
from claims.alerts.terms import KeywordIndex
from claims.models import AlertDelivery, Article, Claim, Outlet, Speaker, Subscription, SubscriptionKeyword

D = AlertDelivery.Status
C = Subscription.Cadence


@dataclass
class Match:
    subscription_id: int
    claim: Claim
    reasons: list[str] = field(default_factory=list)


# --- the rules: what makes a subscription match a claim ------------------------------------------
#
# One description, two evaluations. FILTERS below names each filter a subscription may set: how
# its SQL reads (for the fast path, one statement per batch) and how it reads in Python (for the
# plain path, a loop over every pair). The two facts that need other rows, "repeats a rated claim"
# and "new speaker", are written once, as querysets: the plain path runs them, the fast path
# embeds their SQL. tests/alerts/test_matching_paths.py runs both paths on the same generated
# data and compares the matches and their reasons.


def _repeating_rated(claim_ids: Sequence[int]) -> QuerySet[Claim]:
    """Claims whose words we already rated elsewhere (same fingerprint) or that an editor linked
    (same_as) to a rated claim."""
    rated_twin = Claim.objects.filter(fingerprint=OuterRef("fingerprint"), rating__isnull=False).exclude(
        pk=OuterRef("pk")
    )
    return Claim.objects.filter(pk__in=claim_ids).filter(Q(same_as__rating__isnull=False) | Q(Exists(rated_twin)))


def _by_new_speaker(claim_ids: Sequence[int]) -> QuerySet[Claim]:
    """Claims by a speaker with no earlier claim in another article: every claim of that speaker
    in the article where they first appear counts as 'new speaker'."""
    earlier = (
        Claim.objects.filter(speaker_id=OuterRef("speaker_id"), created_at__lt=OuterRef("created_at"))
        .exclude(article_id=OuterRef("article_id"))
    )
    return Claim.objects.filter(pk__in=claim_ids, speaker__isnull=False).exclude(Exists(earlier))


def repeating_rated_claim_ids(*, claim_ids: Sequence[int]) -> set[int]:
    return set(_repeating_rated(claim_ids).values_list("pk", flat=True))


def new_speaker_claim_ids(*, claim_ids: Sequence[int]) -> set[int]:
    return set(_by_new_speaker(claim_ids).values_list("pk", flat=True))


@dataclass(frozen=True)
class Facts:
    """What the plain path knows about a batch beyond the claims' own fields."""

    repeats: set[int]
    newcomers: set[int]
    keywords: dict[int, set[str]]  # claim id -> the normalised keywords it matches


@dataclass(frozen=True)
class Filter:
    """A filter that is checked pair by pair (the cheap ones)."""

    name: str
    sql_is_set: str  # over the subscription row `s` (a dialect's piece in {braces})
    sql_accepts: str  # over `s` and the claim row `c`; {repeats}/{newcomers}: the facts' subqueries
    is_set: Callable[[Subscription], bool]
    accepts: Callable[[Subscription, Claim, Facts], bool]
    reason: Callable[[Subscription, Claim], str]


def _new_speaker_reason(_s: Subscription, claim: Claim) -> str:
    return f"new speaker {claim.speaker.name}" if claim.speaker else "new speaker"


FILTERS: tuple[Filter, ...] = (
    Filter("kinds", "{has_kinds}", "{kind_in}",
           lambda s: bool(s.kinds), lambda s, c, f: c.kind in s.kinds,
           lambda s, c: f"kind: {c.get_kind_display().lower()}"),
    Filter("min_checkworthiness", "s.min_checkworthiness > 0", "c.checkworthiness >= s.min_checkworthiness",
           lambda s: s.min_checkworthiness > 0, lambda s, c, f: c.checkworthiness >= s.min_checkworthiness,
           lambda s, c: f"check-worthiness {c.checkworthiness:.2f} (at least {s.min_checkworthiness:.2f})"),
    Filter("repeats_rated_claim", "s.repeats_rated_claim", "c.id IN ({repeats})",
           lambda s: s.repeats_rated_claim, lambda s, c, f: c.pk in f.repeats,
           lambda s, c: "repeats a claim we already rated"),
    Filter("new_speaker", "s.new_speaker", "c.id IN ({newcomers})",
           lambda s: s.new_speaker, lambda s, c, f: c.pk in f.newcomers, _new_speaker_reason),
)
# The selective filters, in the order the "why it matched" line reads (who, where, what). Each one
# brings up its (subscription, claim) pairs through an indexed join in the fast path.
SELECTIVE = ("speaker", "outlet", "keyword")


def _speaker_details(s: Subscription, claim: Claim, facts: Facts) -> list[str]:
    # A merged speaker's claims also reach subscribers of the speaker it was merged into.
    ids = {claim.speaker_id, claim.speaker.merged_into_id if claim.speaker else None} - {None}
    return sorted(sp.name for sp in s.speakers.all() if sp.pk in ids)


def _outlet_details(s: Subscription, claim: Claim, facts: Facts) -> list[str]:
    return sorted(o.name for o in s.outlets.all() if o.pk == claim.article.outlet_id)


def _keyword_details(s: Subscription, claim: Claim, facts: Facts) -> list[str]:
    hits = facts.keywords.get(claim.pk, set())
    return sorted(k.keyword for k in s.keyword_terms.all() if k.normalized in hits)


# Per selective filter: is it set (plain path), and which of its values accept the claim.
Details = Callable[[Subscription, Claim, Facts], list[str]]
_SELECTIVE_PLAIN: dict[str, tuple[Callable[[Subscription], bool], Details]] = {
    "speaker": (lambda s: bool(s.speakers.all()), _speaker_details),
    "outlet": (lambda s: bool(s.outlets.all()), _outlet_details),
    "keyword": (lambda s: bool(s.keyword_terms.all()), _keyword_details),
}


def _selective_reason(dimension: str, detail: str) -> str:
    if dimension == "speaker":
        return f"speaker {detail}"
    if dimension == "outlet":
        return f"outlet {detail}"
    return f"keyword '{detail}'"


# --- keywords: word forms and phrases -----------------------------------------------------------

# PostgreSQL reads a claim through the same cut as claims.alerts.terms.tokens(): letters and
# digits only, so "minimum-wage" and "COVID-19" are words on both sides.
_PG_VECTOR = "to_tsvector('english'::regconfig, regexp_replace({text}, '[^[:alnum:]]+', ' ', 'g'))"
# The lexemes of a keyword, as migration 0017 indexes them (GIN), so the claim's lexemes find the
# keywords that contain them without reading every keyword.
_PG_KEYWORD_LEXEMES = "tsvector_to_array(to_tsvector('english'::regconfig, {normalized}))"


def active_keywords() -> set[str]:
    """The distinct normalised keywords of active subscriptions: a few thousand short strings even
    for a large newsroom."""
    return set(
        SubscriptionKeyword.objects.filter(subscription__active=True).values_list("normalized", flat=True).distinct()
    )


def _pg_keyword_hits(claims: Sequence[Claim], keywords: Sequence[str] | None) -> list[list[Any]]:
    """PostgreSQL's full-text search decides: a claim's lexemes find the candidate keywords (every
    active subscription's through the index, or the given ones), then each candidate is checked as
    a phrase, `vector @@ phraseto_tsquery('english', keyword)`. One statement."""
    t = _tables()
    ids = sorted(claim.pk for claim in claims)
    if keywords is None:
        candidates = f"""SELECT DISTINCT lx.claim_id, k.normalized FROM lx
            JOIN {t['keyword']} k ON {_PG_KEYWORD_LEXEMES.format(normalized='k.normalized')} @> ARRAY[lx.lexeme]
            JOIN {t['sub']} s ON s.id = k.subscription_id AND s.active"""  # noqa: S608 - names from the models
        params: list[Any] = [*ids]
    else:
        # The given keywords' lexemes, worked out once each, then joined on equality.
        candidates = f"""SELECT DISTINCT lx.claim_id, kl.normalized FROM lx
            JOIN (SELECT kw.normalized, unnest({_PG_KEYWORD_LEXEMES.format(normalized='kw.normalized')}) AS lexeme
                  FROM unnest(%s::text[]) AS kw(normalized)) kl ON kl.lexeme = lx.lexeme"""  # noqa: S608
        params = [*ids, list(keywords)]
    sql = f"""
    WITH v AS MATERIALIZED (
        SELECT c.id AS claim_id, {_PG_VECTOR.format(text='c.content')} AS vec
        FROM {t['claim']} c WHERE c.id IN ({_in_list(ids)})
    ),
    lx AS (
        SELECT DISTINCT v.claim_id, l.lexeme FROM v CROSS JOIN LATERAL unnest(tsvector_to_array(v.vec)) AS l(lexeme)
    ),
    candidates AS ({candidates})
    SELECT candidates.claim_id, candidates.normalized FROM candidates JOIN v ON v.claim_id = candidates.claim_id
    WHERE v.vec @@ phraseto_tsquery('english'::regconfig, candidates.normalized)
    ORDER BY 1, 2
    """  # noqa: S608 - table names from the models' meta; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [[int(claim_id), term] for claim_id, term in cursor.fetchall()]


def keyword_hits(claims: Sequence[Claim], keywords: set[str]) -> list[list[Any]]:
    """[claim id, keyword] for every one of `keywords` (normalised) that a claim matches, in word
    forms and as a phrase (claims.alerts.terms): PostgreSQL's full-text search where it runs,
    the same rules in Python elsewhere."""
    if not keywords or not claims:
        return []
    if connection.vendor == "postgresql":
        return _pg_keyword_hits(claims, sorted(keywords))
    index = KeywordIndex(keywords)
    return [[claim.pk, term] for claim in claims for term in sorted(index.find(claim.content))]


def active_keyword_hits(claims: Sequence[Claim]) -> list[list[Any]]:
    """keyword_hits() against every active subscription's keywords, in one query."""
    if not claims:
        return []
    if connection.vendor == "postgresql":
        return _pg_keyword_hits(claims, None)
    return keyword_hits(claims, active_keywords())


# --- the fast path: one statement ---------------------------------------------------------------


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
        "terms": "SELECT (t.value->>0)::bigint AS claim_id, t.value->>1 AS term "
                 "FROM jsonb_array_elements(%s::jsonb) AS t",
        "kind_in": "s.kinds @> jsonb_build_array(c.kind)",
        "has_kinds": "(jsonb_typeof(s.kinds) = 'array' AND jsonb_array_length(s.kinds) > 0)",
    },
    "sqlite": {
        "terms": "SELECT json_extract(t.value, '$[0]') AS claim_id, json_extract(t.value, '$[1]') AS term "
                 "FROM json_each(%s) AS t",
        "kind_in": "EXISTS (SELECT 1 FROM json_each(s.kinds) AS k WHERE k.value = c.kind)",
        "has_kinds": "json_array_length(s.kinds) > 0",
    },
}


def _in_list(values: Sequence[int]) -> str:
    return ", ".join(["%s"] * len(values))


def _match_sql(*, claims: Sequence[Claim], hits: list[list[Any]]) -> tuple[str, list[Any]]:
    t = _tables()
    d = _DIALECT[connection.vendor]
    claim_ids = sorted(claim.pk for claim in claims)
    ids = _in_list(claim_ids)
    # Table and column names come from the models' meta; every value below is a parameter.
    has_speakers = f"EXISTS (SELECT 1 FROM {t['sub_speakers']} x2 WHERE x2.{t['ss_sub']} = s.id)"  # noqa: S608
    has_outlets = f"EXISTS (SELECT 1 FROM {t['sub_outlets']} y2 WHERE y2.{t['so_sub']} = s.id)"  # noqa: S608
    has_keywords = f"EXISTS (SELECT 1 FROM {t['keyword']} k2 WHERE k2.subscription_id = s.id)"  # noqa: S608
    # The facts' querysets, embedded as uncorrelated subqueries (run once, not per pair).
    repeats_sql, repeats_params = _repeating_rated(claim_ids).values("pk").query.sql_with_params()
    newcomers_sql, newcomers_params = _by_new_speaker(claim_ids).values("pk").query.sql_with_params()
    pieces = {**d, "repeats": repeats_sql, "newcomers": newcomers_sql}
    filter_params = {"repeats_rated_claim": list(repeats_params), "new_speaker": list(newcomers_params)}
    some_filter_set = " OR ".join(f.sql_is_set.format(**pieces) for f in FILTERS)
    filters_accept = "\n          AND ".join(
        f"(NOT {f.sql_is_set.format(**pieces)} OR {f.sql_accepts.format(**pieces)})" for f in FILTERS
    )
    # The filters' own settings come back with each match: its reasons are worded from them.
    filter_columns = ", ".join(f"s.{f.name}" for f in FILTERS)
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
        -- No selective filter: every claim of the batch is a candidate, if some other filter is set
        -- (a subscription with no filter at all matches nothing).
        SELECT s.id AS subscription_id, c.id AS claim_id
        FROM {t['sub']} s CROSS JOIN {t['claim']} c
        WHERE c.id IN ({ids}) AND s.active
          AND NOT {has_speakers} AND NOT {has_outlets} AND NOT {has_keywords}
          AND ({some_filter_set})
    ),
    matched AS (
        SELECT m.subscription_id, m.claim_id, {filter_columns}
        FROM (SELECT subscription_id, claim_id FROM anchored
              UNION ALL SELECT subscription_id, claim_id FROM unanchored) m
        JOIN {t['sub']} s ON s.id = m.subscription_id
        JOIN {t['claim']} c ON c.id = m.claim_id
        JOIN {t['user']} u ON u.id = s.owner_id
        WHERE s.active AND u.is_active AND u.email <> ''
          -- "quote changed in the source" subscriptions hear about quote changes, not new claims
          -- (claims.services.quote_change_alerts).
          AND NOT s.quote_changed
          AND {filters_accept}
    )
    SELECT m.*, h.dimension, h.detail
    FROM matched m
    LEFT JOIN selective h ON h.subscription_id = m.subscription_id AND h.claim_id = m.claim_id
    """  # noqa: S608 - see above
    params = [*claim_ids, *claim_ids, json.dumps(hits), *claim_ids]
    for f in FILTERS:  # in the order their subqueries stand in `filters_accept`
        params += filter_params.get(f.name, [])
    return sql, params


_ORDER = {name: i for i, name in enumerate(SELECTIVE)}


def _reasons(selective: list[tuple[str, str]], subscription: Any, claim: Claim,
             memo: dict[tuple[Any, ...], str] | None = None) -> list[str]:
    """The 'why it matched' line: who, where, what, then the finer filters (the same words for both
    paths). `memo` keeps the finer filters' words for a claim and a setting: thousands of matches
    share a few dozen of them, and wording each again was most of a batch's time in Python."""
    head = [_selective_reason(dim, detail) for dim, detail in sorted(selective, key=lambda p: (_ORDER[p[0]], p[1]))]
    for f in FILTERS:
        if not f.is_set(subscription):
            continue
        if memo is None:
            head.append(f.reason(subscription, claim))
            continue
        setting = getattr(subscription, f.name)
        key = (f.name, claim.pk, tuple(setting) if isinstance(setting, list) else setting)
        words = memo.get(key)
        if words is None:
            words = memo[key] = f.reason(subscription, claim)
        head.append(words)
    return head


def find_matches(*, claims: Sequence[Claim]) -> list[Match]:
    """Every (active subscription, claim) pair where all the subscription's filters accept the
    claim, with the reasons. Two queries (the keyword hits, then the match), whatever the number
    of subscriptions."""
    if not claims:
        return []
    by_id = {claim.pk: claim for claim in claims}
    sql, params = _match_sql(claims=claims, hits=active_keyword_hits(claims))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    with _collector_paused():
        selective: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
        settings: dict[int, Any] = {}
        pairs: set[tuple[int, int]] = set()
        for subscription_id, claim_id, *values, dimension, detail in rows:
            key = (int(subscription_id), int(claim_id))
            pairs.add(key)
            if key[0] not in settings:
                settings[key[0]] = _filter_settings(values)
            if dimension is not None:
                selective[key].append((dimension, detail or ""))
        memo: dict[tuple[Any, ...], str] = {}
        return [
            Match(key[0], by_id[key[1]], _reasons(selective.get(key, []), settings[key[0]], by_id[key[1]], memo))
            for key in sorted(pairs)
        ]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a batch's matches are built. Tens of thousands
    of small lists and tuples (none in a cycle) set off full collections, each walking a worker's
    whole heap (the spaCy model included): measured at 10,000 subscriptions, a third of the
    matcher's time (bench/alerts_bench.py: 355 ms with it running, 225 ms paused). Reference
    counting still frees everything; the collector runs again as soon as the batch is built."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _filter_settings(values: list[Any]) -> Any:
    """A matched subscription's FILTERS settings as the fast path reads them back: all the reasons
    are worded from (a plain namespace: building a model instance per match cost more than the query)."""
    fields: dict[str, Any] = {}
    booleans = _boolean_filters()
    for f, value in zip(FILTERS, values, strict=True):
        if f.name == "kinds":
            value = json.loads(value) if isinstance(value, str) else value
        elif f.name in booleans:
            value = bool(value)
        fields[f.name] = value
    return SimpleNamespace(**fields)


@functools.cache
def _boolean_filters() -> frozenset[str]:
    # Asked once per process: looking the field up for every matched subscription was most of the
    # time a batch spent reading settings back.
    return frozenset(f.name for f in FILTERS if isinstance(Subscription._meta.get_field(f.name), BooleanField))


# --- the plain path: a loop over every pair -----------------------------------------------------


def find_matches_plain(*, claims: Sequence[Claim]) -> list[Match]:
    """The same matches as find_matches(), found the slow, obvious way: every active subscription
    loaded with its filters and every (subscription, claim) pair checked in Python with FILTERS.
    Kept to test the fast path against (and as the benchmark's baseline)."""
    if not claims:
        return []
    # "quote changed in the source" subscriptions hear about quote changes, not new claims
    # (claims.services.quote_change_alerts), as in the fast path.
    subscriptions = Subscription.objects.filter(active=True, owner__is_active=True, quote_changed=False).exclude(
        owner__email=""
    )
    return match_each_pair(subscriptions=subscriptions, claims=claims)


def match_each_pair(
    *, subscriptions: QuerySet[Subscription], claims: Sequence[Claim], match_unfiltered: bool = False
) -> list[Match]:
    """Every (subscription, claim) pair that all the subscription's filters accept, checked in Python
    with FILTERS and SELECTIVE: the plain path above, and the few "quote changed in the source"
    subscriptions (claims.services.quote_change_alerts), whose other filters mean what they mean
    here. `match_unfiltered`: a subscription with none of these filters matches every claim (for
    those, "quote changed" is the filter); otherwise it matches nothing."""
    if not claims:
        return []
    ids = [claim.pk for claim in claims]
    rows = list(subscriptions.prefetch_related("speakers", "outlets", "keyword_terms").order_by("pk"))
    keywords = {k.normalized for s in rows for k in s.keyword_terms.all()}
    hits: dict[int, set[str]] = defaultdict(set)
    for claim_id, term in keyword_hits(claims, keywords):
        hits[int(claim_id)].add(term)
    facts = Facts(
        repeats=repeating_rated_claim_ids(claim_ids=ids), newcomers=new_speaker_claim_ids(claim_ids=ids),
        keywords=dict(hits),
    )
    matches = []
    for subscription in rows:
        chosen = [name for name in SELECTIVE if _SELECTIVE_PLAIN[name][0](subscription)]
        pair_filters = [f for f in FILTERS if f.is_set(subscription)]
        if not chosen and not pair_filters and not match_unfiltered:
            continue  # no filter at all: matches nothing
        for claim in sorted(claims, key=lambda c: c.pk):
            details = {name: _SELECTIVE_PLAIN[name][1](subscription, claim, facts) for name in chosen}
            if not all(details.values()):
                continue
            if not all(f.accepts(subscription, claim, facts) for f in pair_filters):
                continue
            selective = [(name, detail) for name, found in details.items() for detail in found]
            matches.append(Match(subscription.pk, claim, _reasons(selective, subscription, claim)))
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
