# Content types follow the moved models: Wagtail finds a task's and a task state's specific
# class through its content_type, and permissions (view_approvalform of the archivists) hang
# on the form's. Rows are renamed in place, so every reference to them stays valid.

from django.db import migrations

MOVED = {
    "disclosure_pages": ["reviewtask", "reviewtaskstate", "leaderapprovaltask", "leaderapprovaltaskstate"],
    "archive": ["approvalform", "historicalapprovalform"],
}
# What points at a content type and must follow when both rows exist (a content type for the
# new label was already created, e.g. by a post_migrate run between the two migrations).
REFERENCES = [
    ("wagtailcore", "Task", "content_type"),
    ("wagtailcore", "TaskState", "content_type"),
    ("auth", "Permission", "content_type"),
]


def move(apps, schema_editor, *, to_review: bool):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old_app, models in MOVED.items():
        for model in models:
            source, target = (old_app, "review") if to_review else ("review", old_app)
            old = ContentType.objects.filter(app_label=source, model=model).first()
            if old is None:
                continue
            new = ContentType.objects.filter(app_label=target, model=model).first()
            if new is None:
                old.app_label = target
                old.save(update_fields=["app_label"])
                continue
            for app_label, name, field in REFERENCES:
                Model = apps.get_model(app_label, name)
                if name == "Permission":
                    taken = set(Model.objects.filter(content_type=new).values_list("codename", flat=True))
                    Model.objects.filter(content_type=old, codename__in=taken).delete()
                Model.objects.filter(**{field: old}).update(**{field: new})
            old.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("review", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, editor: move(apps, editor, to_review=True),
            lambda apps, editor: move(apps, editor, to_review=False),
        ),
    ]
