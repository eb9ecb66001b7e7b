"""Webhook targets cannot aim the worker at our own network: checked at registration and again at connect time.

No test needs the internet: public answers come from a stand-in resolver (the module's `resolve_addresses`),
and every connection that is allowed goes to a real HTTP receiver on 127.0.0.1.
"""

import asyncio
import ipaddress
import ssl
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pydantic
import pytest

from notifications.settings import NotificationSettings
from notifications.webhooks import network
from notifications.webhooks.network import TargetRefused, check_target, open_client
from registry.errors import ErrorCode, RegistryError

PUBLIC = "93.184.215.14"


def settings(**changes) -> NotificationSettings:
    return NotificationSettings(_env_file=None, **changes)


def refusal_of(url: str, config: NotificationSettings | None = None) -> RegistryError:
    with pytest.raises(RegistryError) as caught:
        check_target(url=url, settings=config or settings())
    return caught.value


@pytest.fixture
def dns(monkeypatch) -> dict[str, list[str]]:
    """A stand-in DNS: a test writes a name's answers (a list it may change later); other names resolve as usual."""
    answers: dict[str, list[str]] = {}
    real = network.resolve_addresses

    def resolve(host: str, port: int):
        if host in answers:
            return [ipaddress.ip_address(a) for a in answers[host]]
        return real(host, port)

    monkeypatch.setattr(network, "resolve_addresses", resolve)
    return answers


