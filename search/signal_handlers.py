"""Signal handlers of the search app, connected in SearchConfig.ready(); each
is one line of side effect (enqueue after commit, forget a cache)."""

from __future__ import annotations

from search import backends, selectors, tasks


def page_changed(sender, instance, **kwargs) -> None:
    # page_published, page_unpublished (revocation too) and post_page_move.
    tasks.sync_page_on_commit(instance)


def item_deleted(sender, instance, **kwargs) -> None:
    tasks.sync_on_commit(item_ids=[instance.pk])


def items_imported(sender, item_ids, **kwargs) -> None:
    tasks.sync_on_commit(item_ids=item_ids)


def synonyms_changed(sender, **kwargs) -> None:
    selectors.forget_synonyms()


def settings_changed(setting, **kwargs) -> None:
    if setting in backends.BACKEND_SETTINGS:
        backends.reset_backend()
