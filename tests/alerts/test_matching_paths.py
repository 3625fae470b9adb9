"""The fast matcher (one statement per batch) and the plain one (a Python loop over every pair) are
two evaluations of one description of the rules (claims.selectors.alerts.FILTERS): on the same
generated data they must find the same matches with the same reasons. Runs on SQLite and, in CI,
on PostgreSQL, where keywords go through the database's full-text search."""
from __future__ import annotations

import random
from itertools import count

import pytest
from django.contrib.auth.models import User

from claims.models import Claim, Subscription, SubscriptionKeyword
from claims.selectors.alerts import find_matches, find_matches_plain
from claims.services.alerts import create_subscription
from tests.factories import ArticleFactory, ClaimFactory, OutletFactory, SpeakerFactory, UserFactory, rating

# Word forms and phrases, so the keyword rules (stems, stop words, order) are exercised too.
WORDS = ["tax", "taxes", "taxed", "taxation", "taxi", "wage", "wages", "minimum", "minimum-wage", "rents",
         "rent", "renting", "oil", "exports", "exported", "budget", "deficit", "the", "of", "cost", "living",
         "COVID-19", "vaccine", "vaccines", "tram", "fares"]
KEYWORDS = ["tax", "taxes", "minimum wage", "wage minimum", "rent", "oil exports", "export", "cost of living",
            "covid 19 vaccine", "deficit", "Budget", "tram fares", "living cost", "the deficit"]


def _generate(rng: random.Random) -> list[Claim]:
    outlets = [OutletFactory() for _ in range(3)]
    speakers = [SpeakerFactory() for _ in range(5)]
    # A merged speaker: its claims reach the subscribers of the speaker it was merged into.
    speakers[4].merged_into = speakers[0]
    speakers[4].save(update_fields=["merged_into"])
    earlier = ArticleFactory(outlet=outlets[0])
    rated = ClaimFactory(by_words=True, article=earlier, content="Taxes went up.", speaker=speakers[1],
                         status=Claim.Status.PUBLISHED, rating=rating("false"), conclusion="They did not.")
    ClaimFactory(article=earlier, content="Rents are falling.", content_start=100, speaker=speakers[2])
    owners = [UserFactory(groups=["Reader"]) for _ in range(3)]
    owners.append(UserFactory(groups=["Reader"], email=""))  # no address: never matched
    owners.append(UserFactory(groups=["Reader"], is_active=False))  # inactive: never matched
    for i in range(60):
        fields: dict = {}
        if rng.random() < 0.3:
            fields["speakers"] = [s.pk for s in rng.sample(speakers, rng.randint(1, 2))]
        if rng.random() < 0.2:
            fields["outlets"] = [rng.choice(outlets).pk]
        if rng.random() < 0.5:
            fields["keywords"] = rng.sample(KEYWORDS, rng.randint(1, 3))
        if rng.random() < 0.2:
            fields["kinds"] = rng.sample(list(Claim.Kind.values), rng.randint(1, 2))
        if rng.random() < 0.3:
            fields["min_checkworthiness"] = rng.choice([0.2, 0.5, 0.8])
        if rng.random() < 0.1:
            fields["repeats_rated_claim"] = True
        if rng.random() < 0.1:
            fields["new_speaker"] = True
        if not fields:
            fields["min_checkworthiness"] = 0.1
        owner = owners[i % 3]
        subscription = create_subscription(owner=owner, name=f"s{i}", **fields)
        if i % 10 == 9:
            Subscription.objects.filter(pk=subscription.pk).update(active=False)
    # Written behind the services' back: no filter at all (matches nothing), and rows of owners
    # who may not get mail.
    Subscription.objects.create(owner=owners[0], name="everything")
    for owner in owners[3:]:
        subscription = Subscription.objects.create(owner=owner, name="mail-less", keywords=["tax"])
        SubscriptionKeyword.objects.create(subscription=subscription, keyword="tax", normalized="tax")

    claims = []
    positions = count(0, 1000)
    for _ in range(4):
        article = ArticleFactory(outlet=rng.choice([*outlets, None]))
        for _ in range(12):
            if rng.random() < 0.1:
                content = rated.content  # a repeat of the rated claim
            else:
                content = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))).capitalize() + "."
            claim = ClaimFactory(
                by_words=True, article=article, content=content, content_start=next(positions),
                speaker=rng.choice([*speakers, None]),
                kind=rng.choice(list(Claim.Kind.values)), score=round(rng.random(), 2),
                same_as=rated if rng.random() < 0.05 else None,
            )
            claims.append(claim)
    return list(Claim.objects.filter(pk__in=[c.pk for c in claims]).select_related("speaker", "article__outlet"))


