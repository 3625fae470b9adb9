#!/usr/bin/env python
"""Fill a PostgreSQL database with a newsroom's archive of `n` claims, fast and reproducibly.

Why COPY and not the ORM: ten million claims through `bulk_create` take hours; psycopg 3's
`cursor.copy()` streams rows at the speed PostgreSQL can write them. The secondary indexes of the
big tables are dropped before the load and built again after it (one sorted build is many times
faster than ten million index insertions), foreign-key triggers are off during the load
(`session_replication_role = replica`: the generator makes every reference itself), and the
table is VACUUMed and ANALYZEd at the end, as autovacuum would leave a live database.

What it writes (the same rows for the same `n` and seed, on every machine):
- claims spread evenly over `YEARS` years up to a fixed end date, newest with the highest ids;
- outlets and speakers with a long tail (Zipf weights: a few outlets and speakers say most);
- claim words drawn from a Zipf vocabulary (real English function words first, then invented
  words), so full-text and trigram indexes see the skew of real text; about 3% of claims repeat
  an earlier claim with a word or two changed (the "similar claims" a newsroom sees);
- every workflow status with the path that leads to it: transitions, history rows, evidence,
  notes, research contributions, ratings on published and corrected claims;
- articles whose text holds their claims at the stored offsets (the claim page reads them);
- `subscriptions` alert subscriptions with speakers, outlets, keywords, kinds and scores, for
  2,000 subscribers;
- the dashboard's daily roll-ups, rebuilt from the claims (claims.services.rollups).

Usage (DATABASE_URL names the database; it is migrated first):
    .venv/bin/python bench/scale_data.py 100000 [--seed 20] [--subscriptions 100000]
"""
from __future__ import annotations

import argparse
import bisect
import contextlib
import datetime as dt
import hashlib
import itertools
import json
import os
import random
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

YEARS = 5
END = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
START = END - dt.timedelta(days=365 * YEARS)
CLAIMS_PER_ARTICLE = 20
SUBSCRIBERS = 2000
# Tables whose secondary indexes are dropped for the load and rebuilt after it.
BIG_TABLES = (
    "claims_article", "claims_claim", "claims_historicalclaim", "claims_claimtransition", "claims_evidence",
    "claims_note", "claims_claimcontribution", "claims_subscriptionkeyword", "claims_subscription_speakers",
    "claims_subscription_outlets", "claims_subscription",
)

# Status shares (newsrooms triage a fraction and publish a few per cent) and the path to each.
STATUS_SHARES = [("new", 0.50), ("dismissed", 0.30), ("triaged", 0.08), ("researching", 0.03),
                 ("in_review", 0.02), ("published", 0.06), ("corrected", 0.01)]
PATHS = {
    "new": [], "dismissed": ["dismissed"], "triaged": ["triaged"], "researching": ["triaged", "researching"],
    "in_review": ["triaged", "researching", "in_review"],
    "published": ["triaged", "researching", "in_review", "published"],
    "corrected": ["triaged", "researching", "in_review", "published", "corrected"],
}
KINDS = [("direct", 0.45), ("partial", 0.15), ("indirect", 0.40)]
STANCES = [("asserts", 0.62), ("denies", 0.08), ("accuses", 0.07), ("promises", 0.07), ("warns", 0.07),
           ("predicts", 0.05), ("believes", 0.03), ("asks", 0.01)]
CUES = {"asserts": "said", "denies": "denied", "accuses": "accused", "promises": "promised", "warns": "warned",
        "predicts": "predicted", "believes": "believes", "asks": "asked"}
