"""Article versions and stealth edits (issue 19): versions, the refetch schedule, quote changes,
the "quote changed in the source" subscription filter and its alert deliveries (one per change)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0016_corrections_and_rulings'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ArticleRefetch',
            fields=[
                ('article', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='refetch', serialize=False, to='claims.article')),
                ('step', models.PositiveSmallIntegerField(default=0)),
                ('next_at', models.DateTimeField(blank=True, db_index=True, null=True)),
                ('claimed_at', models.DateTimeField(blank=True, null=True)),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('last_checked_at', models.DateTimeField(blank=True, null=True)),
                ('last_changed_at', models.DateTimeField(blank=True, null=True)),
                ('checks', models.PositiveIntegerField(default=0)),
                ('last_error', models.TextField(blank=True, default='')),
                ('failures', models.PositiveSmallIntegerField(default=0)),
            ],
            options={
                'verbose_name': 'article refetch schedule',
            },
        ),
        migrations.CreateModel(
            name='ArticleVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField()),
                ('title', models.CharField(blank=True, default='', max_length=500)),
                ('text', models.TextField()),
                ('fingerprint', models.CharField(max_length=64)),
                ('fetched_at', models.DateTimeField()),
                ('last_checked_at', models.DateTimeField()),
                ('claim_spans', models.JSONField(blank=True, default=dict)),
                ('changes', models.JSONField(blank=True, default=dict)),
                ('correction_note', models.TextField(blank=True, default='')),
            ],
            options={
                'ordering': ['article', 'number'],
            },
        ),
        migrations.CreateModel(
            name='QuoteChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('changed', 'Changed'), ('removed', 'Removed')], max_length=8)),
                ('old_words', models.TextField()),
                ('new_words', models.TextField(blank=True, default='')),
                ('diff', models.JSONField(default=list)),
                ('correction_note', models.TextField(blank=True, default='')),
                ('flagged', models.BooleanField(db_index=True, default=False)),
                ('claim_status', models.CharField(blank=True, default='', max_length=12)),
                ('detected_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('notice_status', models.CharField(choices=[('none', 'Not needed'), ('pending', 'Pending'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed')], db_index=True, default='none', max_length=8)),
                ('notice_error', models.TextField(blank=True, default='')),
                ('notice_attempts', models.PositiveSmallIntegerField(default=0)),
                ('notice_claimed_at', models.DateTimeField(blank=True, null=True)),
                ('notice_next_at', models.DateTimeField(blank=True, null=True)),
                ('notice_sent_at', models.DateTimeField(blank=True, null=True)),
                ('alerts_queued_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'ordering': ['-detected_at', '-id'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='alertdelivery',
            name='alert_once_per_subscription_claim',
        ),
        migrations.AddField(
            model_name='subscription',
            name='quote_changed',
            field=models.BooleanField(default=False, help_text='Only claims whose quote the outlet changed or removed after we found it (tracked, researched or published claims).', verbose_name='quote changed in the source'),
        ),
        migrations.AddField(
            model_name='articleversion',
            name='article',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='claims.article'),
        ),
        migrations.AddField(
            model_name='quotechange',
            name='claim',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='quote_changes', to='claims.claim'),
        ),
        migrations.AddField(
            model_name='quotechange',
            name='from_version',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='claims.articleversion'),
        ),
        migrations.AddField(
            model_name='quotechange',
            name='notice_to',
            field=models.ForeignKey(blank=True, help_text='The assignee the e-mail went to (at sending).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='quotechange',
            name='to_version',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='quote_changes', to='claims.articleversion'),
        ),
        migrations.AddField(
            model_name='alertdelivery',
            name='quote_change',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='alert_deliveries', to='claims.quotechange'),
        ),
        migrations.AddConstraint(
            model_name='alertdelivery',
            constraint=models.UniqueConstraint(condition=models.Q(('quote_change__isnull', True)), fields=('subscription', 'claim'), name='alert_once_per_subscription_claim'),
        ),
        migrations.AddConstraint(
            model_name='alertdelivery',
            constraint=models.UniqueConstraint(condition=models.Q(('quote_change__isnull', False)), fields=('subscription', 'quote_change'), name='alert_once_per_subscription_quote_change'),
        ),
        migrations.AddConstraint(
            model_name='articleversion',
            constraint=models.UniqueConstraint(fields=('article', 'number'), name='article_version_unique_number'),
        ),
        migrations.AddConstraint(
            model_name='articleversion',
            constraint=models.CheckConstraint(condition=models.Q(('number__gte', 1)), name='article_version_number_positive'),
        ),
        migrations.AddConstraint(
            model_name='quotechange',
            constraint=models.UniqueConstraint(fields=('claim', 'to_version'), name='quote_change_once_per_version'),
        ),
        migrations.AddConstraint(
            model_name='quotechange',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['changed', 'removed'])), name='quote_change_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='quotechange',
            constraint=models.CheckConstraint(condition=models.Q(('notice_status__in', ['none', 'pending', 'sending', 'sent', 'failed'])), name='quote_change_notice_valid'),
        ),
    ]
