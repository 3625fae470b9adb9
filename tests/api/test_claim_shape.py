"""A claim's API shape is declared once (claims.api.serializers.CLAIM_SHAPE): the detail, the full
and summary list rows, the serializers' field lists, the newsroom-only fields and the list's
`.values()` columns are derived from it. These tests check that the derived views agree."""
from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.request import Request

from claims.api.serializers import (
    CLAIM_ROW_FIELDS,
    CLAIM_SHAPE,
    CLAIM_SUMMARY_FIELDS,
    ClaimRowRenderer,
    ClaimSerializer,
    ClaimSummarySerializer,
)
from claims.models import Claim
from claims.selectors.api import claim_queryset


def test_the_serializers_field_lists_come_from_the_one_declaration():
    names = [key.name for key in CLAIM_SHAPE]
    assert ClaimSerializer.Meta.fields == names
    summary = ClaimSummarySerializer.Meta.fields
    assert summary == [name for name in names if name in summary]  # a subset, in the same order
    assert set(ClaimSerializer.INTERNAL_FIELDS) <= set(names) - set(summary)
    # Every key is typed for the OpenAPI schema by a declared or model field.
    assert set(ClaimSerializer().fields) == set(names)
    assert set(ClaimSummarySerializer().fields) == set(summary)
    assert set(CLAIM_SUMMARY_FIELDS) <= set(CLAIM_ROW_FIELDS)


@pytest.mark.parametrize("internal", [True, False])
def test_the_detail_and_the_full_list_row_render_a_claim_the_same(make_claim, reader, rf, internal):
    corrected = make_claim(status=Claim.Status.CORRECTED, spans=[[1, 5]], checkworthiness_reasons=["number"],
                           corrected_at=timezone.now(), checkworthiness=0.19999999999999998)
    plain = make_claim(speaker=None)
    context = {"request": Request(rf.get("/")), "internal": internal}
    visible = claim_queryset(user=reader).filter(pk__in=[corrected.pk, plain.pk])
    rows = {row["id"]: row for row in visible.values(*CLAIM_ROW_FIELDS)}
    full = ClaimRowRenderer(context=context, full=True)
    for claim in visible:
        detail = ClaimSerializer(claim, context=context).data
        assert full(rows[claim.pk]) == detail == ClaimSerializer(claim, context=context).generic_representation(claim)
        assert list(detail) == [key.name for key in CLAIM_SHAPE if internal or not key.internal]
