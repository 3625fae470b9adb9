"""Matching new claims to subscriptions: every chosen filter must match, reasons say why, each
claim is alerted once per subscription, and the query count does not grow with subscriptions."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from claims.models import AlertDelivery, Claim, Rating, Subscription, SubscriptionKeyword
from claims.selectors.alerts import find_matches
from claims.services.alerts import create_subscription, queue_alerts_for_claims


@pytest.fixture(autouse=True)
def _no_sending(monkeypatch):
    """These tests are about which deliveries exist; sending is tested elsewhere."""
    monkeypatch.setattr("claims.services.alerts._enqueue", lambda batches: None)


def delivered(subscription: Subscription) -> set[int]:
    return set(AlertDelivery.objects.filter(subscription=subscription).values_list("claim_id", flat=True))


def test_a_speaker_subscription_gets_that_speakers_claims_only(
    subscriber, yang, other_speaker, make_article, make_claim
):
    subscription = create_subscription(owner=subscriber, name="Yang", speakers=[yang.pk])
    article = make_article()
    his = make_claim(article, "Sanctions have cut oil exports by half.", speaker=yang)
    hers = make_claim(article, "Sanctions have failed.", speaker=other_speaker)
    queue_alerts_for_claims(claim_ids=[his.pk, hers.pk])
    assert delivered(subscription) == {his.pk}
    assert AlertDelivery.objects.get().reasons == ["speaker Yang Moo-jin"]


def test_a_claim_that_matches_no_subscription_creates_nothing(
    subscriber, yang, other_speaker, make_article, make_claim
):
    create_subscription(owner=subscriber, name="Yang", speakers=[yang.pk], keywords=["sanctions"])
    claim = make_claim(make_article(), "Oil exports are up.", speaker=yang)
    queue_alerts_for_claims(claim_ids=[claim.pk])
    assert not AlertDelivery.objects.exists()


def test_every_filter_the_subscriber_set_must_match(subscriber, yang, other_speaker, make_article, make_claim):
    subscription = create_subscription(
        owner=subscriber,
        name="Strict",
        speakers=[yang.pk],
        keywords=["sanctions"],
        kinds=["direct"],
        min_checkworthiness=0.6,
    )
    article = make_article()
    hit = make_claim(article, "The sanctions cost us 3 billion dollars.", speaker=yang, score=0.8)
    wrong_speaker = make_claim(
        article, "The sanctions cost us 3 billion dollars, she said.", speaker=other_speaker, score=0.8
    )
    wrong_word = make_claim(article, "Exports cost us 3 billion dollars.", speaker=yang, score=0.8)
    wrong_kind = make_claim(
        article, "The sanctions cost them dearly.", speaker=yang, score=0.8, kind=Claim.Kind.INDIRECT
    )
    too_dull = make_claim(article, "The sanctions are a topic.", speaker=yang, score=0.3)
    queue_alerts_for_claims(claim_ids=[hit.pk, wrong_speaker.pk, wrong_word.pk, wrong_kind.pk, too_dull.pk])
    assert delivered(subscription) == {hit.pk}
    assert AlertDelivery.objects.get().reasons == [
        "speaker Yang Moo-jin",
        "keyword 'sanctions'",
        "kind: direct quote",
        "check-worthiness 0.80 (at least 0.60)",
    ]


def test_keywords_match_whole_words_in_any_case(subscriber, make_article, make_claim):
    subscription = create_subscription(owner=subscriber, name="War", keywords=["war", "Oil Exports"])
    article = make_article()
    war = make_claim(article, "This WAR will end by spring.")
    software = make_claim(article, "Our software won awards.")
    exports = make_claim(article, "oil exports, he said, doubled.")
    queue_alerts_for_claims(claim_ids=[war.pk, software.pk, exports.pk])
    assert delivered(subscription) == {war.pk, exports.pk}
    reasons = dict(AlertDelivery.objects.values_list("claim_id", "reasons"))
    assert reasons[exports.pk] == ["keyword 'Oil Exports'"]


def test_an_outlet_subscription_matches_articles_from_that_outlet(subscriber, outlet, make_article, make_claim):
    subscription = create_subscription(owner=subscriber, name="Wire", outlets=[outlet.pk])
    ours = make_claim(make_article(), "Claim one.")
    elsewhere = make_claim(make_article(with_outlet=False), "Claim two.")
    queue_alerts_for_claims(claim_ids=[ours.pk, elsewhere.pk])
    assert delivered(subscription) == {ours.pk}
    assert AlertDelivery.objects.get().reasons == ["outlet Wire Daily"]


def test_repeats_of_a_rated_claim_are_found_by_fingerprint_and_by_same_as(subscriber, yang, make_article, make_claim):
    rating = Rating.objects.get(slug="false")
    rated = make_claim(
        make_article(), "Crime doubled last year.", speaker=yang, status=Claim.Status.PUBLISHED, rating=rating
    )
    linked_original = make_claim(make_article(), "Taxes tripled.", status=Claim.Status.PUBLISHED, rating=rating)
    subscription = create_subscription(owner=subscriber, name="Repeats", repeats_rated_claim=True)
    article = make_article()
    word_for_word = make_claim(article, "Crime DOUBLED last year!", speaker=yang)
    linked = make_claim(article, "Taxes have more or less tripled.", same_as=linked_original)
    fresh = make_claim(article, "Crime fell last year.")
    queue_alerts_for_claims(claim_ids=[word_for_word.pk, linked.pk, fresh.pk])
    assert delivered(subscription) == {word_for_word.pk, linked.pk}
    assert rated.pk not in delivered(subscription)


def test_new_speaker_means_the_speakers_first_article(subscriber, yang, other_speaker, make_article, make_claim):
    make_claim(make_article(), "An old claim.", speaker=yang)
    subscription = create_subscription(owner=subscriber, name="Newcomers", new_speaker=True)
    article = make_article()
    known = make_claim(article, "A claim by a known speaker.", speaker=yang)
    newcomer_first = make_claim(article, "My first claim.", speaker=other_speaker)
    newcomer_second = make_claim(article, "My second claim.", speaker=other_speaker)
    queue_alerts_for_claims(claim_ids=[known.pk, newcomer_first.pk, newcomer_second.pk])
    assert delivered(subscription) == {newcomer_first.pk, newcomer_second.pk}
    assert AlertDelivery.objects.filter(claim=newcomer_first).get().reasons == ["new speaker Ana Souza"]


def test_processing_an_article_again_alerts_nobody_twice(subscriber, make_article, make_claim):
    create_subscription(owner=subscriber, name="Tax", keywords=["tax"])
    claim = make_claim(make_article(), "The tax rise is the largest ever.")
    queue_alerts_for_claims(claim_ids=[claim.pk])
    queue_alerts_for_claims(claim_ids=[claim.pk])
    assert AlertDelivery.objects.count() == 1


def test_a_syndicated_copy_of_a_claim_is_alerted_once_within_the_window(
    subscriber, other_subscriber, make_article, make_claim, settings
):
    settings.FACTCHECK_ALERT_DEDUP_HOURS = 72
    mine = create_subscription(owner=subscriber, name="Tax", keywords=["tax"])
    original = make_claim(make_article(), "The tax rise is the largest ever.")
    queue_alerts_for_claims(claim_ids=[original.pk])
    theirs = create_subscription(owner=other_subscriber, name="Tax", keywords=["tax"])
    copy = make_claim(make_article(), "The tax rise is the largest ever!")
    queue_alerts_for_claims(claim_ids=[copy.pk])
    assert delivered(mine) == {original.pk}
    # Someone who never got the original does get the copy.
    assert delivered(theirs) == {copy.pk}


def test_a_syndicated_copy_after_the_window_is_alerted_again(subscriber, make_article, make_claim, settings):
    settings.FACTCHECK_ALERT_DEDUP_HOURS = 72
    subscription = create_subscription(owner=subscriber, name="Tax", keywords=["tax"])
    original = make_claim(make_article(), "The tax rise is the largest ever.")
    queue_alerts_for_claims(claim_ids=[original.pk])
    AlertDelivery.objects.update(created_at=timezone.now() - timedelta(hours=73))
    copy = make_claim(make_article(), "The tax rise is the largest ever.")
    queue_alerts_for_claims(claim_ids=[copy.pk])
    assert delivered(subscription) == {original.pk, copy.pk}


def test_paused_subscriptions_and_subscribers_without_email_get_nothing(subscriber, make_article, make_claim):
    paused = create_subscription(owner=subscriber, name="Paused", keywords=["tax"], active=False)
    no_mail = User.objects.create_user("nomail", email="", password="x")
    no_mail.groups.add(Group.objects.get(name="Reader"))
    create_subscription(owner=no_mail, name="Tax", keywords=["tax"])
    claim = make_claim(make_article(), "The tax rise is the largest ever.")
    queue_alerts_for_claims(claim_ids=[claim.pk])
    assert not AlertDelivery.objects.exists()
    assert paused.active is False


def test_a_subscription_without_filters_written_behind_the_services_back_matches_nothing(
    subscriber, make_article, make_claim
):
    Subscription.objects.create(owner=subscriber, name="Everything")
    claim = make_claim(make_article(), "Anything at all.", score=0.9)
    assert find_matches(claims=[claim]) == []


def _subscriptions(owner: User, speaker, n: int) -> None:
    """n subscriptions with a mix of filters (written in bulk, as the services would write them):
    keywords for most, the article's speaker plus a score for every fifth, a kind for every seventh."""
    Subscription.objects.bulk_create(
        Subscription(
            owner=owner,
            name=f"s{i}",
            keywords=[] if i % 5 == 0 else [f"topic{i}", "budget"] if i % 3 == 0 else [f"topic{i}"],
            min_checkworthiness=0.2 if i % 5 == 0 else 0.0,
            kinds=["direct"] if i % 7 == 0 else [],
        )
        for i in range(n)
    )
    subscriptions = list(Subscription.objects.filter(owner=owner).order_by("pk"))
    SubscriptionKeyword.objects.bulk_create(
        SubscriptionKeyword(subscription=s, keyword=k, normalized=k) for s in subscriptions for k in s.keywords
    )
    Subscription.speakers.through.objects.bulk_create(
        Subscription.speakers.through(subscription_id=s.pk, speaker_id=speaker.pk)
        for s in subscriptions
        if not s.keywords
    )


