"""Existing units get their own document collection; documents already attached to items move into
the collection of their item's unit; the shared unit-users group loses its document permission on
the root collection (documents now follow memberships, disclosure_pages.permissions)."""

from django.db import migrations

STEPLEN = 4


def unit_collections(apps, schema_editor):
    # The real Collection model: its tree (treebeard) methods are not on the historical model.
    from wagtail.models import Collection

    UnitPage = apps.get_model("disclosure_pages", "UnitPage")
    RegionPage = apps.get_model("disclosure_pages", "RegionPage")
    ItemAttachment = apps.get_model("disclosure_pages", "ItemAttachment")
    Document = apps.get_model("wagtaildocs", "Document")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    root = Collection.get_first_root_node()
    if root is None:
        return
    regions = dict(RegionPage.objects.values_list("path", "title"))
    for unit in UnitPage.objects.filter(collection__isnull=True).order_by("path"):
        names, prefix = [], unit.path[:-STEPLEN]
        while prefix in regions:
            names.append(regions[prefix])
            prefix = prefix[:-STEPLEN]
        name = "/".join([*reversed(names), unit.title])
        collection = root.add_child(name=name)
        UnitPage.objects.filter(pk=unit.pk).update(collection_id=collection.pk)
        root.refresh_from_db()

    units = list(UnitPage.objects.order_by("-depth").values_list("path", "collection_id"))
    for attachment in ItemAttachment.objects.select_related("page").order_by("pk"):
        for path, collection_id in units:
            if attachment.page.path.startswith(path):
                Document.objects.filter(pk=attachment.document_id).update(collection_id=collection_id)
                break
    GroupCollectionPermission.objects.filter(
        group__name="单位用户", permission__content_type__app_label="wagtaildocs"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure_pages", "0003_unitpage_collection"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(unit_collections, migrations.RunPython.noop)]
