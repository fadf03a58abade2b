"""The review's part of the demo data: its workflow on the home page (and its personas)."""

from __future__ import annotations

from .services import workflow_install


def demo_install(*, report, with_users: bool = True) -> None:
    workflow_install()
