"""Headers every answer carries, whichever route wrote it: no MIME sniffing, no framing, HTTPS only."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from registry.settings import RegistrySettings

# A year; not includeSubDomains: the registry may sit on the organisation's own domain, whose other
# hosts it cannot speak for (an http-only intranet host would become unreachable).
_HSTS = b"max-age=31536000"


class SecurityHeaders:
    """Add nosniff and frame-ancestors 'none' to every response, and HSTS when the public URL is https."""

    def __init__(self, app: ASGIApp, *, settings: RegistrySettings) -> None:
        self.app = app
        self.hsts = settings.public_url.lower().startswith("https://")
        self.replaced = {b"x-content-type-options", b"content-security-policy"} | (
            {b"strict-transport-security"} if self.hsts else set())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = self._added(message.get("headers", ()))
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _added(self, headers) -> list[tuple[bytes, bytes]]:
        # Raw header pairs, not MutableHeaders: this runs on every answer, the cached ones included.
        policy = next((value for name, value in headers if name.lower() == b"content-security-policy"), None)
        kept = [(name, value) for name, value in headers if name.lower() not in self.replaced]
        kept.append((b"x-content-type-options", b"nosniff"))
        if self.hsts:
            kept.append((b"strict-transport-security", _HSTS))
        kept.append((b"content-security-policy", no_framing(policy.decode("latin-1") if policy else None).encode("latin-1")))
        return kept


def no_framing(policy: str | None) -> str:
    """The policy with frame-ancestors 'none' added, unless it already says who may frame the page."""
    if policy is None or not policy.strip():
        return "frame-ancestors 'none'"
    directives = [directive.strip().split(" ", 1)[0].lower() for directive in policy.split(";")]
    if "frame-ancestors" in directives:
        return policy
    return f"{policy.rstrip().rstrip(';')}; frame-ancestors 'none'"
