"""Background sending (django-tasks). Publishing never waits for, nor fails because of, the gateway:
the publication receiver only enqueues `notify_publication` after the commit; each message is its
own `send_message` task. django-tasks has no automatic retries: a failed send moves the message's
`send_after` on and re-enqueues it deferred where the task backend can defer; `sms_send_due` (run by
run_scheduler every minute) sends whatever is due otherwise — after quiet hours, retries."""

from __future__ import annotations

import datetime
import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def notify_publication(item_id: int) -> dict[str, int]:
    from .services import publication_notify

    report = publication_notify(item_id=item_id)
    return {"queued": report.queued, "deferred": report.deferred, "dropped": report.dropped}


@task()
def send_message(message_id: int) -> str:
    from .services import message_send

    message = message_send(message_id=message_id)
    return message.status if message is not None else "missing"


def enqueue_publication(item_id: int) -> None:
    try:
        notify_publication.enqueue(item_id)
    except Exception:  # noqa: BLE001 - publishing must not fail because of the SMS channel
        logger.exception("could not enqueue the SMS notices of item %s", item_id)


def enqueue_send(message_id: int, send_after: datetime.datetime, *, due: bool) -> None:
    try:
        if due:
            send_message.enqueue(message_id)
        elif send_message.get_backend().supports_defer:
            send_message.using(run_after=send_after).enqueue(message_id)
        # else: sms_send_due sends it when it is due
    except Exception:  # noqa: BLE001 - the queued row stays; sms_send_due picks it up
        logger.exception("could not enqueue SMS %s", message_id)
