"""Today's date in Beijing time, in one place so that tests can set the day they judge."""

import datetime

from django.utils import timezone


def today() -> datetime.date:
    return timezone.localdate()
