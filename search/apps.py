from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    # wagtail.search is "wagtailsearch"; "search" is free.
    label = "search"
    verbose_name = "全文检索"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core.signals import setting_changed
        from django.db.models.signals import post_delete, post_save
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from disclosure_pages.models import DisclosureItemPage
        from disclosure_pages.signals import items_imported

        from . import signal_handlers
        from .models import Synonym

        # dispatch_uid everywhere: ready() may run twice in some test runners.
        page_published.connect(signal_handlers.page_changed, dispatch_uid="search.page_published")
        page_unpublished.connect(signal_handlers.page_changed, dispatch_uid="search.page_unpublished")
        post_page_move.connect(signal_handlers.page_changed, dispatch_uid="search.post_page_move")
        post_delete.connect(signal_handlers.item_deleted, sender=DisclosureItemPage, dispatch_uid="search.item_deleted")
        items_imported.connect(signal_handlers.items_imported, dispatch_uid="search.items_imported")
        post_save.connect(signal_handlers.synonyms_changed, sender=Synonym, dispatch_uid="search.synonym_saved")
        post_delete.connect(signal_handlers.synonyms_changed, sender=Synonym, dispatch_uid="search.synonym_deleted")
        setting_changed.connect(signal_handlers.settings_changed, dispatch_uid="search.settings_changed")
