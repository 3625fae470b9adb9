"""Set up the demo that `make run` serves (refused when DEBUG is off): users of each role, articles
written for the project, and claims in every state of the workflow. The work is
claims.services.demo.load_demo; this prints what a newcomer needs."""
from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from claims.services.demo import load_demo
from claims.services.errors import DomainError


class Command(BaseCommand):
    help = "Create the demo users and articles and walk claims through the workflow (development only)."

    def handle(self, *args, **options) -> None:
        password = os.environ.get("DEMO_PASSWORD", "factcheck-demo")
        try:
            result = load_demo(password=password)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for article in result.articles:
            outlet = f" ({article.outlet.name})" if article.outlet else ""
            self.stdout.write(f"Demo article '{article}'{outlet}: {article.status}, {article.claims.count()} claims.")
        states = ", ".join(f"{count} {status.replace('_', ' ')}" for status, count in result.states.items() if count)
        self.stdout.write(f"Claims: {states}.")
        site = settings.SITE_URL
        self.stdout.write(self.style.SUCCESS(f"Demo users (password '{password}' for each new one):"))
        for username, role, state in result.users:
            self.stdout.write(f"  {username:<11} {role:<11} {state}")
        self.stdout.write(
            f"Home {site}/  ·  admin {site}/admin/  ·  fact checks {site}/fact-checks/  ·  API docs {site}/api/v1/docs/"
        )
        if result.workflow_done:
            self.stdout.write("An alert e-mail was printed above (console mail); the daily digest waits under "
                              "Admin → Alert deliveries.")
