"""Domain signals of this app: other apps listen, this app never imports them.

Sent *inside* the transaction of the change, so that a synchronous receiver that fails
(the archive cannot file the item) fails the change too: nothing is published, revoked or
imported without its archive record. Receivers are connected in their AppConfig.ready().
Publication itself is Wagtail's `page_published`, sent inside the publish transaction.
"""

from django.dispatch import Signal

# A supervisor revokes (撤消) a published item, before it is unpublished: `item`, `user`, `reason`.
# A receiver may return the record it made (RevokeItemAction logs its id).
item_revoked = Signal()

# Items were created already published (an import, the demo data), inside the import's
# transaction: `items` (the pages, in tree order).
items_created_published = Signal()

# The demo data was loaded (inside its transaction): `report` (demo.DemoReport), `with_users`.
# The review app installs its workflow and its personas.
demo_loaded = Signal()

# Sent after a bulk import has committed, with `item_ids`: search indexes them in one go.
items_imported = Signal()