@dataclass
class Receiver:
    """A real HTTP server on 127.0.0.1 that records each request; /hop answers 302 to /internal."""

    port: int = 0
    requests: list[dict] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        method, path, _ = head[0].split(" ")
        headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in head[1:] if line)}
        body = await reader.readexactly(int(headers.get("content-length", 0)))
        self.requests.append({"method": method, "path": path, "headers": headers, "body": body})
        if path == "/hop":
            status = f"302 Found\r\nLocation: http://127.0.0.1:{self.port}/internal"
        else:
            status = "204 No Content"
        writer.write(f"HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        writer.close()

    @property
    def paths(self) -> list[str]:
        return [r["path"] for r in self.requests]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    server = await asyncio.start_server(receiver.handle, "127.0.0.1", 0)
    receiver.port = server.sockets[0].getsockname()[1]
    async with server:
        yield receiver


@pytest.fixture
async def tls_receiver(tmp_path, monkeypatch) -> AsyncIterator[tuple[Receiver, list[str]]]:
    """The receiver over TLS with a certificate for hooks.test only, which the webhook client is made to trust."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=hooks.test",
                    "-addext", "subjectAltName=DNS:hooks.test"], check=True, capture_output=True)
    server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_side.load_cert_chain(cert, key)
    names: list[str] = []
    server_side.sni_callback = lambda _socket, name, _context: names.append(name)
    monkeypatch.setattr(network, "_tls_context", lambda: ssl.create_default_context(cafile=cert))
    receiver = Receiver()
    server = await asyncio.start_server(receiver.handle, "127.0.0.1", 0, ssl=server_side)
    receiver.port = server.sockets[0].getsockname()[1]
    async with server:
        yield receiver, names


LOCAL = dict(webhook_allow_networks="127.0.0.1/32", webhook_http_hosts="127.0.0.1,hooks.test")


@pytest.mark.parametrize("host, words", [
    ("10.1.2.3", "a private address"),
    ("172.20.0.1", "a private address"),
    ("192.168.1.10", "a private address"),
    ("127.0.0.1", "a loopback address"),
    ("[::1]", "a loopback address"),
    ("169.254.10.1", "a link-local address"),
    ("[fe80::1]", "a link-local address"),
    ("100.64.0.1", "a carrier-grade NAT address"),
    ("[fd12:3456::1]", "a unique-local address"),
    ("224.0.0.251", "a multicast address"),
    ("[ff02::1]", "a multicast address"),
    ("240.0.0.1", "a reserved address"),
    ("198.51.100.7", "a reserved address"),
    ("0.0.0.0", "an unspecified address"),
    ("[::]", "an unspecified address"),
    ("169.254.169.254", "a cloud metadata address"),
    ("[fd00:ec2::254]", "a cloud metadata address"),
    ("168.63.129.16", "a cloud metadata address"),
    ("[::ffff:127.0.0.1]", "a loopback address"),
    ("[::ffff:169.254.169.254]", "a cloud metadata address"),
    ("[64:ff9b::a00:1]", "a private address"),
    ("[2002:c0a8:0101::1]", "a private address"),
])
def test_an_address_outside_the_public_internet_is_refused_at_registration(host, words):
    # Given a URL naming an address of each class a webhook may not reach, when it is registered
    error = refusal_of(f"https://{host}/hook")
    # then it is refused on the url field, saying which kind of address it is
    [problem] = error.problems
    assert (problem.field, problem.code) == ("url", ErrorCode.INVALID)
    assert words in problem.message


def test_a_public_address_is_accepted():
    check_target(url=f"https://{PUBLIC}/hook", settings=settings())
    check_target(url="https://[2606:4700:4700::1111]/hook", settings=settings())


def test_a_name_that_resolves_to_a_private_address_is_refused(dns):
    # Given "localhost" (127.0.0.1 from the system's resolver) and a name our stand-in DNS points at 10.0.0.7
    dns["intranet.example.com"] = ["10.0.0.7"]
    for url in ("https://localhost/hook", "https://intranet.example.com/hook"):
        message = refusal_of(url).problems[0].message
        # then both are refused, without telling the caller the internal address
        assert "does not resolve to a public internet address" in message and "10.0.0.7" not in message


def test_a_name_is_refused_when_any_of_its_addresses_is_private(dns):
    dns["mixed.example.com"] = [PUBLIC, "192.168.0.5"]
    assert refusal_of("https://mixed.example.com/hook").problems[0].field == "url"


def test_a_name_that_does_not_resolve_gets_the_same_answer_as_a_private_one(dns):
    dns["nowhere.example.com"] = []
    assert "does not resolve to a public internet address" in refusal_of("https://nowhere.example.com/").problems[0].message


def test_a_name_with_public_addresses_is_accepted(dns):
    dns["hooks.example.com"] = [PUBLIC, "2606:4700:4700::1111"]
    check_target(url="https://hooks.example.com/hook", settings=settings())


def test_an_international_name_is_looked_up_as_the_connection_will_look_it_up(dns):
    # Given a Danish name whose IDNA form the stand-in DNS points inside
    dns["xn--kbenhavn-54a.example"] = ["10.0.0.8"]
    # then it is refused by that answer, and named to the person as they wrote it
    assert "københavn.example does not resolve" in refusal_of("https://københavn.example/hook").problems[0].message


def test_a_name_the_resolver_cannot_even_encode_is_refused_as_not_found():
    assert "does not resolve" in refusal_of("https://" + "a" * 70 + ".example/").problems[0].message


def test_https_is_required_unless_the_host_may_use_http(dns):
    dns["hooks.example.com"] = [PUBLIC]
    assert "https" in refusal_of("http://hooks.example.com/hook").problems[0].message
    check_target(url="http://hooks.example.com/hook", settings=settings(webhook_http_hosts="HOOKS.example.com"))
    # a host allowed plain http is still refused when it is private
    assert refusal_of("http://127.0.0.1/hook", settings(webhook_http_hosts="127.0.0.1"))


@pytest.mark.parametrize("url, words", [
    ("ftp://hooks.example.com/", "https"),
    ("file:///etc/passwd", "https"),
    ("https:///hook", "host"),
    ("https://user:secret@hooks.example.com/hook", "user name or password"),
    ("https://hooks.example.com:99999/", "port"),
    ("https://hooks.example.com:port/", "not a valid web address"),
])
def test_a_url_of_the_wrong_shape_is_refused(dns, url, words):
    dns["hooks.example.com"] = [PUBLIC]
    problem = refusal_of(url).problems[0]
    assert problem.field == "url" and words in problem.message


def test_a_very_long_url_is_refused():
    assert refusal_of(f"https://{PUBLIC}/" + "a" * 2000).problems[0].code == ErrorCode.TOO_LONG


def test_the_allow_list_exempts_its_networks_and_nothing_past_them():
    config = settings(webhook_allow_networks="127.0.0.1/32, 10.0.0.0/8", webhook_http_hosts="127.0.0.1")
    check_target(url="http://127.0.0.1:8080/hook", settings=config)
    check_target(url="https://10.200.0.1/hook", settings=config)
    assert "loopback" in refusal_of("https://127.0.0.2/hook", config).problems[0].message
    assert "private" in refusal_of("https://192.168.0.1/hook", config).problems[0].message


def test_a_metadata_address_needs_listing_on_its_own():
    # A broad allowed network does not open the metadata service; listing the address alone does.
    assert "metadata" in refusal_of("https://169.254.169.254/", settings(webhook_allow_networks="169.254.0.0/16"))\
        .problems[0].message
    check_target(url="https://169.254.169.254/", settings=settings(webhook_allow_networks="169.254.169.254"))


def test_the_settings_read_comma_separated_or_json_lists_and_refuse_a_non_network(monkeypatch):
    monkeypatch.setenv("REGISTRY_WEBHOOK_ALLOW_NETWORKS", '["127.0.0.1/32", "fd00::/8"]')
    monkeypatch.setenv("REGISTRY_WEBHOOK_HTTP_HOSTS", "receiver.internal, 127.0.0.1")
    config = NotificationSettings(_env_file=None)
    assert [str(n) for n in config.webhook_allow_networks] == ["127.0.0.1/32", "fd00::/8"]
    assert config.webhook_http_hosts == ["receiver.internal", "127.0.0.1"]
    monkeypatch.setenv("REGISTRY_WEBHOOK_ALLOW_NETWORKS", "intranet")
    with pytest.raises(pydantic.ValidationError, match="webhook_allow_networks"):
        NotificationSettings(_env_file=None)
    monkeypatch.delenv("REGISTRY_WEBHOOK_ALLOW_NETWORKS")
    monkeypatch.delenv("REGISTRY_WEBHOOK_HTTP_HOSTS")
    assert settings().webhook_allow_networks == [] and settings().webhook_http_hosts == []


async def test_an_allowed_local_receiver_is_reached(receiver):
    # Given 127.0.0.1/32 allowed and allowed plain http, when the client posts to the local receiver
    async with open_client(settings=settings(**LOCAL), timeout=5) as client:
        response = await client.post(f"http://127.0.0.1:{receiver.port}/hook", content=b'{"event":"x"}')
    # then the receiver gets the event
    assert response.status_code == 204
    assert receiver.requests[0]["body"] == b'{"event":"x"}'


async def test_without_the_allow_list_the_client_refuses_to_connect(receiver):
    # Given a URL that reached the client unchecked, when it is sent
    async with open_client(settings=settings(webhook_http_hosts="127.0.0.1"), timeout=5) as client:
        with pytest.raises(TargetRefused, match="loopback"):
            await client.post(f"http://127.0.0.1:{receiver.port}/hook", content=b"{}")
    # then nothing arrives
    assert receiver.requests == []


async def test_a_name_rebound_to_a_private_address_after_registration_is_refused_at_connect(dns, receiver):
    # Given a name that resolved to a public address when the webhook was registered
    dns["hooks.test"] = [PUBLIC]
    check_target(url=f"http://hooks.test:{receiver.port}/hook", settings=settings(webhook_http_hosts="hooks.test"))
    # when its DNS answers 127.0.0.1 by the time the worker connects
    dns["hooks.test"] = ["127.0.0.1"]
    async with open_client(settings=settings(webhook_http_hosts="hooks.test"), timeout=5) as client:
        with pytest.raises(TargetRefused) as refused:
            await client.post(f"http://hooks.test:{receiver.port}/hook", content=b"{}")
    # then the connection is refused and the receiver on 127.0.0.1 hears nothing
    assert refused.value.address == ipaddress.ip_address("127.0.0.1")
    assert "127.0.0.1" not in str(refused.value)
    assert receiver.requests == []


async def test_the_client_connects_to_the_checked_address_and_keeps_the_name(dns, receiver):
    # Given a name the stand-in DNS answers with an allowed address, when the client posts to it
    dns["hooks.test"] = ["127.0.0.1"]
    async with open_client(settings=settings(**LOCAL), timeout=5) as client:
        response = await client.post(f"http://hooks.test:{receiver.port}/hook", content=b"{}")
    # then the request reached that address with the name in its Host header
    assert response.status_code == 204
    assert receiver.requests[0]["headers"]["host"] == f"hooks.test:{receiver.port}"


async def test_over_https_the_certificate_is_checked_for_the_name_not_the_address(dns, tls_receiver):
    # Given hooks.test answered with 127.0.0.1 and a receiver whose certificate names hooks.test only
    receiver, names = tls_receiver
    dns["hooks.test"] = ["127.0.0.1"]
    async with open_client(settings=settings(webhook_allow_networks="127.0.0.1/32"), timeout=5) as client:
        # when the client posts to the name, the TLS handshake sends the name and the certificate matches it
        response = await client.post(f"https://hooks.test:{receiver.port}/hook", content=b"{}")
        assert response.status_code == 204 and names == ["hooks.test"]
        # while the same receiver by its address fails verification: the check never swaps the name out
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED|certificate"):
            await client.post(f"https://127.0.0.1:{receiver.port}/hook", content=b"{}")
    assert receiver.paths == ["/hook"]


async def test_a_redirect_is_returned_not_followed(receiver):
    # Given an endpoint that answers 302 pointing at an internal URL
    async with open_client(settings=settings(**LOCAL), timeout=5) as client:
        response = await client.post(f"http://127.0.0.1:{receiver.port}/hop", content=b"{}")
    # then the client hands back the 302 and never fetches the target
    assert response.status_code == 302
    assert receiver.paths == ["/hop"]


async def test_the_client_refuses_plain_http_to_a_host_not_allowed_it(receiver):
    async with open_client(settings=settings(webhook_allow_networks="127.0.0.1/32"), timeout=5) as client:
        with pytest.raises(TargetRefused, match="https"):
            await client.post(f"http://127.0.0.1:{receiver.port}/hook", content=b"{}")
    assert receiver.requests == []
