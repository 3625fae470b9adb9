"""Keep the daily roll-ups (claims.models.rollups) current whichever way a claim row changes one
at a time: created with save(), saved after a workflow move or a speaker correction, deleted
(alone or with its article). Each instance remembers the roll-up fields it was loaded with, and a
save or a delete moves the counts from the remembered key to the new one, in the same
transaction as the row.

Bulk writes send no signals and call claims.services.rollups themselves: the pipeline's
bulk INSERT (`count_new_claims`) and a speaker merge's UPDATE (`recount_speakers`). Anything else
that rewrites claims in bulk is followed by `manage.py rebuild_rollups`."""
from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver

from claims.models import Claim
from claims.services import rollups

TRACKED = ("status", "rating_id", "kind", "speaker_id", "created_at")


def _snapshot(instance: Claim) -> tuple[Any, ...] | None:
    values = instance.__dict__
    if any(name not in values for name in TRACKED):  # deferred fields: nothing to compare against
        return None
    return tuple(values[name] for name in TRACKED)


@receiver(post_init, sender=Claim, dispatch_uid="rollups-remember")
def remember_rollup_fields(sender: type, instance: Claim, **kwargs: Any) -> None:
    instance._rollup_snapshot = _snapshot(instance) if instance.pk is not None else None


@receiver(post_save, sender=Claim, dispatch_uid="rollups-saved")
def count_saved_claim(sender: type, instance: Claim, created: bool, update_fields: Any = None, raw: bool = False,
                      **kwargs: Any) -> None:
    if raw:  # fixtures being loaded: `rebuild_rollups` afterwards
        return
    before = getattr(instance, "_rollup_snapshot", None)
    if created:
        rollups.count_new_claims(claims=[instance])
    elif before is not None:
        status, rating_id, kind, speaker_id, created_at = before
        if update_fields is not None:
            # Fields not written keep their stored value, whatever the instance holds.
            saved = set(update_fields)
            changed = {f for f in ("status", "rating", "kind", "speaker", "created_at") if f in saved}
        else:
            changed = {"status", "rating", "kind", "speaker", "created_at"}
        if changed & {"created_at", "kind"} and (created_at, kind) != (instance.created_at, instance.kind):
            # Moved to another day or kind: take the old row out whole, count the new one.
            old = Claim(pk=instance.pk, status=status, rating_id=rating_id, kind=kind, speaker_id=speaker_id,
                        created_at=created_at)
            rollups.count_deleted_claims(claims=[old])
            rollups.count_new_claims(claims=[instance])
        else:
            if changed & {"status", "rating"}:
                rollups.count_move(claim=instance, from_status=status, from_rating_id=rating_id)
            if "speaker" in changed:
                rollups.count_speaker_change(claim=instance, from_speaker_id=speaker_id)
    instance._rollup_snapshot = _snapshot(instance)


@receiver(post_delete, sender=Claim, dispatch_uid="rollups-deleted")
def count_deleted_claim(sender: type, instance: Claim, **kwargs: Any) -> None:
    before = getattr(instance, "_rollup_snapshot", None)
    if before is None:
        return
    status, rating_id, kind, speaker_id, created_at = before
    rollups.count_deleted_claims(claims=[Claim(status=status, rating_id=rating_id, kind=kind, speaker_id=speaker_id,
                                               created_at=created_at)])
