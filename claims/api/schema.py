"""OpenAPI generation: every operation documents the shared error body for the 4xx it can answer,
so generated clients (and schemathesis) know the shape of a refusal."""
from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message", "fields"],
            "properties": {
                "status": {"type": "integer", "description": "The HTTP status, repeated."},
                "code": {"type": "string", "description": "Stable machine-readable reason, e.g. `invalid`."},
                "message": {"type": "string", "description": "Human-readable reason."},
                "fields": {
                    "type": "object",
                    "description": "Per-field reasons; dotted paths for nested input.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}
ERRORS = {
    "400": "Invalid input or query parameter.",
    "401": "Missing, invalid, expired or revoked credentials.",
    "403": "Authenticated but not allowed.",
    "404": "Not found, or not visible to you.",
    "409": "The request conflicts with the object's state (e.g. an impossible transition).",
    "413": "Request body too large.",
    "415": "Unsupported media type (send JSON).",
    "429": "Throttled; see the Retry-After header.",
}
BODY_ONLY = {"409", "413", "415"}


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        component = ResolvedComponent(
            name="Error", type=ResolvedComponent.SCHEMA, object="Error", schema=ERROR_SCHEMA
        )
        self.registry.register_on_missing(component)
        has_body = self.method in ("POST", "PUT", "PATCH")
        for code, description in ERRORS.items():
            if code in responses or (code in BODY_ONLY and not has_body):
                continue
            responses[code] = {
                "content": {"application/json": {"schema": component.ref}},
                "description": description,
            }
        return responses
