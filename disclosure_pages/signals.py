"""Signals of this app (other apps listen; handlers here stay one line each)."""

from django.dispatch import Signal

# Sent after a bulk import has committed, with `item_ids`: search indexes them in one go.
items_imported = Signal()
