"""Email alerts: subscriptions, matching new claims to them, and delivering the emails.

Every write about alerts goes through here, so the admin, the API, the tasks and the signed
unsubscribe links apply the same rules. Sending is safe with any number of workers: a delivery
is sent only by the worker whose compare-and-set moved it from 'pending' to 'sending'.
"""
from __future__ import annotations

import logging
import math
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from claims.alerts import conf, smtp
from claims.alerts.messages import build_message
from claims.alerts.schedule import zone
from claims.alerts.terms import MAX_KEYWORD_CHARS, MAX_KEYWORD_WORDS, keyword_pattern, normalize_keyword
from claims.models import AlertDelivery, Claim, Subscription, SubscriptionKeyword, WebhookEndpoint
from claims.selectors import access
from claims.selectors import alerts as selectors
from claims.services import enqueue
from claims.services.articles import one_line
from claims.services.durability import derived_data_transaction
from claims.services.errors import InvalidInput, NotAllowed
from claims.services.webhooks import queue_subscription_matches

logger = logging.getLogger(__name__)

D = AlertDelivery.Status
C = Subscription.Cadence
MAX_KEYWORDS = 50
# The fields a subscriber sets, in the order the API shows them: the one list. The admin form and
# the API serializer take theirs from here, so a new filter is added in one place. A subscription
# needs at least one of the filters.
FILTER_FIELDS = (
    "speakers",
    "outlets",
    "keywords",
    "kinds",
    "min_checkworthiness",
    "repeats_rated_claim",
    "new_speaker",
    "quote_changed",  # stealth edits: claims.services.quote_change_alerts
)
FIELDS = ("name", *FILTER_FIELDS, "cadence", "digest_hour", "digest_weekday", "timezone", "active", "webhook_endpoint")


# --- subscriptions -----------------------------------------------------------------------------


def _ids(values: Any, *, visible: QuerySet, field: str, label: str) -> list[int]:
    """Ids from a list, each one the subscriber may see. An id that exists but is hidden from
    them is "unknown", exactly like one that does not exist, so the answer reveals nothing."""
    model = visible.model
    if values is None:
        return []
    if isinstance(values, (str, bytes, Model)) or not isinstance(values, Iterable):
        raise InvalidInput(f"Give {field} as a list of {label} ids.", field=field)
    ids: list[int] = []
    for value in values:
        if isinstance(value, model):
            value = value.pk
        elif isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(f"{value!r} is not a {label} id.", field=field)
        ids.append(value)
    ids = sorted(set(ids))
    known = set(visible.filter(pk__in=ids).values_list("pk", flat=True))
    unknown = [str(pk) for pk in ids if pk not in known]
    if unknown:
        raise InvalidInput(f"Unknown {label} id{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.", field=field)
    return ids


def _keywords(values: Any) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise InvalidInput("Give keywords as a list of words or phrases.", field="keywords")
    kept: dict[str, str] = {}
    for value in values:
        if not isinstance(value, str):
            raise InvalidInput(f"Keyword {value!r} is not text.", field="keywords")
        shown = " ".join(value.split())
        if not shown:
            continue
        if len(shown) > MAX_KEYWORD_CHARS:
            raise InvalidInput(f"Keyword '{shown[:40]}...' is longer than {MAX_KEYWORD_CHARS} characters.",
                               field="keywords")
        normalized = normalize_keyword(shown)
        if not normalized:
            raise InvalidInput(f"Keyword '{shown}' has no letters or digits to match.", field="keywords")
        if len(normalized.split()) > MAX_KEYWORD_WORDS:
            raise InvalidInput(f"Keyword '{shown}' has more than {MAX_KEYWORD_WORDS} words.", field="keywords")
        if not keyword_pattern(normalized):
            # Full-text search drops them ("the", "of", ...): such a keyword could never match.
            raise InvalidInput(
                f"Keyword '{shown}' has only common words (such as 'the' or 'of'), which search ignores; "
                "add a word that says what the claims are about.", field="keywords")
        kept.setdefault(normalized, shown)
    if len(kept) > MAX_KEYWORDS:
        raise InvalidInput(f"At most {MAX_KEYWORDS} keywords per subscription.", field="keywords")
    return list(kept.values())


