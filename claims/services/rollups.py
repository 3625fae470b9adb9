"""Keeping the daily roll-ups (claims.models.rollups) current.

Why: the dashboard, the home page's queue and /metrics used to COUNT the whole claims table on
every view, which grows with the archive (seconds at ten million claims). The roll-ups hold one
row per day x status x kind x rating (and per day x speaker): a few tens of thousands of rows
after years, whatever the number of claims.

Every change that moves a claim between those keys calls one function here inside its own
transaction, so the counts commit or roll back with the change: new claims (the pipeline),
a workflow move (status, rating), a speaker change or merge, a deletion. Increments are upserts
(`INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n`, on PostgreSQL and SQLite alike) in
key order, so concurrent workers never deadlock on them. `rebuild_rollups` recomputes them from
the claims (`manage.py rebuild_rollups`), for an upgrade or after a bulk repair.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Model, QuerySet, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from claims.models import Claim, ClaimDailyCount, SpeakerDailyCount

ClaimKey = tuple[dt.date, str, str, int]  # day, status, kind, rating pk (0: none)


def _day(created_at: dt.datetime | None) -> dt.date:
    return timezone.localdate(created_at or timezone.now())


def claim_key(claim: Claim, *, status: str | None = None, rating_id: int | None = -1) -> ClaimKey:
    """The roll-up key of `claim`, or of the claim as it was (`status`, `rating_id` given)."""
    rating = claim.rating_id if rating_id == -1 else rating_id
    return (_day(claim.created_at), status or claim.status, claim.kind, rating or 0)


def _upsert(table: str, key_columns: tuple[str, ...], deltas: Counter) -> None:
    rows = sorted((key, n) for key, n in deltas.items() if n)
    if not rows:
        return
    columns = ", ".join((*key_columns, "n"))
    placeholders = ", ".join(["(" + ", ".join(["%s"] * (len(key_columns) + 1)) + ")"] * len(rows))
    params: list = []
    for key, n in rows:
        params += [*key, n]
    with connection.cursor() as cursor:
        # Table and column names are the models' own; every value is a parameter.
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {placeholders} "  # noqa: S608
            f"ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET n = {table}.n + excluded.n",
            params,
        )


def _apply(claim_deltas: Counter, speaker_deltas: Counter) -> None:
    with transaction.atomic():
        _upsert(ClaimDailyCount._meta.db_table, ("day", "status", "kind", "rating_pk"), claim_deltas)
        _upsert(SpeakerDailyCount._meta.db_table, ("day", "speaker_pk"), speaker_deltas)


def count_new_claims(*, claims: Iterable[Claim]) -> None:
    """The pipeline stored `claims` (call inside the transaction that inserted them)."""
    by_key: Counter = Counter()
    by_speaker: Counter = Counter()
    for claim in claims:
        by_key[claim_key(claim)] += 1
        if claim.speaker_id:
            by_speaker[(_day(claim.created_at), claim.speaker_id)] += 1
    _apply(by_key, by_speaker)


def count_deleted_claims(*, claims: Iterable[Claim]) -> None:
    by_key: Counter = Counter()
    by_speaker: Counter = Counter()
    for claim in claims:
        by_key[claim_key(claim)] -= 1
        if claim.speaker_id:
            by_speaker[(_day(claim.created_at), claim.speaker_id)] -= 1
    _apply(by_key, by_speaker)


def count_move(*, claim: Claim, from_status: str, from_rating_id: int | None) -> None:
    """A workflow move changed `claim`'s status (and maybe its rating) from these."""
    before = claim_key(claim, status=from_status, rating_id=from_rating_id)
    after = claim_key(claim)
    if before != after:
        _apply(Counter({before: -1, after: 1}), Counter())


def count_speaker_change(*, claim: Claim, from_speaker_id: int | None) -> None:
    if from_speaker_id == claim.speaker_id:
        return
    day = _day(claim.created_at)
    deltas: Counter = Counter()
    if from_speaker_id:
        deltas[(day, from_speaker_id)] -= 1
    if claim.speaker_id:
        deltas[(day, claim.speaker_id)] += 1
    _apply(Counter(), deltas)


def recount_speakers(*, speaker_ids: Iterable[int]) -> None:
    """Recompute the speaker rows of these speakers from their claims (after a merge moved many
    claims at once): one indexed read per speaker (claim_speaker_recent_idx)."""
    ids = sorted(set(speaker_ids))
    with transaction.atomic():
        SpeakerDailyCount.objects.filter(speaker_pk__in=ids).delete()
        rows = (Claim.objects.filter(speaker_id__in=ids).annotate(day=TruncDate("created_at"))
                .values("day", "speaker_id").annotate(total=Count("id")))
        SpeakerDailyCount.objects.bulk_create(
            [SpeakerDailyCount(day=r["day"], speaker_pk=r["speaker_id"], n=r["total"]) for r in rows], batch_size=1000)


def _since(queryset: QuerySet[Claim], since: dt.date | None) -> QuerySet[Claim]:
    if since is None:
        return queryset
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    return queryset.filter(created_at__gte=start)


def rebuild_rollups(*, since: dt.date | None = None) -> tuple[int, int]:
    """Recompute the roll-ups from the claims (every day, or the days from `since` on); returns the
    number of rows written to each table. One GROUP BY over the claims: for upgrades and repairs,
    never for a page."""
    claims = _since(Claim.objects.order_by(), since).annotate(day=TruncDate("created_at"))
    by_key = claims.values("day", "status", "kind", "rating_id").annotate(total=Count("id"))
    by_speaker = claims.filter(speaker__isnull=False).values("day", "speaker_id").annotate(total=Count("id"))
    with transaction.atomic():
        daily, speakers = ClaimDailyCount.objects.all(), SpeakerDailyCount.objects.all()
        if since is not None:
            daily, speakers = daily.filter(day__gte=since), speakers.filter(day__gte=since)
        daily.delete()
        speakers.delete()
        # INSERT ... SELECT: the rows never pass through Python (millions of speaker-days).
        written = _insert_select(ClaimDailyCount, ("day", "status", "kind", "rating_pk", "n"),
                                 by_key.annotate(rating=Coalesce("rating_id", Value(0))).values_list(
                                     "day", "status", "kind", "rating", "total"))
        speaker_rows = _insert_select(SpeakerDailyCount, ("day", "speaker_pk", "n"),
                                      by_speaker.values_list("day", "speaker_id", "total"))
    return written, speaker_rows


def _insert_select(model: type[Model], columns: tuple[str, ...], queryset: QuerySet) -> int:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) {sql}", params)
        return cursor.rowcount
