"""What can go wrong handing over a message, sorted by what the worker does about it."""


class DeliveryError(Exception):
    """A message was not accepted; the text is what the server (or the socket) said."""


class TemporaryFailure(DeliveryError):
    """4xx or a connection dropped mid-message: try this message again later."""


class PermanentFailure(DeliveryError):
    """5xx: the server will never take this message for this address."""


class Unavailable(DeliveryError):
    """The server cannot be reached or refuses our login: pause the whole queue, blame no message."""
