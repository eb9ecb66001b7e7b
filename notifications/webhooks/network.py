"""Where a webhook may be sent: the one guard against server-side request forgery.

A customer chooses the URL, and the worker then posts to it from inside our network, so a URL could aim
the worker at a database, an admin panel or the cloud's metadata service. Two checks, one rule:
`check_target` refuses such a URL when it is registered, and `open_client` makes every connection check
the addresses the name resolves to at that moment and connect to a checked address only. A name that
answered with a public address at registration and a private one later (DNS rebinding) is refused when
the worker connects; redirects are never followed, so a public endpoint cannot hand the worker on.
"""

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Iterable, Sequence
from functools import cache

import httpcore
import httpx

from registry.errors import ErrorCode, RegistryError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

MAX_URL_LENGTH = 2000

# Instance metadata services hand out the machine's credentials. They are refused even inside an allowed
# network, unless the operator lists the address itself (a /32 or /128). Azure's is a public address.
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean ...
    "169.254.170.2",    # AWS ECS task credentials
    "100.100.100.200",  # Alibaba Cloud
    "192.0.0.192",      # Oracle Cloud
    "168.63.129.16",    # Azure wire server
    "fd00:ec2::254",    # AWS over IPv6
))

# Every range a webhook may not reach, with the words a refusal gives. Anything else Python does not count as
# globally reachable is refused too (`is_global`), so a range missing here still fails closed.
_REFUSED: tuple[tuple[IPNetwork, str], ...] = tuple((ipaddress.ip_network(net), words) for net, words in (
    ("0.0.0.0/8", "an unspecified address"),
    ("10.0.0.0/8", "a private address"),
    ("100.64.0.0/10", "a carrier-grade NAT address"),
    ("127.0.0.0/8", "a loopback address"),
    ("169.254.0.0/16", "a link-local address"),
    ("172.16.0.0/12", "a private address"),
    ("192.0.0.0/24", "a reserved address"),
    ("192.0.2.0/24", "a reserved address"),
    ("192.88.99.0/24", "a reserved address"),
    ("192.168.0.0/16", "a private address"),
    ("198.18.0.0/15", "a reserved address"),
    ("198.51.100.0/24", "a reserved address"),
    ("203.0.113.0/24", "a reserved address"),
    ("224.0.0.0/4", "a multicast address"),
    ("240.0.0.0/4", "a reserved address"),
    ("::/128", "an unspecified address"),
    ("::1/128", "a loopback address"),
    ("::/8", "a reserved address"),
    ("64:ff9b:1::/48", "a reserved address"),
    ("100::/64", "a reserved address"),
    ("2001::/23", "a reserved address"),
    ("2001:db8::/32", "a reserved address"),
    ("3fff::/20", "a reserved address"),
    ("fc00::/7", "a unique-local address"),
    ("fe80::/10", "a link-local address"),
    ("fec0::/10", "a site-local address"),
    ("ff00::/8", "a multicast address"),
))

# IPv6 forms that carry an IPv4 address the packets end up at: judged by that IPv4 address.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class TargetRefused(httpx.ConnectError):
    """A webhook connection the guard stopped: the name resolved to an address webhooks may not reach."""

    def __init__(self, message: str, *, host: str, address: IPAddress | None = None,
                 request: httpx.Request | None = None) -> None:
        super().__init__(message, request=request)
        self.host = host
        self.address = address  # for the operator's log; the message leaves it out


def refusal(address: IPAddress, *, allowed: Iterable[IPNetwork]) -> str | None:
    """Why a webhook may not reach this address ("a private address"), or None when it may."""
    target = _delivered_to(address)
    if target in METADATA_ADDRESSES:
        listed_alone = any(net.num_addresses == 1 and target in net for net in allowed)
        return None if listed_alone else "a cloud metadata address"
    if any(target in net for net in allowed):
        return None
    for net, words in _REFUSED:
        if target in net:
            return words
    return None if target.is_global else "not a public address"


def check_target(*, url: str, settings) -> None:
    """Refuse (RegistryError on field "url") a webhook URL that is not https or that reaches no public address."""
    parsed = _parse(url)
    _check_shape(parsed, settings=settings, fail=_invalid)
    # The name as the connection will look it up: IDNA-encoded, as httpcore hands it to the network backend.
    host, name = parsed.host, parsed.raw_host.decode("ascii")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        literal = ipaddress.ip_address(name)
    except ValueError:
        literal = None
    if literal is not None:
        if reason := refusal(literal, allowed=settings.webhook_allow_networks):
            raise _invalid(f"{host} is {reason}; webhooks are sent only to public internet addresses.")
        return
    try:
        addresses = resolve_addresses(name, port)
    except (OSError, UnicodeError):
        addresses = []
    # One answer for "not found" and "not public", so the form tells nobody which internal names exist.
    if not addresses or any(refusal(a, allowed=settings.webhook_allow_networks) for a in addresses):
        raise _invalid(f"{host} does not resolve to a public internet address; webhooks are sent only there.")


