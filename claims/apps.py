from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Fact-check tracker"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from claims import checks, receivers, rollup_receivers  # noqa: F401 - registers the system checks, connects the receivers
