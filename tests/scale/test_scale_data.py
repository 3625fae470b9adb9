"""bench/scale_data.py at a small size: it fills every table `make bench-scale` reads, with every
workflow status, claims whose offsets point into their article's text, roll-ups equal to a recount,
the indexes it dropped for the load built again, and the same rows for the same seed (issue 20)."""
from __future__ import annotations

import hashlib

import pytest
from django.db import connection

from bench.scale_data import BIG_TABLES, Generator, connect, secondary_indexes
from claims.models import Claim, ClaimDailyCount, ClaimTransition, Evidence, Subscription
from claims.services.rollups import rebuild_rollups

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the generator loads PostgreSQL with COPY"),
]
CLAIM_TABLES = ("claims_claim", "claims_article", "claims_historicalclaim", "claims_claimtransition",
                "claims_evidence", "claims_note", "claims_claimcontribution", "claims_subscriptionkeyword",
                "claims_subscription_speakers", "claims_subscription_outlets", "claims_subscription",
                "claims_speaker", "claims_outlet", "claims_claimdailycount", "claims_speakerdailycount")


def digest() -> str:
    rows = Claim.objects.order_by("pk").values_list("pk", "content", "status", "speaker_id", "article_id", "created_at")
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def index_names() -> dict[str, list[str]]:
    with connect() as conn:
        return {table: sorted(name for name, _ in secondary_indexes(conn.cursor(), table)) for table in BIG_TABLES}


def generate() -> dict[str, int]:
    return Generator(600, seed=5, n_subscriptions=150, log=lambda message: None).run()


def test_a_small_archive_is_complete_consistent_and_reproducible():
    indexes_before = index_names()
    counts = generate()
    assert counts["claims"] == Claim.objects.count() == 600
    assert set(Claim.objects.values_list("status", flat=True)) == {s for s, _ in Claim.Status.choices}
    assert ClaimTransition.objects.exists() and Evidence.objects.exists()
    assert Claim.objects.filter(status__in=["published", "corrected"], rating__isnull=True).count() == 0
    assert Subscription.objects.filter(active=True).count() == 150
    with connection.cursor() as cursor:
        cursor.execute("""SELECT count(*) FROM claims_claim c JOIN claims_article a ON a.id = c.article_id
                          WHERE substr(a.text, c.content_start + 1, c.content_end - c.content_start) <> c.content""")
        assert cursor.fetchone()[0] == 0
    assert sum(ClaimDailyCount.objects.values_list("n", flat=True)) == 600
    kept = sorted(ClaimDailyCount.objects.values_list("day", "status", "kind", "rating_pk", "n"))
    rebuild_rollups()
    assert kept == sorted(ClaimDailyCount.objects.values_list("day", "status", "kind", "rating_pk", "n"))
    assert index_names() == indexes_before
    first = digest()

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(CLAIM_TABLES)} CASCADE")
    generate()
    assert digest() == first
