# Transcripts (issue 19, "Speeches, debates and interviews"): an article can be a transcript, with
# its layout (turns, speakers, time codes) and the recording it comes from; claims keep when they
# were said.
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0018_article_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="media_url",
            field=models.URLField(blank=True, default="", max_length=2048),
        ),
        migrations.AddField(
            model_name="article",
            name="transcript",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="article",
            name="source",
            field=models.CharField(
                choices=[("text", "Pasted text"), ("file", "File"), ("url", "URL"), ("feed", "Feed"),
                         ("transcript", "Transcript")],
                default="text", max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="start_seconds",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="claim",
            name="end_seconds",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="start_seconds",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="end_seconds",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(("start_seconds__isnull", True), ("end_seconds__isnull", True),
                                   models.Q(("end_seconds__gte", models.F("start_seconds")), ("start_seconds__gte", 0)),
                                   _connector="OR"),
                name="claim_times_ordered",
            ),
        ),
    ]
