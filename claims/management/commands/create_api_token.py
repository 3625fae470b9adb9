"""`manage.py create_api_token <username> [--name N] [--expires-days D]` prints a new API key once;
`--revoke <prefix>` revokes one of the user's keys instead."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from claims.services.errors import DomainError
from claims.services.tokens import create_api_token, revoke_api_token_by_prefix


class Command(BaseCommand):
    help = "Issue (or revoke) an API token for a user. The key is printed once and never stored."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="default", help="A label to tell the user's keys apart.")
        parser.add_argument("--expires-days", type=int, default=None, help="Expire the key after this many days.")
        parser.add_argument(
            "--revoke", metavar="PREFIX",
            help="Revoke the user's key starting with PREFIX (write --revoke=PREFIX if it begins with -).",
        )

    def handle(self, *args, username: str, name: str, expires_days: int | None, revoke: str | None, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        try:
            if revoke:
                token = revoke_api_token_by_prefix(user=user, prefix=revoke)
                self.stdout.write(f"Revoked {token}.")
                return
            issued = create_api_token(user=user, name=name, expires_in_days=expires_days)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        expiry = issued.token.expires_at.isoformat() if issued.token.expires_at else "never"
        self.stderr.write(f"Token {issued.token.name!r} for {username} (expires {expiry}). Store it now:")
        self.stdout.write(issued.key)
