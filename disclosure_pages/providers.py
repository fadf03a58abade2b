"""What other apps plug into this app's screens, without this app importing them.

The item's history shows the archive's records, the item editor shows the pre-screen and
the approval form's proposer part: those belong to the archive and review apps, which
depend on this one. They register their providers here in their AppConfig.ready(); with
none registered (an app not installed), each answer is empty.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_providers: dict[str, list[Callable[..., Any]]] = {}

TIMELINE = "timeline"  # item -> list[history.TimelineEntry] (the archive's records)
PRESCREEN = "prescreen"  # item (a draft) -> list of findings (the review's pre-screen)
PROPOSAL_INITIAL = "proposal_initial"  # item -> {field: value} of the proposer's part of the approval form


def register(name: str, provider: Callable[..., Any]) -> None:
    """Register `provider` for `name`; registering the same function again is a no-op."""
    providers = _providers.setdefault(name, [])
    if provider not in providers:
        providers.append(provider)


def ask_all(name: str, *args: Any, **kwargs: Any) -> list[Any]:
    """Every registered provider's answer, in registration order."""
    return [provider(*args, **kwargs) for provider in _providers.get(name, [])]


def ask(name: str, *args: Any, default: Any = None, **kwargs: Any) -> Any:
    """The first provider's answer, or `default` when none is registered."""
    providers = _providers.get(name)
    return providers[0](*args, **kwargs) if providers else default
