"""Signal handlers of the review app, connected in ReviewConfig.ready(); each is one line of side effect."""

from __future__ import annotations

from .demo import demo_install


def install_demo(sender, report, with_users=True, **kwargs) -> None:
    demo_install(report=report, with_users=with_users)
