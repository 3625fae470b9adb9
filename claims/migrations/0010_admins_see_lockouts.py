"""The Admin group sees login lockouts (django-axes) and may lift them from the admin: staff must
be able to tell a locked-out colleague why, without a shell."""
from django.db import migrations

LOCKOUT_PERMS = ["view_accessattempt", "delete_accessattempt", "view_accesslog", "view_accessfailurelog"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admins, _ = Group.objects.get_or_create(name="Admin")
    admins.permissions.add(*Permission.objects.filter(content_type__app_label="axes", codename__in=LOCKOUT_PERMS))


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0009_claim_contributions"),
        ("axes", "0010_accessattemptexpiration"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
