"""Signal receivers, connected by ClaimsConfig.ready(). Each only turns a model change into a
service call; the services decide what the change means."""
from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from claims.models import ApiToken
from claims.services.tokens import forget_cached_tokens

User = get_user_model()

# --- cached API tokens: forget those whose owner's access may have changed ----------------------
# pre_clear rather than post_clear: a reverse clear (`group.user_set.clear()`) does not say which
# rows it removes, so they are looked up while they still exist.
M2M_ACTIONS = frozenset({"post_add", "post_remove", "pre_clear"})


@receiver(post_save, sender=User, dispatch_uid="claims.forget_tokens.user_saved")
def user_saved(sender: type, instance: Any, created: bool, update_fields: frozenset[str] | None, **kwargs: Any) -> None:
    # A new user has no token yet; a login only stamps last_login.
    if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    # Any other save may flip is_active, is_staff or is_superuser; saves of users are rare.
    forget_cached_tokens(user_ids=[instance.pk])


@receiver(post_save, sender=ApiToken, dispatch_uid="claims.forget_tokens.token_saved")
def token_saved(sender: type, instance: ApiToken, created: bool, **kwargs: Any) -> None:
    if not created:
        forget_cached_tokens(key_hashes=[instance.key_hash])


# Deleting a user cascades to its tokens, and this is sent for each of them.
@receiver(post_delete, sender=ApiToken, dispatch_uid="claims.forget_tokens.token_deleted")
def token_deleted(sender: type, instance: ApiToken, **kwargs: Any) -> None:
    forget_cached_tokens(key_hashes=[instance.key_hash])


@receiver(pre_delete, sender=Group, dispatch_uid="claims.forget_tokens.group_deleted")
def group_deleted(sender: type, instance: Group, **kwargs: Any) -> None:
    forget_cached_tokens(group_ids=[instance.pk])


@receiver(pre_delete, sender=Permission, dispatch_uid="claims.forget_tokens.permission_deleted")
def permission_deleted(sender: type, instance: Permission, **kwargs: Any) -> None:
    forget_cached_tokens(permission_ids=[instance.pk])


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="claims.forget_tokens.user_groups")
def user_groups_changed(sender: type, instance: Any, action: str, reverse: bool, pk_set: set[int] | None,
                        **kwargs: Any) -> None:
    if action not in M2M_ACTIONS:
        return
    if not reverse:  # user.groups.add(...): instance is the user
        forget_cached_tokens(user_ids=[instance.pk])
    elif pk_set is not None:  # group.user_set.add(...): pk_set holds the users
        forget_cached_tokens(user_ids=pk_set)
    else:  # group.user_set.clear()
        forget_cached_tokens(group_ids=[instance.pk])


@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="claims.forget_tokens.user_perms")
def user_permissions_changed(sender: type, instance: Any, action: str, reverse: bool, pk_set: set[int] | None,
                             **kwargs: Any) -> None:
    if action not in M2M_ACTIONS:
        return
    if not reverse:  # user.user_permissions.add(...)
        forget_cached_tokens(user_ids=[instance.pk])
    elif pk_set is not None:  # permission.user_set.add(...)
        forget_cached_tokens(user_ids=pk_set)
    else:  # permission.user_set.clear()
        forget_cached_tokens(permission_ids=[instance.pk])


@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="claims.forget_tokens.group_perms")
def group_permissions_changed(sender: type, instance: Any, action: str, reverse: bool, pk_set: set[int] | None,
                              **kwargs: Any) -> None:
    if action not in M2M_ACTIONS:
        return
    if not reverse:  # group.permissions.add(...)
        forget_cached_tokens(group_ids=[instance.pk])
    elif pk_set is not None:  # permission.group_set.add(...)
        forget_cached_tokens(group_ids=pk_set)
    else:  # permission.group_set.clear()
        forget_cached_tokens(permission_ids=[instance.pk])
