"""The access log without the tokens email links carry in their query string.

The confirm, unsubscribe and objection pages must work without JavaScript and take RFC 8058 one-click
POSTs to the very URL in the email, so their token stays in the query string, where uvicorn's access
log would write it down for anyone who reads the logs. This filter writes `token=<redacted>` instead.
"""

import logging
import re

# Any query parameter whose name ends in "token" (token, access_token …), up to the next & or the end.
_TOKEN_VALUE = re.compile(r"([?&][^=&#\s]*token=)[^&#\s\"]*", re.IGNORECASE)
REDACTED = "<redacted>"


def redact(text: str) -> str:
    return _TOKEN_VALUE.sub(rf"\g<1>{REDACTED}", text)


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install() -> None:
    """Redact tokens in uvicorn's access log, once per process, whoever configured the logging."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(existing, RedactTokens) for existing in logger.filters):
        logger.addFilter(RedactTokens())
