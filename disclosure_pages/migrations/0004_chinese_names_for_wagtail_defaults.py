"""Wagtail's own migrations create two groups, a workflow and the tree's root page with English
names; the admin shows them (user list, group filter, workflow reports, "浏览: Root"), so they get
Chinese ones."""

from django.db import migrations

ROOT = {"Root": "根目录"}
GROUPS = {"Moderators": "审核人员（系统默认）", "Editors": "编辑人员（系统默认）"}
WORKFLOW = {"Moderators approval": "管理员审批（系统默认）"}


def rename(apps, schema_editor, groups=GROUPS, workflow=WORKFLOW, root=ROOT):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    for old, new in root.items():
        Page.objects.filter(depth=1, title=old).update(title=new, draft_title=new)
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    for old, new in groups.items():
        if not Group.objects.filter(name=new).exists():
            Group.objects.filter(name=old).update(name=new)
    for old, new in workflow.items():
        Workflow.objects.filter(name=old).update(name=new)
        Task.objects.filter(name=old).update(name=new)


def rename_back(apps, schema_editor):
    back = [{v: k for k, v in names.items()} for names in (GROUPS, WORKFLOW, ROOT)]
    rename(apps, schema_editor, *back)


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure_pages", "0003_help_texts_cite_documents_by_title"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
