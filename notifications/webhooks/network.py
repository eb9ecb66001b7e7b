"""Where a webhook may be sent, and the HTTP client that sends it."""

from urllib.parse import urlsplit

import httpx

from registry.errors import ErrorCode, RegistryError


def check_target(*, url: str, settings) -> None:
    """Refuse a URL a webhook must not go to: https only, or http to a host in REGISTRY_WEBHOOK_HTTP_HOSTS."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host = None
    if not host:
        raise RegistryError.one("Give an absolute URL, such as https://example.com/hooks.", ErrorCode.INVALID, "url")
    if parts.scheme == "https" or (parts.scheme == "http" and host in settings.webhook_http_hosts):
        return
    raise RegistryError.one("A webhook URL must use https.", ErrorCode.INVALID, "url")


def open_client(*, settings, timeout: float) -> httpx.AsyncClient:
    """The client deliveries go through: it never follows a redirect to somewhere else."""
    return httpx.AsyncClient(follow_redirects=False, timeout=timeout)
