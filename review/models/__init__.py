"""Models of the review app, one module per concern: ``workflow`` (tasks,
task states, the approval form) and ``filings`` (报备/报批 to the superior)."""

from .filings import *  # noqa: F403
from .workflow import *  # noqa: F403