def _pairs(matches) -> list[tuple[int, int, list[str]]]:
    return sorted((m.subscription_id, m.claim.pk, m.reasons) for m in matches)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_fast_and_the_plain_matcher_agree_on_generated_data(seed, db):
    claims = _generate(random.Random(seed))
    fast = _pairs(find_matches(claims=claims))
    plain = _pairs(find_matches_plain(claims=claims))
    assert fast == plain
    # Enough of every kind of reason for the comparison to mean something.
    reasons = {reason.split(" ")[0] for _, _, found in fast for reason in found}
    assert {"speaker", "outlet", "keyword", "kind:", "check-worthiness"} <= reasons
    assert len(fast) >= 30


def test_word_forms_and_phrases_match_in_both_matchers(db):
    owner = UserFactory(groups=["Reader"])
    tax = create_subscription(owner=owner, name="tax", keywords=["tax"])
    wage = create_subscription(owner=owner, name="wage", keywords=["minimum wage"])
    living = create_subscription(owner=owner, name="living", keywords=["cost of living"])
    article = ArticleFactory()
    contents = {
        "taxes": "Taxes will rise next year.",
        "taxed": "Fuel is taxed twice.",
        "taxi": "Taxi fares doubled.",
        "wage": "The minimum wage is too low.",
        "hyphen": "A minimum-wage rise is coming.",
        "reversed": "Wage minimums are a myth.",
        "living": "The cost of living rose by 5%.",
        "apart": "Living costs rose.",
    }
    claims = {key: ClaimFactory(article=article, content=text, content_start=i * 100)
              for i, (key, text) in enumerate(contents.items())}
    loaded = list(Claim.objects.filter(article=article).select_related("speaker", "article__outlet"))
    for matcher in (find_matches, find_matches_plain):
        found: dict[int, set[int]] = {}
        for match in matcher(claims=loaded):
            found.setdefault(match.subscription_id, set()).add(match.claim.pk)
        assert found[tax.pk] == {claims["taxes"].pk, claims["taxed"].pk}, matcher.__name__
        assert found[wage.pk] == {claims["wage"].pk, claims["hyphen"].pk}, matcher.__name__
        assert found[living.pk] == {claims["living"].pk}, matcher.__name__


def test_a_keyword_of_common_words_only_is_refused(db):
    from claims.services.errors import InvalidInput

    owner = UserFactory(groups=["Reader"])
    with pytest.raises(InvalidInput, match="common words"):
        create_subscription(owner=owner, name="nothing", keywords=["the", "of the"])
    assert not Subscription.objects.exists()
    assert User.objects.filter(pk=owner.pk).exists()


def test_the_email_shows_where_a_keyword_matched(smtp_server, subscriber, django_capture_on_commit_callbacks):
    create_subscription(owner=subscriber, name="Tax and wages", keywords=["tax", "minimum wage"])
    article = ArticleFactory(title="Budget day")
    claim = ClaimFactory(article=article, content="Taxes on the minimum-wage earner <b>doubled</b>, he said.")
    with django_capture_on_commit_callbacks(execute=True):
        from claims.services.alerts import queue_alerts_for_claims

        queue_alerts_for_claims(claim_ids=[claim.pk])

    received = smtp_server.messages[0]
    text, html = received.part("text/plain"), received.part("text/html")
    assert "Taxes on the minimum-wage earner <b>doubled</b>, he said." in text  # the quote as said
    assert "Matched: **Taxes**, **minimum-wage**" in text
    assert ">Taxes</mark> on the <mark" in html and ">minimum-wage</mark> earner &lt;b&gt;doubled" in html
    assert "keyword 'tax'" in text and "keyword 'minimum wage'" in text
