"""Handing messages to a mail server, or to files when none is configured."""

from notifications.delivery.errors import (
    PermanentFailure,
    TemporaryFailure,
    Unavailable,
)
from notifications.delivery.transport import Transport, make_transport

__all__ = ["PermanentFailure", "TemporaryFailure", "Transport", "Unavailable", "make_transport"]
