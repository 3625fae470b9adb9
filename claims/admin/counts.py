"""Counting an admin list without counting the table.

Django's changelist runs `SELECT COUNT(*)` over the whole filtered queryset on every page (and
once more over the unfiltered table for "N total"): at ten million claims that is seconds per
page, growing with the archive. Here, as issue 20 asks:

- an unfiltered list takes PostgreSQL's planner estimate (`pg_class.reltuples`, kept by
  autovacuum's ANALYZE), read in one catalogue lookup: the page says "about 10,012,000 claims";
- a filtered or searched list counts at most `COUNT_CAP` rows (`SELECT COUNT(*) FROM (... LIMIT
  cap + 1)`): exact below the cap, "more than 10,000" above it;
- pages go no deeper than `MAX_PAGES` (OFFSET reads every skipped row); past that, a filter or a
  date narrows the list. The API's keyset cursor has no such limit.

Small tables (and SQLite, which has no estimate) are counted exactly: it costs nothing there."""
from __future__ import annotations

import math
from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet

COUNT_CAP = 10_000
MAX_PAGES = COUNT_CAP // 50
# Below this many rows an exact COUNT(*) is as cheap as the estimate, and exact.
EXACT_BELOW = 50_000


def planner_estimate(queryset: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows in the queryset's table, or None where there is none."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                       [queryset.model._meta.db_table])
        row = cursor.fetchone()
    # -1: never analysed (a new table); None: no such relation.
    return int(row[0]) if row and row[0] is not None and row[0] >= 0 else None


def is_unfiltered(queryset: QuerySet) -> bool:
    return not queryset.query.where and not queryset.query.distinct and not queryset.query.combinator


class EstimatedCountPaginator(Paginator):
    """A Paginator whose `count` never scans a large table; `estimated` and `capped` say how the
    number was obtained (the list's templates say "about" and "more than" accordingly)."""

    cap = COUNT_CAP
    max_pages = MAX_PAGES

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.estimated = False
        self.capped = False

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return len(queryset)
        if is_unfiltered(queryset):
            estimate = planner_estimate(queryset)
            if estimate is not None and estimate >= EXACT_BELOW:
                self.estimated = True
                return estimate
        # Only the ids are read: the list's annotations (appearance counts) are never computed
        # for rows that are only being counted.
        capped = queryset.order_by().values("pk")[: self.cap + 1].count()
        if capped > self.cap:
            self.capped = True
            return self.cap
        return capped

    @cached_property
    def num_pages(self) -> int:
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        pages = max(1, math.ceil(max(1, self.count - self.orphans) / self.per_page))
        return min(pages, self.max_pages)

    @property
    def deeper_than_shown(self) -> bool:
        """More rows exist than the pages offer (the template suggests narrowing the list)."""
        return self.count > self.max_pages * self.per_page or self.capped