FUNCTION_WORDS = (
    "the of and to a in that is for it was on with as be he by at said have from this are not but his "
    "they we has an were had been will their which more would who about all one its than or there she "
    "new also after two last year government people million percent per city council minister state "
    "public could over into first years other some plan health tax cost water housing police school "
    "budget jobs prices rates spending crime schools hospital workers families report number since "
    "under most before only between three four five more than half every week month claims figures "
    "increase fell rose doubled cut billion funding program policy election party leader vote law"
).split()
SYLLABLES = ("ka ri to mo ne sa lu pe di vo ba ze mi ro ta fe lo nu gi ha sel var dun mor "
             "tin bel cor fal gan hol jur kel lam nor pel quin ras sol tev ul wen yor").split()
FIRST = ("Dana Paul Amara Tomasz Lucia Kwame Ingrid Rafael Mei Oskar Priya Hamid Elena Jonas Fatima Declan "
         "Yuki Mateo Nadia Viktor Sofia Emeka Greta Arjun Leila Bruno Hana Samuel Maren Idris Clara Felix").split()
TITLES = ["Mayor", "Health Minister", "Senator", "Councillor", "Police Chief", "Governor", "Professor", "",
          "", "", "Chief Executive", "Opposition leader"]


def invented(i: int) -> str:
    """The i-th invented word: distinct for every i, pronounceable, 2+ syllables."""
    parts = []
    i += len(SYLLABLES)
    while i:
        i, r = divmod(i, len(SYLLABLES))
        parts.append(SYLLABLES[r])
    return "".join(parts)


def zipf_cumulative(n: int, s: float) -> list[float]:
    weights = [1.0 / (rank ** s) for rank in range(1, n + 1)]
    return list(itertools.accumulate(weights))


class Picker:
    """Draws from a population with Zipf weights (rank 1 most likely) in O(log n)."""

    def __init__(self, population: Sequence[Any], s: float, rng: random.Random) -> None:
        self.population, self.rng = population, rng
        self.cum = zipf_cumulative(len(population), s)
        self.total = self.cum[-1]

    def __call__(self) -> Any:
        return self.population[bisect.bisect(self.cum, self.rng.random() * self.total)]

    def many(self, k: int) -> list[Any]:
        cum, total, rand, pop = self.cum, self.total, self.rng.random, self.population
        return [pop[bisect.bisect(cum, rand() * total)] for _ in range(k)]


def weighted(rng: random.Random, table: list[tuple[str, float]]) -> Any:
    values, weights = zip(*table, strict=True)
    cum = list(itertools.accumulate(weights))
    return lambda: values[bisect.bisect(cum, rng.random() * cum[-1])]


def fingerprint(content: str) -> str:
    from claims.services.claims import claim_fingerprint

    return claim_fingerprint(content)


def connect():  # -> psycopg.Connection
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    return psycopg.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"] or None, port=db["PORT"] or None,
                           password=db.get("PASSWORD") or None, autocommit=True)


def secondary_indexes(cur, table: str) -> list[tuple[str, str]]:
    cur.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.tablename = %s AND NOT EXISTS (
               SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
        (table,),
    )
    return list(cur.fetchall())


DEFAULTS_BY_TYPE = {"text": "", "character varying": "", "boolean": False, "integer": 0, "bigint": 0,
                    "smallint": 0, "double precision": 0.0, "jsonb": "[]"}
DEFAULTS_BY_NAME = {"appearances": 1}  # a claim is one appearance of itself


def copy_statement(cur, table: str, columns: list[str]) -> tuple[str, tuple]:
    """`COPY table (columns + extras)` and the extras' values: NOT NULL columns this generator does
    not know (added by a later migration) get their type's empty value, so the load keeps working
    as the schema grows."""
    cur.execute(
        """SELECT column_name, data_type FROM information_schema.columns
           WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL""",
        (table,),
    )
    extras = [(name, DEFAULTS_BY_NAME.get(name, DEFAULTS_BY_TYPE.get(kind, ""))) for name, kind in cur.fetchall()
              if name not in columns]
    names = columns + [name for name, _ in extras]
    return f"COPY {table} ({', '.join(names)}) FROM STDIN", tuple(value for _, value in extras)


