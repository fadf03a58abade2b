"""Workflow tasks, their states and the approval form (审批表)."""

__all__: list[str] = []
