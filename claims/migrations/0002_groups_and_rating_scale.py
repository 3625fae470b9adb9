"""Seed the editorial groups and the common rating scale.

Groups carry permissions so the server enforces roles; the scale's numbers are ClaimReview's
ratingValue (1 = worst, 6 = best)."""
from django.db import migrations

VIEW = ["view_article", "view_claim", "view_speaker", "view_outlet", "view_rating", "view_ratingscale",
        "view_evidence", "view_claimtransition"]
RESEARCH = ["triage_claim", "research_claim", "add_evidence", "change_evidence", "add_note", "view_note",
            "add_article", "change_claim"]
# Feeds are the newsroom's configuration (their URLs and errors included): Editors and Admins only,
# in the admin and the API alike (migration 0011 takes view_feed from Readers and Researchers).
EDIT = ["assign_claim", "publish_claim", "correct_claim", "change_speaker", "change_article", "delete_evidence",
        "view_feed", "add_feed", "change_feed", "add_outlet", "change_outlet"]
GROUPS = {
    "Reader": VIEW,
    "Researcher": VIEW + RESEARCH,
    "Editor": VIEW + RESEARCH + EDIT,
    "Admin": VIEW + RESEARCH + EDIT + ["add_rating", "change_rating", "add_ratingscale", "change_ratingscale",
                                        "delete_feed", "delete_article", "add_speaker", "delete_speaker"],
}
SCALE = [
    ("True", "true", 6, "#1a7f37", "The statement is accurate and nothing significant is missing."),
    ("Mostly true", "mostly-true", 5, "#5a9e2f", "Accurate but needs clarification or additional information."),
    ("Half true", "half-true", 4, "#d4a017", "Partially accurate but leaves out important details or takes things out of context."),
    ("Mostly false", "mostly-false", 3, "#e07b1a", "Contains an element of truth but ignores critical facts."),
    ("False", "false", 2, "#c62828", "The statement is not accurate."),
    ("Pants on fire", "pants-on-fire", 1, "#7b1010", "Not accurate and makes a ridiculous claim."),
]


def seed(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    seed_groups_and_scale(apps)


def seed_groups_and_scale(apps) -> None:
    """Idempotent; also used by the test suite to restore this data after a flush."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(content_type__app_label="claims", codename__in=codenames))
    RatingScale = apps.get_model("claims", "RatingScale")
    Rating = apps.get_model("claims", "Rating")
    scale, _ = RatingScale.objects.get_or_create(
        slug="truth-o-meter", defaults={"name": "Common six-point scale", "is_default": True, "best_value": 6, "worst_value": 1}
    )
    for order, (label, slug, value, colour, definition) in enumerate(SCALE):
        Rating.objects.get_or_create(
            scale=scale, slug=slug,
            defaults={"label": label, "value": value, "colour": colour, "definition": definition, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