class Generator:
    def __init__(self, n_claims: int, *, seed: int, n_subscriptions: int, log=print) -> None:
        self.n = n_claims
        self.seed = seed
        self.n_subscriptions = n_subscriptions
        self.rng = random.Random(seed)
        self.log = log
        self.n_outlets = max(20, n_claims // 2000)
        self.n_speakers = max(200, n_claims // 25)
        vocabulary = FUNCTION_WORDS + [invented(i) for i in range(max(5000, min(60000, n_claims // 50)))]
        self.vocabulary = vocabulary
        self.words = Picker(vocabulary, 1.05, self.rng)
        self.status = weighted(self.rng, STATUS_SHARES)
        self.kind = weighted(self.rng, KINDS)
        self.stance = weighted(self.rng, STANCES)

    # --- reference rows through the ORM (a few thousand) ---

    def users(self) -> tuple[list[int], list[int]]:
        from django.contrib.auth.models import Group, User

        staff = []
        for name, group in [("scale-editor", "Editor"), ("scale-editor2", "Editor")] + [
            (f"scale-researcher{i}", "Researcher") for i in range(8)
        ]:
            user, _ = User.objects.get_or_create(username=name, defaults={"is_staff": True, "email": f"{name}@example.org"})
            user.set_password("scale-bench")
            user.save()
            user.groups.add(Group.objects.get(name=group))
            staff.append(user.pk)
        readers = Group.objects.get(name="Reader")
        existing = set(User.objects.filter(username__startswith="scale-reader").values_list("username", flat=True))
        User.objects.bulk_create(
            [User(username=f"scale-reader{i}", email=f"reader{i}@example.org",
                  password="!")  # noqa: S106 - "!" is Django's "no usable password" marker
             for i in range(SUBSCRIBERS) if f"scale-reader{i}" not in existing], batch_size=1000)
        subscribers = list(User.objects.filter(username__startswith="scale-reader").order_by("pk").values_list("pk", flat=True))
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=pk, group_id=readers.pk) for pk in subscribers], ignore_conflicts=True)
        return staff, subscribers

    # --- the load ---

    def run(self) -> dict[str, int]:
        from claims.models import Rating

        staff, subscribers = self.users()
        editors, researchers = staff[:2], staff[2:]
        ratings = list(Rating.objects.filter(retired=False).values_list("pk", flat=True))
        started = time.monotonic()
        conn = connect()
        counts: dict[str, int] = {}
        with conn.cursor() as cur:
            cur.execute("SET session_replication_role = replica")
            cur.execute("SET maintenance_work_mem = '1GB'")
            dropped = {}
            for table in BIG_TABLES:
                dropped[table] = secondary_indexes(cur, table)
                for name, _ in dropped[table]:
                    cur.execute(f'DROP INDEX IF EXISTS "{name}"')
            counts["outlets"] = self._copy(cur, "claims_outlet", ["id", "name", "domain", "created_at"], self._outlets())
            counts["speakers"] = self._copy(
                cur, "claims_speaker", ["id", "name", "normalized_name", "kind", "title", "created_at", "updated_at"],
                self._speakers())
            counts.update(self._claims(cur, editors, researchers, ratings))
            counts.update(self._subscriptions(cur, subscribers))
            self.log(f"  rows written in {time.monotonic() - started:.0f}s; building indexes")
            for indexes in dropped.values():
                for _, definition in indexes:
                    cur.execute(definition)
            for table in ("claims_outlet", "claims_speaker", "claims_article", "claims_claim", "claims_historicalclaim",
                          "claims_claimtransition", "claims_evidence", "claims_note", "claims_claimcontribution",
                          "claims_subscription", "claims_subscriptionkeyword", "claims_subscription_speakers",
                          "claims_subscription_outlets"):
                column = "history_id" if table == "claims_historicalclaim" else "id"
                # The names come from the tuple above, never from input.
                cur.execute(f"SELECT setval(pg_get_serial_sequence(%s, %s), coalesce(max({column}), 1)) "  # noqa: S608
                            f"FROM {table}", (table, column))
            cur.execute("SET session_replication_role = DEFAULT")
            self.log(f"  indexes built at {time.monotonic() - started:.0f}s; vacuum analyze")
            cur.execute("VACUUM ANALYZE")
        conn.close()
        from claims.services.rollups import rebuild_rollups

        rebuild_rollups()
        counts["seconds"] = round(time.monotonic() - started)
        return counts

    def _copy(self, cur, table: str, columns: list[str], rows: Iterator[tuple]) -> int:
        n = 0
        statement, extras = copy_statement(cur, table, columns)
        with cur.copy(statement) as copy:
            for row in rows:
                copy.write_row(row + extras)
                n += 1
        return n

    def _outlets(self) -> Iterator[tuple]:
        for i in range(1, self.n_outlets + 1):
            name = invented(i * 7).capitalize()
            yield i, f"The {name} {('Times', 'Herald', 'Post', 'Gazette', 'Courier', 'News')[i % 6]} {i}", \
                f"{name.lower()}{i}.example", START

    def _speakers(self) -> Iterator[tuple]:
        for i in range(1, self.n_speakers + 1):
            name = f"{FIRST[i % len(FIRST)]} {invented(i).capitalize()}"
            kind = "organization" if i % 11 == 0 else "person"
            yield i, name, name.casefold(), kind, TITLES[i % len(TITLES)], START, START

    def _content(self, length: int) -> str:
        words = self.words.many(length)
        # Numbers are what fact-checkers check: most claims carry one.
        if self.rng.random() < 0.7:
            words[self.rng.randrange(length)] = f"{self.rng.randint(2, 990)}"
        return " ".join(words).capitalize()

    def _claims(self, cur, editors: list[int], researchers: list[int], ratings: list[int]) -> dict[str, int]:
        rng = self.rng
        outlet = Picker(range(1, self.n_outlets + 1), 1.1, rng)
        speaker = Picker(range(1, self.n_speakers + 1), 0.9, rng)
        span = (END - START).total_seconds()
        recent: list[str] = []  # a window of earlier contents, for near repeats
        claim_id = transition_id = history_id = evidence_id = note_id = contribution_id = 0
        article_id = 0
        counts = {"articles": 0, "claims": 0, "transitions": 0, "history": 0, "evidence": 0, "notes": 0}
        claim_cols = ["id", "kind", "content", "content_start", "content_end", "spans", "speaker_mention",
                      "speaker_start", "speaker_end", "speaker_title", "cue", "cue_start", "cue_end", "sentence",
                      "checkworthiness", "checkworthiness_reasons", "fingerprint", "status", "conclusion",
                      "correction_note", "published_at", "corrected_at", "created_at", "updated_at", "article_id",
                      "assignee_id", "researcher_id", "same_as_id", "proposed_rating_id", "rating_id", "speaker_id",
                      "is_question", "stance"]
        history_cols = ["history_id", "id", "kind", "content", "content_start", "content_end", "speaker_mention",
                        "speaker_start", "speaker_end", "speaker_title", "cue", "cue_start", "cue_end",
                        "checkworthiness", "fingerprint", "status", "conclusion", "correction_note", "published_at",
                        "corrected_at", "created_at", "updated_at", "history_date", "history_change_reason",
                        "history_type", "article_id", "assignee_id", "history_user_id", "researcher_id", "same_as_id",
                        "proposed_rating_id", "rating_id", "speaker_id", "is_question", "stance"]
        article_cols = ["id", "url", "canonical_url", "title", "byline", "feed_guid", "published_at", "text",
                        "fingerprint", "source", "status", "error", "attempts", "created_at", "updated_at",
                        "status_changed_at", "processed_at", "outlet_id", "alerts_queued_at", "extraction_seconds"]
        # One COPY per connection at a time: articles, transitions and history stream over three more.
        side, third, fourth = connect(), connect(), connect()
        with contextlib.ExitStack() as stack:
            for conn in (side, third, fourth):
                stack.callback(conn.close)
                conn.execute("SET session_replication_role = replica")
            article_sql, article_extra = copy_statement(cur, "claims_article", article_cols)
            claim_sql, claim_extra = copy_statement(cur, "claims_claim", claim_cols)
            transition_sql, transition_extra = copy_statement(
                cur, "claims_claimtransition", ["id", "from_status", "to_status", "note", "created_at", "actor_id", "claim_id"])
            history_sql, history_extra = copy_statement(cur, "claims_historicalclaim", history_cols)
            articles_copy = stack.enter_context(fourth.cursor().copy(article_sql))
            claims_copy = stack.enter_context(cur.copy(claim_sql))
            t_copy = stack.enter_context(side.cursor().copy(transition_sql))
            h_copy = stack.enter_context(third.cursor().copy(history_sql))
            extra: list[tuple[str, tuple]] = []  # evidence, notes, contributions: written after
            while claim_id < self.n:
                article_id += 1
                n_here = min(self.n - claim_id, max(1, int(rng.expovariate(1 / CLAIMS_PER_ARTICLE)) + 1))
                created = START + dt.timedelta(seconds=span * (claim_id + n_here / 2) / self.n)
                published = created - dt.timedelta(seconds=rng.randint(600, 36 * 3600))
                text_parts: list[str] = []
                position = 0
                rows: list[tuple] = []
                for _ in range(n_here):
                    claim_id += 1
                    sp = speaker()
                    mention = f"{FIRST[sp % len(FIRST)]} {invented(sp).capitalize()}"
                    if recent and rng.random() < 0.03:
                        words = rng.choice(recent).split()
                        words[rng.randrange(len(words))] = self.words()
                        content = " ".join(words)
                    else:
                        content = self._content(rng.randint(8, 40))
                    if rng.random() < 0.01:
                        if len(recent) < 5000:
                            recent.append(content)
                        else:
                            recent[rng.randrange(5000)] = content
                    stance = self.stance()
                    cue = CUES[stance]
                    lead = f"{mention} {cue}: \u201c"
                    start = position + len(lead)
                    end = start + len(content)
                    paragraph = f"{lead}{content}\u201d"
                    text_parts.append(paragraph)
                    speaker_start, speaker_end = position, position + len(mention)
                    cue_start = speaker_end + 1
                    position += len(paragraph) + 2
                    status = self.status() if claim_id < self.n * 0.995 else "new"
                    score = round(rng.betavariate(2, 3), 3)
                    claim_created = created + dt.timedelta(seconds=rng.randint(0, 120))
                    assignee = researcher = rating = proposed = None
                    published_at = corrected_at = None
                    conclusion = correction = ""
                    path = PATHS[status]
                    if "researching" in path:
                        researcher = assignee = rng.choice(researchers)
                    if "in_review" in path:
                        proposed = rng.choice(ratings)
                        conclusion = "The figures do not support the claim. " + self._content(20)
                    if status in ("published", "corrected"):
                        rating = proposed
                    when = claim_created
                    for to in path:
                        when = when + dt.timedelta(hours=rng.randint(1, 72))
                        if to == "published":
                            published_at = when
                        if to == "corrected":
                            corrected_at = when
                            correction = "Corrected: the figure was for the previous year."
                    reasons = '["number"]' if any(c.isdigit() for c in content) else "[]"
                    fp = fingerprint(content)
                    row = (claim_id, self.kind(), content, start, end, f"[[{start}, {end}]]", mention, speaker_start,
                           speaker_end, TITLES[sp % len(TITLES)], cue, cue_start, cue_start + len(cue), content, score,
                           reasons, fp, status, conclusion, correction, published_at, corrected_at, claim_created,
                           when, article_id, assignee, researcher, None, proposed, rating, sp,
                           stance == "asks", stance)
                    rows.append(row)
                    claims_copy.write_row(row + claim_extra)
                    # The path: one transition and one history row per move.
                    previous, when = "new", claim_created
                    actor_cycle = {"triaged": editors[0], "dismissed": editors[1], "researching": researcher,
                                   "in_review": researcher, "published": editors[1], "corrected": editors[0]}
                    for to in path:
                        when = when + dt.timedelta(hours=rng.randint(1, 72))
                        transition_id += 1
                        history_id += 1
                        actor = actor_cycle[to]
                        note = "Not a factual claim." if to == "dismissed" else ""
                        t_copy.write_row((transition_id, previous, to, note, when, actor, claim_id) + transition_extra)
                        h_copy.write_row((history_id, claim_id, row[1], content, start, end, mention, speaker_start,
                                          speaker_end, row[9], cue, cue_start, cue_start + len(cue), score, fp, to,
                                          conclusion if to in ("in_review", "published", "corrected") else "",
                                          correction if to == "corrected" else "",
                                          published_at if to in ("published", "corrected") else None,
                                          corrected_at if to == "corrected" else None, claim_created, when, when,
                                          None, "~", article_id, assignee, actor, researcher, None,
                                          proposed if to in ("in_review", "published", "corrected") else None,
                                          rating if to in ("published", "corrected") else None, sp, stance == "asks",
                                          stance) + history_extra)
                        previous = to
                    counts["transitions"] += len(path)
                    counts["history"] += len(path)
                    if "researching" in path:
                        n_evidence = 2 if status in ("published", "corrected") else 1
                        for k in range(n_evidence):
                            evidence_id += 1
                            extra.append(("evidence", (
                                evidence_id, f"https://stats{k}.example.org/{claim_id}", f"Official figures {claim_id}",
                                "Statistics Office", "The table shows the figure for the year.",
                                ("supports", "contradicts", "context")[k % 3], ("official", "primary")[k % 2],
                                claim_created, f"group-{claim_id}-{k}", claim_created, researcher, claim_id)))
                        for kind in ("research", "evidence") + (("submitted",) if "in_review" in path else ()):
                            contribution_id += 1
                            extra.append(("contribution", (contribution_id, kind, claim_created, claim_id, researcher)))
                    if path and rng.random() < 0.15:
                        note_id += 1
                        extra.append(("note", (note_id, "Checked with the press office; awaiting their figures.",
                                               claim_created, rng.choice(editors), claim_id)))
                counts["claims"] += n_here
                text = "\n\n".join(text_parts)
                domain_outlet = outlet()
                articles_copy.write_row((
                    article_id, f"https://outlet{domain_outlet}.example/news/{article_id}", "",
                    f"{self._content(8)}", "By Staff Reporter", "", published, text,
                    hashlib.sha256(f"{self.seed}:{article_id}".encode()).hexdigest(), "url", "done", "", 1, created,
                    created, created, created, domain_outlet, created, 0.5) + article_extra)
                counts["articles"] += 1
                if claim_id % 200_000 < n_here:
                    self.log(f"  {claim_id:,} claims")
        self._write_extra(cur, extra, counts)
        return counts

    def _write_extra(self, cur, extra: list[tuple[str, tuple]], counts: dict[str, int]) -> None:
        targets = {
            "evidence": ("claims_evidence", "id, url, title, publisher, excerpt, stance, type, accessed_at, "
                                            "independence_group, created_at, added_by_id, claim_id"),
            "note": ("claims_note", "id, body, created_at, author_id, claim_id"),
            "contribution": ("claims_claimcontribution", "id, kind, created_at, claim_id, user_id"),
        }
        for key, (table, columns) in targets.items():
            statement, defaults = copy_statement(cur, table, columns.split(", "))
            with cur.copy(statement) as copy:
                n = 0
                for kind, row in extra:
                    if kind == key:
                        copy.write_row(row + defaults)
                        n += 1
            counts[{"evidence": "evidence", "note": "notes", "contribution": "contributions"}[key]] = n

    def _subscriptions(self, cur, subscribers: list[int]) -> dict[str, int]:
        rng = random.Random(self.seed + 1)
        speaker = Picker(range(1, self.n_speakers + 1), 0.9, rng)
        outlet = Picker(range(1, self.n_outlets + 1), 1.1, rng)
        # Keywords people follow: topical words (not "the"), mid-frequency ranks of the vocabulary.
        topical = self.vocabulary[len(FUNCTION_WORDS): len(FUNCTION_WORDS) + 4000]
        keyword = Picker(topical, 0.8, rng)
        subs, sub_speakers, sub_outlets, terms = [], [], [], []
        link_id = outlet_link = term_id = 0
        for i in range(1, self.n_subscriptions + 1):
            keywords: list[str] = []
            kinds: list[str] = []
            has = False
            if rng.random() < 0.35:
                for _ in range(rng.randint(1, 3)):
                    link_id += 1
                    sub_speakers.append((link_id, i, speaker()))
                has = True
            if rng.random() < 0.2:
                outlet_link += 1
                sub_outlets.append((outlet_link, i, outlet()))
                has = True
            if rng.random() < 0.6 or not has:
                keywords = sorted(set(keyword() for _ in range(rng.randint(1, 3))))
                for word in keywords:
                    term_id += 1
                    terms.append((term_id, word, word, i))
            if rng.random() < 0.15:
                kinds = [rng.choice(["direct", "partial", "indirect"])]
            cadence = rng.choice(["immediate"] * 6 + ["daily"] * 3 + ["weekly"])
            subs.append((i, f"Subscription {i}", json.dumps(keywords), json.dumps(kinds),
                         rng.choice([0.0, 0.0, 0.3, 0.5, 0.7]), rng.random() < 0.02, rng.random() < 0.02, cadence,
                         rng.randint(6, 20), rng.randint(0, 6), "UTC", True, "", START, START, subscribers[i % len(subscribers)]))
        counts = {"subscriptions": self._copy(
            cur, "claims_subscription",
            ["id", "name", "keywords", "kinds", "min_checkworthiness", "repeats_rated_claim", "new_speaker", "cadence",
             "digest_hour", "digest_weekday", "timezone", "active", "paused_reason", "created_at", "updated_at",
             "owner_id"], iter(subs))}
        # A speaker picked twice for one subscription is one row (the table is unique on the pair).
        seen: set[tuple[int, int]] = set()
        unique_speakers = [row for row in sub_speakers if (row[1], row[2]) not in seen and not seen.add((row[1], row[2]))]
        self._copy(cur, "claims_subscription_speakers", ["id", "subscription_id", "speaker_id"], iter(unique_speakers))
        self._copy(cur, "claims_subscription_outlets", ["id", "subscription_id", "outlet_id"], iter(sub_outlets))
        self._copy(cur, "claims_subscriptionkeyword", ["id", "keyword", "normalized", "subscription_id"], iter(terms))
        return counts


def prepare_database(url: str) -> None:
    """Create the database named by `url` if it is missing (PostgreSQL only)."""
    from urllib.parse import urlparse

    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin_dsn = url[: len(url) - len(parsed.path)] + "/postgres"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("claims", type=int)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--subscriptions", type=int, default=100_000)
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("bench/scale_data.py needs DATABASE_URL pointing at PostgreSQL", file=sys.stderr)
        return 2
    prepare_database(url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from claims.models import Claim

    if Claim.objects.exists():
        print("the database already holds claims; use an empty one", file=sys.stderr)
        return 2
    counts = Generator(args.claims, seed=args.seed, n_subscriptions=args.subscriptions,
                       log=lambda m: print(m, file=sys.stderr, flush=True)).run()
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
