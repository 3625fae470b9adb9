"""`Article.batch_leader` meant three things: the leader of the batch an article was in, "released
to run alone" (pointing at itself) and nothing. Each meaning gets its own name: `batch_of` (the
article whose batch is processing this one) and `runs_alone`; empty is still "free"."""
from django.db import migrations, models
from django.db.models import F


def split(apps, schema_editor):
    Article = apps.get_model("claims", "Article")
    Article.objects.filter(batch_of=F("pk")).update(batch_of=None, runs_alone=True)


def join(apps, schema_editor):
    Article = apps.get_model("claims", "Article")
    Article.objects.filter(runs_alone=True).update(batch_of=F("pk"))


class Migration(migrations.Migration):
    dependencies = [("claims", "0020_subscription_keyword_lexemes")]
    operations = [
        migrations.RenameField(model_name="article", old_name="batch_leader", new_name="batch_of"),
        migrations.AddField(
            model_name="article", name="runs_alone", field=models.BooleanField(default=False, editable=False)
        ),
        migrations.RunPython(split, join),
    ]
