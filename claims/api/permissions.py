"""Who may call what. Object-level visibility lives in claims.selectors.api; these classes only
decide whether a request may reach a view action at all."""
from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

# Any of these lets a user ask for a workflow transition; the workflow service decides which.
WORKFLOW_PERMS = (
    "claims.triage_claim",
    "claims.research_claim",
    "claims.assign_claim",
    "claims.publish_claim",
    "claims.correct_claim",
)


class ActionPermissions(BasePermission):
    """`view.action_perms = {"create": ("claims.add_article",), "notes:post": (...)}`: the user needs
    any one of the listed Django permissions for the action (or action:method, looked up first).
    Actions not listed need only authentication."""

    message = "You do not have permission to perform this action."

    def has_permission(self, request: Request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        perms = getattr(view, "action_perms", {})
        action = getattr(view, "action", None)
        required = perms.get(f"{action}:{(request.method or '').lower()}", perms.get(action))
        if not required:
            return True
        return any(request.user.has_perm(perm) for perm in required)


class ReadOnly(BasePermission):
    def has_permission(self, request: Request, view) -> bool:
        return request.method in SAFE_METHODS
