"""Domain signals of on-request disclosure and feedback. Sent inside the step's transaction: a receiver
that fails (the archive's filing) undoes the step. Receivers: archive.signal_handlers."""

from django.dispatch import Signal

# request=DisclosureRequest: its final answer was given (答复, or 不予受理 with its reason).
request_concluded = Signal()
# feedback=Feedback: an opinion or 点题 was answered (or its answer changed).
feedback_answered = Signal()
