"""The operator role (坐席员): a Wagtail group that may enter the admin and use the call-centre console."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "坐席员"
PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin"),
    ("callcentre", "callrecord", "use_console"),
]


def create_group(apps, schema_editor):
    # Model permissions are normally created after all migrations; create ours now.
    config = apps.get_app_config("callcentre")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, model, codename in PERMISSIONS:
        permission = Permission.objects.filter(
            content_type__app_label=app_label, content_type__model=model, codename=codename
        ).first()
        if permission is not None:
            group.permissions.add(permission)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("callcentre", "0001_initial"),
        ("wagtailadmin", "0003_admin_managed"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
