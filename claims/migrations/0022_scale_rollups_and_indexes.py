"""Issue 20 (ten million claims): the daily roll-ups the dashboard reads, filled from the claims
already stored; background jobs for large bulk actions; and the PostgreSQL indexes every list filter and sort of the admin, the API and
the alerts uses (tests/scale/test_query_plans.py checks the plans use them)."""
from django.conf import settings
from django.db import migrations, models

# (name, definition). Each list filter is paired with the lists' order (newest first, id to break
# ties), so a filtered first page is an index range scan plus LIMIT, not a sort of every match.
INDEXES = [
    ("claim_status_created_idx", "claims_claim (status, created_at DESC, id DESC)"),
    ("claim_kind_created_idx", "claims_claim (kind, created_at DESC, id DESC)"),
    ("claim_stance_created_idx", "claims_claim (stance, created_at DESC, id DESC)"),
    ("claim_rating_created_idx", "claims_claim (rating_id, created_at DESC, id DESC)"),
    ("claim_assignee_created_idx", "claims_claim (assignee_id, created_at DESC, id DESC)"),
    ("claim_question_created_idx", "claims_claim (created_at DESC, id DESC) WHERE is_question"),
    ("claim_created_id_idx", "claims_claim (created_at DESC, id DESC)"),
    # The dashboard's oldest open claims and a user's queue: open claims, oldest first.
    ("claim_unresolved_idx", "claims_claim (created_at, id) "
                             "WHERE status IN ('new', 'triaged', 'researching', 'in_review')"),
    # Public pages, feeds and ClaimReview: published fact checks, newest publication first.
    ("claim_public_published_idx", "claims_claim (published_at DESC, id DESC) "
                                   "WHERE status IN ('published', 'corrected')"),
    ("article_outlet_created_idx", "claims_article (outlet_id, created_at DESC, id DESC)"),
    # Admin search and autocomplete (`icontains` is UPPER(col) LIKE UPPER('%x%') on PostgreSQL).
    ("speaker_name_upper_trgm_idx", "claims_speaker USING gin (upper((name)::text) gin_trgm_ops)"),
    ("article_title_upper_trgm_idx", "claims_article USING gin (upper((title)::text) gin_trgm_ops)"),
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def fill_rollups(apps, schema_editor):
    from claims.services.rollups import rebuild_rollups

    rebuild_rollups()


class Migration(migrations.Migration):
    # Moved to the end of the chain (by the stealth-edits work, issue 19): 0018-0021 waited on this
    # uncommitted migration to commit theirs. Its operations touch nothing they change. Before
    # committing, rename it to the next free number and point this at the latest committed one.
    dependencies = [("claims", "0021_article_batch_of_runs_alone"), migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="ClaimDailyCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                ("status", models.CharField(max_length=12)),
                ("kind", models.CharField(max_length=10)),
                ("rating_pk", models.BigIntegerField(default=0)),
                ("n", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("day", "status", "kind", "rating_pk"), name="claim_daily_count_key")
                ],
            },
        ),
        migrations.CreateModel(
            name="SpeakerDailyCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                ("speaker_pk", models.BigIntegerField()),
                ("n", models.BigIntegerField(default=0)),
            ],
            options={
                "indexes": [models.Index(fields=["speaker_pk"], name="speaker_daily_speaker_idx")],
                "constraints": [models.UniqueConstraint(fields=("day", "speaker_pk"), name="speaker_daily_count_key")],
            },
        ),
        migrations.CreateModel(
            name="BulkJob",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("action", models.CharField(max_length=20)),
                ("status", models.CharField(choices=[("queued", "Queued"), ("running", "Running"), ("done", "Done"),
                                                     ("failed", "Failed")], default="queued", max_length=8)),
                ("total", models.PositiveIntegerField(default=0)),
                ("done_count", models.PositiveIntegerField(default=0)),
                ("refused_count", models.PositiveIntegerField(default=0)),
                ("refusals", models.JSONField(blank=True, default=list)),
                ("last_claim_id", models.BigIntegerField(default=0)),
                ("error", models.TextField(blank=True, default="")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                ("user", models.ForeignKey(on_delete=models.deletion.CASCADE, related_name="+",
                                           to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "bulk action",
                "ordering": ["-created_at"],
                "constraints": [models.CheckConstraint(condition=models.Q(("status__in", ["queued", "running", "done",
                                                                                           "failed"])),
                                                       name="bulk_job_status_valid")],
            },
        ),
        migrations.CreateModel(
            name="BulkJobItem",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("claim_id", models.BigIntegerField()),
                ("job", models.ForeignKey(on_delete=models.deletion.CASCADE, related_name="items",
                                          to="claims.bulkjob")),
            ],
            options={"constraints": [models.UniqueConstraint(fields=("job", "claim_id"), name="bulk_item_once")]},
        ),
        migrations.RunPython(forward, backward),
        migrations.RunPython(fill_rollups, migrations.RunPython.noop),
    ]
