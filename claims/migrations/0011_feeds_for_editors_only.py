"""Feeds are the newsroom's configuration: only Editors and Admins see them (view_feed), in the
admin and the API alike. Readers and Researchers had the view right; is_staff no longer counts."""
from django.db import migrations


def take_view_feed(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view_feed = Permission.objects.filter(content_type__app_label="claims", codename="view_feed").first()
    if view_feed is None:
        return
    for group in Group.objects.filter(name__in=["Reader", "Researcher"]):
        group.permissions.remove(view_feed)
    for group in Group.objects.filter(name__in=["Editor", "Admin"]):
        group.permissions.add(view_feed)


class Migration(migrations.Migration):
    dependencies = [("claims", "0010_admins_see_lockouts")]
    operations = [migrations.RunPython(take_view_feed, migrations.RunPython.noop)]
