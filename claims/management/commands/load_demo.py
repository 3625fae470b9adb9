"""Set up the demo that `make run` serves: a superuser (never in production) and an article
written for the project, processed in-process."""
from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from claims.models import Article
from claims.services.articles import submit_article

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"


class Command(BaseCommand):
    help = "Create the demo superuser and ingest the demo articles (refused when DEBUG is off)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG or not settings.FACTCHECK_DEMO:
            raise CommandError("The demo is for development only (DEBUG and FACTCHECK_DEMO must be on).")
        username = os.environ.get("DEMO_USERNAME", "admin")
        password = os.environ.get("DEMO_PASSWORD", "factcheck-demo")
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": True, "is_superuser": True, "email": "admin@example.org"}
        )
        if created:
            user.set_password(password)
            user.save()
        for path in sorted(DEMO_DIR.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            title, _, body = text.partition("\n")
            submission = submit_article(text=text, title=title.strip(), source=Article.Source.FILE, submitted_by=user)
            article = Article.objects.get(pk=submission.article.pk)
            self.stdout.write(f"Demo article '{article.title}': {article.status}, {article.claims.count()} claims.")
        state = "created" if created else "exists (password unchanged)"
        self.stdout.write(self.style.SUCCESS(f"Demo superuser {state}: username '{username}', password '{password}'."))
