"""PostgreSQL only: a GIN index on the English lexemes of each alert keyword, so a new claim's
lexemes find the keywords that contain them without reading every keyword
(claims.selectors.alerts._pg_keyword_hits; the expression must stay the same as there).
Keywords are written rarely and read on every batch: `fastupdate = off` keeps new rows out of
GIN's pending list, which each lookup would otherwise scan whole until the next vacuum."""
from django.db import migrations

FORWARD = (
    "CREATE INDEX IF NOT EXISTS subscription_keyword_lexemes_idx ON claims_subscriptionkeyword "
    "USING gin (tsvector_to_array(to_tsvector('english'::regconfig, normalized))) WITH (fastupdate = off)"
)
BACKWARD = "DROP INDEX IF EXISTS subscription_keyword_lexemes_idx"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("claims", "0019_transcripts")]
    operations = [migrations.RunPython(forward, backward)]
