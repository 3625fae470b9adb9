"""PostgreSQL-only search indexes: trigram similarity for "similar earlier claims" and a GIN
full-text index for the API's `q`. Other databases use the Python fallbacks in the selectors."""
from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS claim_content_trgm_idx ON claims_claim USING gin (content gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS claim_content_fts_idx ON claims_claim USING gin (to_tsvector('english', content))",
]
BACKWARD = ["DROP INDEX IF EXISTS claim_content_fts_idx", "DROP INDEX IF EXISTS claim_content_trgm_idx"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("claims", "0002_groups_and_rating_scale")]
    operations = [migrations.RunPython(forward, backward)]
