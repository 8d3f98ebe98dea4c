"""The mentor role: a "Mentors" group holding the `mentor_cohorts` permission.

Permissions are normally created after migrations run, so this one is made
here. The reverse removes the group (and the permission, if nothing else uses it).
"""

from django.db import migrations

GROUP = "Mentors"
CODENAME = "mentor_cohorts"


def create_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="mentoring", model="cohort")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=CODENAME,
        defaults={"name": "Can mentor the cohorts they are assigned to"},
    )
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(permission)


def remove_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("mentoring", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