def _kinds(values: Any) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise InvalidInput("Give kinds as a list.", field="kinds")
    allowed = list(Claim.Kind.values)
    kinds: list[str] = []
    for value in values:
        if value not in allowed:
            raise InvalidInput(f"Unknown kind {value!r}: choose from {', '.join(allowed)}.", field="kinds")
        if value not in kinds:
            kinds.append(value)
    return kinds


def _score(value: Any) -> float:
    if isinstance(value, bool) or value is None:
        raise InvalidInput("The minimum check-worthiness must be a number between 0 and 1.",
                           field="min_checkworthiness")
    try:
        score = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(
            f"The minimum check-worthiness {value!r} is not a number.", field="min_checkworthiness"
        ) from None
    if not math.isfinite(score) or not 0 <= score <= 1:
        raise InvalidInput("The minimum check-worthiness must be between 0 and 1.", field="min_checkworthiness")
    return score


def _small_int(value: Any, *, field: str, low: int, high: int, what: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{what} must be a whole number from {low} to {high}; got {value!r}.", field=field)
    return value


def _flag(value: Any, *, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(f"{field} must be true or false.", field=field)
    return value


def clean_subscription_fields(
    *, owner: AbstractBaseUser, fields: dict[str, Any], subscription: Subscription | None = None
) -> dict[str, Any]:
    """Check and normalise subscription fields (all of them for a new subscription, the changed
    ones for an update); raises InvalidInput naming the field. The admin form calls this too."""
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise InvalidInput(f"Unknown field{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.", field=unknown[0])
    clean: dict[str, Any] = {}
    if "name" in fields or subscription is None:
        name = fields.get("name")
        # One line, no control characters: it goes into the subject of every alert e-mail (and
        # PostgreSQL cannot store NUL).
        name = one_line(name, limit=10_000) if isinstance(name, str) else ""
        if not name:
            raise InvalidInput("Give the subscription a name.", field="name")
        if len(name) > 200:
            raise InvalidInput("The name is longer than 200 characters.", field="name")
        taken = Subscription.objects.filter(owner=owner, name=name)
        if subscription is not None:
            taken = taken.exclude(pk=subscription.pk)
        if taken.exists():
            raise InvalidInput(f"You already have a subscription called '{name}'.", field="name")
        clean["name"] = name
    if "speakers" in fields:
        clean["speakers"] = _ids(
            fields["speakers"], visible=access.visible_speakers(user=owner), field="speakers", label="speaker"
        )
    if "outlets" in fields:
        clean["outlets"] = _ids(
            fields["outlets"], visible=access.visible_outlets(user=owner), field="outlets", label="outlet"
        )
    if "keywords" in fields:
        clean["keywords"] = _keywords(fields["keywords"])
    if "kinds" in fields:
        clean["kinds"] = _kinds(fields["kinds"])
    if "min_checkworthiness" in fields:
        clean["min_checkworthiness"] = _score(fields["min_checkworthiness"])
    for flag in ("repeats_rated_claim", "new_speaker", "quote_changed", "active"):
        if flag in fields:
            clean[flag] = _flag(fields[flag], field=flag)
    if "cadence" in fields:
        if fields["cadence"] not in C.values:
            raise InvalidInput(
                f"Unknown cadence {fields['cadence']!r}: choose from {', '.join(C.values)}.", field="cadence"
            )
        clean["cadence"] = fields["cadence"]
    if "digest_hour" in fields:
        clean["digest_hour"] = _small_int(fields["digest_hour"], field="digest_hour", low=0, high=23,
                                          what="The digest hour")
    if "digest_weekday" in fields:
        clean["digest_weekday"] = _small_int(
            fields["digest_weekday"], field="digest_weekday", low=0, high=6, what="The digest weekday (0 = Monday)"
        )
    if "timezone" in fields:
        if zone(fields["timezone"]) is None:
            raise InvalidInput(
                f"There is no time zone called {fields['timezone']!r}; use a name such as 'Europe/Berlin' or 'UTC'.",
                field="timezone",
            )
        clean["timezone"] = fields["timezone"]
    if "webhook_endpoint" in fields:
        # Where the same matches also go (a team's chat channel): the webhooks service's rule.
        from claims.services.webhooks import clean_route

        endpoint_id = clean_route(owner=owner, value=fields["webhook_endpoint"])
        clean["webhook_endpoint"] = None if endpoint_id is None else WebhookEndpoint.objects.get(pk=endpoint_id)
    _refuse_empty_filters(clean, subscription)
    return clean


def _refuse_empty_filters(clean: dict[str, Any], subscription: Subscription | None) -> None:
    def current(name: str) -> Any:
        if name in clean:
            return clean[name]
        if subscription is None:
            return Subscription._meta.get_field(name).get_default() if name not in ("speakers", "outlets") else []
        if name in ("speakers", "outlets"):
            return getattr(subscription, name).exists()
        return getattr(subscription, name)

    if not any(current(name) for name in FILTER_FIELDS):
        raise InvalidInput(
            "Choose at least one filter (speakers, outlets, keywords, kinds, a minimum check-worthiness, "
            "repeats of rated claims, new speakers or quotes changed in the source): without one, this subscription "
            "would email every claim.",
            field="filters",
        )


def _write(subscription: Subscription, clean: dict[str, Any]) -> None:
    for name, value in clean.items():
        if name not in ("speakers", "outlets"):
            setattr(subscription, name, value)
    try:
        with transaction.atomic():
            subscription.save()
    except IntegrityError:
        # Two saves racing for the same name: the constraint settles it, the person gets a reason.
        raise InvalidInput(f"You already have a subscription called '{subscription.name}'.", field="name") from None
    if "speakers" in clean:
        subscription.speakers.set(clean["speakers"])
    if "outlets" in clean:
        subscription.outlets.set(clean["outlets"])
    if "keywords" in clean:
        SubscriptionKeyword.objects.filter(subscription=subscription).delete()
        SubscriptionKeyword.objects.bulk_create(
            SubscriptionKeyword(subscription=subscription, keyword=keyword, normalized=normalize_keyword(keyword))
            for keyword in clean["keywords"]
        )


def check_may_subscribe(*, user: AbstractBaseUser) -> None:
    """Raise NotAllowed unless `user` may be sent alerts. The API asks before it reads the body,
    so a refused user learns nothing from how their filters would have been judged."""
    if not access.may_receive_alerts(user):
        raise NotAllowed(access.NO_ALERT_ACCESS)


@transaction.atomic
def create_subscription(*, owner: AbstractBaseUser, **fields: Any) -> Subscription:
    check_may_subscribe(user=owner)
    clean = clean_subscription_fields(owner=owner, fields=fields)
    subscription = Subscription(owner=owner)
    _write(subscription, clean)
    return subscription


def _may_manage(user: AbstractBaseUser | None, subscription: Subscription) -> bool:
    return user is not None and (user.is_superuser or subscription.owner_id == user.pk)


@transaction.atomic
def update_subscription(*, subscription: Subscription, user: AbstractBaseUser, **fields: Any) -> Subscription:
    if not _may_manage(user, subscription):
        raise NotAllowed("You can only change your own subscriptions.")
    locked = Subscription.objects.select_for_update().select_related("owner").get(pk=subscription.pk)
    clean = clean_subscription_fields(owner=locked.owner, fields=fields, subscription=locked)
    if clean.get("active") is True and not locked.active:
        # Resuming is subscribing again: the owner must still be allowed to read what it sends.
        check_may_subscribe(user=locked.owner)
        clean["paused_reason"] = ""
    _write(locked, clean)
    if clean.get("active") is False:
        _cancel_pending(locked)
    return locked


@transaction.atomic
def delete_subscription(*, subscription: Subscription, user: AbstractBaseUser) -> None:
    if not _may_manage(user, subscription):
        raise NotAllowed("You can only delete your own subscriptions.")
    subscription.delete()


def _cancel_pending(subscription: Subscription) -> None:
    AlertDelivery.objects.filter(subscription=subscription, status=D.PENDING).update(
        status=D.FAILED, error="Not sent: the subscription was turned off.", next_attempt_at=None
    )


@transaction.atomic
def unsubscribe(*, subscription_id: int) -> Subscription | None:
    """Turn a subscription off (the signed one-click link). Idempotent; None if it is gone."""
    subscription = Subscription.objects.select_for_update().filter(pk=subscription_id).first()
    if subscription is None:
        return None
    if subscription.active:
        subscription.active = False
        subscription.save(update_fields=["active", "updated_at"])
        _cancel_pending(subscription)
    return subscription


@transaction.atomic
def set_subscription_active(*, subscription_id: int, active: bool) -> Subscription | None:
    """Pause or resume from the signed manage link (the link is the authority, as for unsubscribe)."""
    if not active:
        return unsubscribe(subscription_id=subscription_id)
    subscription = Subscription.objects.select_for_update().select_related("owner").filter(pk=subscription_id).first()
    if subscription is not None and not subscription.active:
        check_may_subscribe(user=subscription.owner)
        subscription.active = True
        subscription.paused_reason = ""
        subscription.save(update_fields=["active", "paused_reason", "updated_at"])
    return subscription


def pause_for_lost_access(*, subscription_id: int, reason: str) -> None:
    """The owner may no longer read what the subscription sends: turn it off, say why on the row,
    and fail what is still waiting (nothing is lost: the rows keep the reason)."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(pk=subscription_id).first()
        if subscription is None:
            return
        subscription.active = False
        subscription.paused_reason = reason
        subscription.save(update_fields=["active", "paused_reason", "updated_at"])
        AlertDelivery.objects.filter(subscription=subscription, status=D.PENDING).update(
            status=D.FAILED, error=f"Not sent: {reason}", next_attempt_at=None
        )
    logger.warning("subscription %s paused: %s", subscription_id, reason)


# --- matching ----------------------------------------------------------------------------------


def _lock_fingerprints(fingerprints: Iterable[str]) -> None:
    """Serialise the 'already alerted within the window?' check per fingerprint, so two workers
    storing syndicated copies at the same moment cannot both alert. SQLite needs nothing: its
    write transactions (IMMEDIATE mode) already run one at a time."""
    if connection.vendor != "postgresql":
        return
    keys = sorted({zlib.crc32(fp.encode()) & 0x7FFFFFFF for fp in fingerprints})
    if keys:
        with connection.cursor() as cursor:
            # 0x616c7274 = "alrt": a namespace of its own in the advisory lock space.
            cursor.execute(
                "SELECT pg_advisory_xact_lock(1634497140, k) FROM (SELECT unnest(%s::int[]) AS k ORDER BY 1) AS keys",
                [keys],
            )


def queue_alerts_for_claims(*, claim_ids: list[int], claims: list[Claim] | None = None) -> None:
    """Match newly stored claims against every active subscription, record one delivery per
    (subscription, claim), and queue one email per subscription and article for the immediate
    ones (digests are picked up by send_due_digests). Safe to call again for the same claims.

    `claims` are those same claims when the caller just stored them (the pipeline): they are
    used as they are, with their speaker and article, instead of being read back."""
    ids = sorted({int(pk) for pk in claim_ids})
    if not ids:
        return
    if claims is None or sorted(claim.pk for claim in claims) != ids:
        claims = list(Claim.objects.filter(pk__in=ids).select_related("speaker", "article__outlet"))
    matches = selectors.find_matches(claims=claims)
    if not matches:
        return
    # Deliveries are derived data: a crash that loses them also loses the article's
    # alerts_queued_at (committed later), so the sweeper matches again.
    with derived_data_transaction():
        fingerprints = {match.claim.fingerprint for match in matches}
        _lock_fingerprints(fingerprints)
        seen = selectors.recently_alerted(fingerprints=list(fingerprints))
        rows = []
        for match in sorted(matches, key=lambda m: (m.subscription_id, m.claim.pk)):
            key = (match.subscription_id, match.claim.fingerprint)
            if key in seen:
                continue  # a syndicated copy of a claim this subscription was just told about
            seen.add(key)
            rows.append(
                AlertDelivery(
                    subscription_id=match.subscription_id,
                    claim_id=match.claim.pk,
                    claim_fingerprint=match.claim.fingerprint,
                    reasons=match.reasons,
                )
            )
        # The unique (subscription, claim) constraint makes re-processing an article a no-op.
        AlertDelivery.objects.bulk_create(rows, ignore_conflicts=True)
        # The same matches, to the webhook endpoints subscriptions route to (a chat channel).
        queue_subscription_matches(deliveries=rows)
        batches = selectors.pending_immediate_batches(claim_ids=ids)
        transaction.on_commit(lambda: _enqueue(batches))


def _enqueue(batches: dict[tuple[int, int], list[int]]) -> None:
    # A broker that is down loses nothing: the rows stay pending and retry_pending_deliveries finds them.
    for (subscription_id, _article_id), delivery_ids in batches.items():
        enqueue.send(enqueue.SEND_SUBSCRIPTION_ALERTS, subscription_id, delivery_ids)


# --- sending -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendOutcome:
    sent: int = 0
    failed: int = 0
    # When the deliveries will be tried again after a transient error (None: nothing to retry).
    retry_at: datetime | None = None


def _claim_for_sending(*, subscription_id: int, delivery_ids: Sequence[int], now: datetime) -> list[int]:
    """Compare-and-set 'pending' -> 'sending'; returns only the rows this call won."""
    ids = sorted({int(pk) for pk in delivery_ids})
    if not ids:
        return []
    table = connection.ops.quote_name(AlertDelivery._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(now)
    placeholders = ", ".join(["%s"] * len(ids))
    with transaction.atomic(), connection.cursor() as cursor:
        # The table name is Django's own, quoted; every value is a parameter.
        cursor.execute(
            f"UPDATE {table} SET status = %s, claimed_at = %s, attempts = attempts + 1 "  # noqa: S608
            f"WHERE subscription_id = %s AND status = %s AND (next_attempt_at IS NULL OR next_attempt_at <= %s) "
            f"AND id IN ({placeholders}) RETURNING id",
            [D.SENDING, stamp, subscription_id, D.PENDING, stamp, *ids],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _finish(ids: Sequence[int], claimed_at: datetime, **fields: Any) -> int:
    # Guarded by claimed_at: if the row was reclaimed as stale meanwhile, the newer claim owns it.
    return AlertDelivery.objects.filter(pk__in=ids, status=D.SENDING, claimed_at=claimed_at).update(**fields)


def _deliver(*, subscription: Subscription, claimed: list[int], claimed_at: datetime, digest: bool) -> SendOutcome:
    """Send the claimed rows as one email and record the outcome on them. Times (the retry time,
    sent_at) count from claimed_at, the caller's clock, so a digest run for a given moment is
    reproducible."""
    if not subscription.active:
        _finish(claimed, claimed_at, status=D.FAILED, error="Not sent: the subscription was turned off.")
        return SendOutcome(failed=len(claimed))
    if not subscription.owner.email or not subscription.owner.is_active:
        _finish(claimed, claimed_at, status=D.FAILED,
                error="Not sent: the subscriber has no active account with an email address.")
        return SendOutcome(failed=len(claimed))
    # An alert is a read: the owner's right to see each claim is checked now, at sending, with the
    # same rule the API applies, not only when the subscription was made.
    if not access.may_receive_alerts(subscription.owner):
        _finish(claimed, claimed_at, status=D.FAILED, error=f"Not sent: {access.NO_ALERT_ACCESS}", next_attempt_at=None)
        pause_for_lost_access(subscription_id=subscription.pk, reason=access.NO_ALERT_ACCESS)
        return SendOutcome(failed=len(claimed))
    deliveries = selectors.deliveries_for_message(delivery_ids=claimed)
    visible = set(
        access.visible_claims(user=subscription.owner)
        .filter(pk__in=[d.claim_id for d in deliveries])
        .values_list("pk", flat=True)
    )
    hidden = [d.pk for d in deliveries if d.claim_id not in visible]
    if hidden:
        _finish(hidden, claimed_at, status=D.FAILED, error="Not sent: the subscriber may not see this claim.",
                next_attempt_at=None)
        deliveries = [d for d in deliveries if d.claim_id in visible]
        claimed = [pk for pk in claimed if pk not in set(hidden)]
        if not deliveries:
            return SendOutcome(failed=len(hidden))
    attempts = max((d.attempts for d in deliveries), default=1)
    try:
        build_message(subscription=subscription, deliveries=deliveries, digest=digest).send(fail_silently=False)
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the rows, none is lost
        now = claimed_at
        message = smtp.describe(error)
        if smtp.is_transient(error) and attempts < conf.max_attempts():
            retry_at = now + smtp.backoff(attempts)
            _finish(claimed, claimed_at, status=D.PENDING, error=message, next_attempt_at=retry_at)
            logger.warning("alert mail for subscription %s deferred to %s: %s", subscription.pk, retry_at, message)
            return SendOutcome(retry_at=retry_at)
        _finish(claimed, claimed_at, status=D.FAILED, error=message, next_attempt_at=None)
        logger.error("alert mail for subscription %s failed: %s", subscription.pk, message)
        return SendOutcome(failed=len(claimed))
    _finish(claimed, claimed_at, status=D.SENT, sent_at=claimed_at, error="", next_attempt_at=None)
    return SendOutcome(sent=len(claimed))


def send_deliveries(*, subscription_id: int, delivery_ids: Sequence[int]) -> SendOutcome:
    """Send one email with the given deliveries of an immediate subscription. Deliveries another
    worker already took (or sent) are skipped, so running this twice never sends twice."""
    now = timezone.now()
    claimed = _claim_for_sending(subscription_id=subscription_id, delivery_ids=delivery_ids, now=now)
    if not claimed:
        return SendOutcome()
    subscription = Subscription.objects.select_related("owner").get(pk=subscription_id)
    return _deliver(subscription=subscription, claimed=claimed, claimed_at=now, digest=False)


def send_digest(*, subscription_id: int, now: datetime | None = None) -> SendOutcome:
    """Send a digest subscription everything ready from before its latest slot, as one email.
    Nothing ready: no email."""
    now = now or timezone.now()
    subscription = Subscription.objects.select_related("owner").filter(pk=subscription_id).first()
    if subscription is None:
        return SendOutcome()
    ids = selectors.digest_delivery_ids(subscription=subscription, now=now)
    claimed = _claim_for_sending(subscription_id=subscription_id, delivery_ids=ids, now=now)
    if not claimed:
        return SendOutcome()
    outcome = _deliver(subscription=subscription, claimed=claimed, claimed_at=now, digest=True)
    if outcome.sent:
        Subscription.objects.filter(pk=subscription_id).update(last_digest_at=now)
    return outcome


def release_stale_sending(*, now: datetime | None = None) -> int:
    """Rows left 'sending' by a worker that died mid-send go back to 'pending' (or 'failed' when
    out of attempts). The cutoff is longer than any live task may run."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=conf.stale_sending_minutes())
    stale = AlertDelivery.objects.filter(status=D.SENDING, claimed_at__lt=cutoff)
    failed = stale.filter(attempts__gte=conf.max_attempts()).update(
        status=D.FAILED, error="Gave up: the worker sending this died too many times.", next_attempt_at=None
    )
    released = stale.update(status=D.PENDING, next_attempt_at=now, error="A worker died while sending; retrying.")
    return failed + released


def retry_due_deliveries(*, now: datetime | None = None) -> int:
    """The periodic sweep: release stale claims, then queue every immediate delivery whose retry
    time has come (or whose task was lost). Returns the number of emails queued."""
    now = now or timezone.now()
    release_stale_sending(now=now)
    batches = selectors.retryable_immediate_batches(now=now)
    _enqueue(batches)
    return len(batches)


def retry_deliveries(*, user: AbstractBaseUser, delivery_ids: Sequence[int]) -> int:
    """The admin's retry action: failed (or waiting) deliveries the user may see are tried again
    now, with a fresh count of attempts. Digest rows go out with the next digest."""
    now = timezone.now()
    rows = selectors.visible_deliveries(user=user).filter(pk__in=delivery_ids, status__in=[D.FAILED, D.PENDING])
    ids = list(rows.values_list("pk", flat=True))
    if not ids:
        raise InvalidInput("None of the selected deliveries can be retried: only failed or waiting ones can.")
    with transaction.atomic():
        AlertDelivery.objects.filter(pk__in=ids, status__in=[D.FAILED, D.PENDING]).update(
            status=D.PENDING, attempts=0, next_attempt_at=now, error=""
        )
        batches = selectors.pending_immediate_batches(claim_ids=list(
            AlertDelivery.objects.filter(pk__in=ids).values_list("claim_id", flat=True)
        ))
        wanted = set(ids)
        batches = {key: [pk for pk in pks if pk in wanted] for key, pks in batches.items()}
        batches = {key: pks for key, pks in batches.items() if pks}
        transaction.on_commit(lambda: _enqueue(batches))
    return len(ids)