@pytest.mark.parametrize("n_subscriptions", [10, 1000])
def test_matching_an_article_of_30_claims_takes_the_same_queries_for_10_or_1000_subscriptions(
    n_subscriptions, subscriber, yang, make_article, make_claim, django_assert_max_num_queries
):
    _subscriptions(subscriber, yang, n_subscriptions)
    article = make_article()
    claims = [
        make_claim(article, f"The budget claim number {i} is about topic{i}.", speaker=yang if i % 2 else None)
        for i in range(30)
    ]
    loaded = list(Claim.objects.filter(article=article).select_related("speaker", "article__outlet"))
    with django_assert_max_num_queries(2):
        matches = find_matches(claims=loaded)
    # Enough matching happened for the count to mean something.
    assert len({m.subscription_id for m in matches}) >= min(n_subscriptions, 10) // 2
    assert len(claims) == 30


@pytest.mark.parametrize("n_subscriptions", [10, 1000])
def test_queueing_alerts_takes_the_same_queries_whatever_the_number_of_non_matching_subscriptions(
    n_subscriptions, subscriber, yang, make_article, make_claim, django_assert_max_num_queries
):
    Subscription.objects.bulk_create(
        Subscription(owner=subscriber, name=f"s{i}", keywords=[f"unrelated{i}"], min_checkworthiness=0.1)
        for i in range(n_subscriptions)
    )
    SubscriptionKeyword.objects.bulk_create(
        SubscriptionKeyword(subscription=s, keyword=s.keywords[0], normalized=s.keywords[0])
        for s in Subscription.objects.filter(owner=subscriber)
    )
    create_subscription(owner=subscriber, name="match", keywords=["budget"])
    article = make_article()
    ids = [make_claim(article, f"The budget grew {i} percent.").pk for i in range(30)]
    # load claims, 3 matching, (lock), recent fingerprints, insert, pending batches, + savepoint noise
    with django_assert_max_num_queries(10):
        queue_alerts_for_claims(claim_ids=ids)
    assert AlertDelivery.objects.count() == 30