def open_client(*, settings, timeout: float) -> httpx.AsyncClient:
    """An HTTP client for webhooks: checks each connection's resolved address, never follows redirects."""
    return httpx.AsyncClient(
        transport=_GuardedTransport(allowed=tuple(settings.webhook_allow_networks)),
        follow_redirects=False,
        timeout=timeout,
        trust_env=False,  # no proxy from the environment (it would connect for us, unchecked), no .netrc
        event_hooks={"request": [_RequestCheck(settings)]},
    )


def resolve_addresses(host: str, port: int) -> list[IPAddress]:
    """Every address the name resolves to now (tests replace this to play a rebinding DNS server)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in infos))


def _delivered_to(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def _parse(url: str) -> httpx.URL:
    if len(url) > MAX_URL_LENGTH:
        raise RegistryError.one(f"The URL is longer than {MAX_URL_LENGTH} characters.", ErrorCode.TOO_LONG, "url")
    try:
        # The client's own parser, so the check and the request read the URL the same way.
        return httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError):
        raise _invalid("The URL is not a valid web address.") from None


def _check_shape(url: httpx.URL, *, settings, fail) -> None:
    if url.scheme not in ("https", "http"):
        raise fail("The URL must start with https://.")
    if not url.host:
        raise fail("The URL needs a host name.")
    if url.port is not None and not 0 < url.port < 65536:
        raise fail("The URL's port must be a number from 1 to 65535.")
    if url.userinfo:
        raise fail("The URL must not carry a user name or password; every event is signed instead.")
    if url.scheme == "http" and _plain_host(url.host) not in {_plain_host(h) for h in settings.webhook_http_hosts}:
        raise fail("The URL must use https://; plain http is only for hosts the operator allows.")


def _plain_host(host: str) -> str:
    return host.strip("[]").rstrip(".").lower()


def _invalid(message: str) -> RegistryError:
    return RegistryError.one(message, ErrorCode.INVALID, "url")


class _RequestCheck:
    """The registration's URL rules once more on every request, in case a URL reached the client unchecked."""

    def __init__(self, settings) -> None:
        self.settings = settings

    async def __call__(self, request: httpx.Request) -> None:
        def refused(message: str) -> TargetRefused:
            return TargetRefused(message, host=request.url.host, request=request)
        _check_shape(request.url, settings=self.settings, fail=refused)


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves the name itself, refuses it if any address is not allowed, and connects to a checked address.

    TLS still verifies the certificate for the name and the Host header keeps it: httpcore passes the
    origin's name to start_tls, and only this socket's address comes from the check.
    """

    def __init__(self, *, allowed: Sequence[IPNetwork]) -> None:
        self.allowed = allowed
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None, socket_options=None) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        try:
            async with asyncio.timeout_at(deadline):
                addresses = await loop.run_in_executor(None, resolve_addresses, host, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} took too long") from None
        except (OSError, UnicodeError) as error:
            raise httpcore.ConnectError(f"{host} could not be resolved: {error}") from None
        for address in addresses:
            if reason := refusal(address, allowed=self.allowed):
                raise TargetRefused(f"refused: {host} resolves to {reason}, and webhooks go to public addresses only",
                                    host=host, address=address)
        failure: Exception = httpcore.ConnectError(f"{host} has no address")
        for address in addresses:
            left = None if deadline is None else max(deadline - loop.time(), 0)
            try:
                return await self.inner.connect_tcp(str(address), port, timeout=left, local_address=local_address,
                                                    socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        raise failure

    async def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options=None):
        raise TargetRefused("refused: webhooks do not use local sockets", host=path)

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


@cache
def _tls_context() -> ssl.SSLContext:
    # Loading the CA bundle takes a noticeable fraction of a second: once per process is enough.
    return httpx.create_ssl_context(trust_env=False)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport with the guarded backend under its connection pool."""

    def __init__(self, *, allowed: Sequence[IPNetwork]) -> None:
        super().__init__(verify=_tls_context(), trust_env=False)
        # httpx takes no network backend, so its pool is replaced; fail here, not unguarded, if that changes.
        if not isinstance(getattr(self, "_pool", None), httpcore.AsyncConnectionPool):
            raise RuntimeError("httpx.AsyncHTTPTransport no longer keeps its pool in _pool")
        limits = httpx.Limits()  # httpx's defaults, as the replaced pool had them
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=_tls_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_GuardedBackend(allowed=allowed),
        )
