"""One line of side effect each: publication enqueues the notices after the commit."""

from __future__ import annotations

from django.db import transaction


def item_published(sender, instance, **kwargs) -> None:
    from .tasks import enqueue_publication

    item_id = instance.pk
    transaction.on_commit(lambda: enqueue_publication(item_id), robust=True)
