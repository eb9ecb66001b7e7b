"""The README's webhook receiver, run exactly as written, takes a real signed delivery."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from registry.auth.models import Role
from tests.conftest import make_customer, make_token
from tests.support.graphql_documents import NEW_SUBPROCESSOR, PUBLISH, SAVE_DRAFT
from tests.support.live import free_socket
from tests.support.notify_helpers import deliver
from tests.support.webhook_receiver import LOOPBACK

README = Path(__file__).parents[1] / "README.md"
REGISTER = """mutation($url: String!) { registerWebhook(input: {url: $url, eventTypes: [VERSION_PUBLISHED]}) {
  secret userErrors { message } } }"""


def readme_receiver() -> str:
    section = README.read_text(encoding="utf-8").split("## Webhooks", 1)[1].split("\n## ", 1)[0]
    [snippet] = re.findall(r"```python\n(.*?)```", section, re.S)
    return snippet


def test_the_readme_receiver_is_ten_lines():
    assert len(readme_receiver().splitlines()) <= 10


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"webhook_http_hosts": ["127.0.0.1"], "webhook_allow_networks": [LOOPBACK],
                                       "retry_base_seconds": 0.0001,
                                       "retry_cap_seconds": 0.0001})


async def test_the_readme_receiver_verifies_and_takes_a_published_version(db, seeded, settings, gql, admin_token,
                                                                          tmp_path):
    # Given a customer's endpoint at the README's receiver, started with the secret the registry showed
    customer = await make_customer(db, "Kunde A/S")
    token = await make_token(db, Role.CUSTOMER, "kunde-a", customer_id=customer)
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    answer = await gql(REGISTER, {"url": f"http://127.0.0.1:{port}/"}, token=token)
    secret = answer["data"]["registerWebhook"]["secret"]
    script = tmp_path / "receiver.py"
    script.write_text(readme_receiver(), encoding="utf-8")
    receiver = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                text=True, env={**os.environ, "PORT": str(port), "WEBHOOK_SECRET": secret})
    try:
        _wait_for(port)
        # When the worker sends the verification request, and then a published version
        await deliver(db, settings)
        await gql(SAVE_DRAFT, {"input": NEW_SUBPROCESSOR}, token=admin_token)
        await gql(PUBLISH, {"input": {"note": "Mailgun", "noticeDays": 30}}, token=admin_token)
        await deliver(db, settings)
    finally:
        receiver.terminate()
        printed, _ = receiver.communicate(timeout=10)

    # Then the receiver verified both signatures and printed what it got
    assert printed.splitlines() == ["webhook.verification None", "version.published 2"]


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.02)
    raise AssertionError("the README receiver did not start")
