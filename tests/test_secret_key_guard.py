"""`serve` and `worker` refuse a development or short signing key, except for the loopback SQLite demo."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from registry.secret_key import DEVELOPMENT_KEY
from tests.conftest import POSTGRES_URL

STRONG_KEY = "k" * 40
REFUSAL_LIMIT_SECONDS = 30  # a refusal takes about a second; a server that starts instead never returns
STARTUP_LIMIT_SECONDS = 30


def environment(**registry: str) -> dict[str, str]:
    """This process's environment with only the given REGISTRY_ settings: nothing leaks in from outside."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("REGISTRY_")}
    return env | {f"REGISTRY_{name.upper()}": value for name, value in registry.items()}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def refused(args: list[str], cwd: Path, **registry: str) -> subprocess.CompletedProcess:
    """Run a command that should refuse to start; a server that starts anyway fails the test by timing out."""
    try:
        return subprocess.run(args, cwd=cwd, env=environment(**registry), capture_output=True, text=True,
                              timeout=REFUSAL_LIMIT_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(args)} started instead of refusing")


def registry(*args: str) -> list[str]:
    return [sys.executable, "-m", "registry", *args]


def serving(args: list[str], cwd: Path, port: int, **registry: str) -> int:
    """Start a server, answer the status of its /healthz, and stop it."""
    process = subprocess.Popen(args, cwd=cwd, env=environment(**registry), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"the server exited with {process.returncode}: {process.stderr.read()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                    return answer.status
            except OSError:
                time.sleep(0.1)
        pytest.fail("the server did not answer /healthz")
    finally:
        process.terminate()
        process.wait(10)


def assert_explains(result: subprocess.CompletedProcess, problem: str) -> None:
    assert result.returncode != 0
    assert problem in result.stderr
    assert "python -m registry secret" in result.stderr and "secrets.token_urlsafe(48)" in result.stderr


def test_the_readme_first_command_still_serves_the_demo_with_the_development_key(tmp_path):
    # Given no configuration at all: the embedded SQLite default, the development key, serve on 127.0.0.1
    port = free_port()
    assert subprocess.run(registry("seed"), cwd=tmp_path, env=environment(), capture_output=True,
                          timeout=120).returncode == 0

    # When it is served, then it answers
    assert serving(registry("serve", "--port", str(port)), tmp_path, port) == 200


def test_serve_on_every_interface_refuses_the_development_key_and_touches_nothing(tmp_path):
    result = refused(registry("serve", "--host", "0.0.0.0", "--port", str(free_port())), tmp_path)

    assert_explains(result, "REGISTRY_SECRET_KEY holds the development key")
    assert not (tmp_path / "var").exists()  # refused before creating or migrating a database


def test_serve_on_postgresql_refuses_the_development_key_even_on_loopback(tmp_path):
    result = refused(registry("serve", "--host", "127.0.0.1", "--port", str(free_port())), tmp_path,
                     database_url=POSTGRES_URL)

    assert_explains(result, "REGISTRY_SECRET_KEY holds the development key")


def test_serve_refuses_a_key_under_32_bytes(tmp_path):
    result = refused(registry("serve", "--host", "0.0.0.0", "--port", str(free_port())), tmp_path,
                     secret_key="a-31-byte-key-is-one-too-short!")

    assert_explains(result, "a key of 31 bytes; a key needs at least 32")


@pytest.mark.parametrize("fallbacks", [f"{'o' * 40},{DEVELOPMENT_KEY}", f'["{"o" * 40}", "{DEVELOPMENT_KEY}"]'])
def test_serve_refuses_the_development_key_among_the_fallbacks(tmp_path, fallbacks):
    result = refused(registry("serve", "--host", "0.0.0.0", "--port", str(free_port())), tmp_path,
                     secret_key=STRONG_KEY, secret_key_fallbacks=fallbacks)

    assert result.returncode != 0
    assert "REGISTRY_SECRET_KEY_FALLBACKS holds the development key" in result.stderr


def test_a_key_from_the_secret_command_serves_on_every_interface(tmp_path):
    # Given a key made as the refusal says
    made = [subprocess.run(registry("secret"), capture_output=True, text=True, timeout=60).stdout.strip()
            for _ in range(2)]
    assert made[0] != made[1] and len(made[0].encode()) >= 32

    # When the server binds every interface with it, then it starts
    port = free_port()
    assert serving(registry("serve", "--host", "0.0.0.0", "--port", str(port)), tmp_path, port,
                   secret_key=made[0]) == 200


def test_worker_on_postgresql_refuses_the_development_key(tmp_path):
    result = refused(registry("worker"), tmp_path, database_url=POSTGRES_URL)

    assert_explains(result, "REGISTRY_SECRET_KEY holds the development key")


def test_worker_on_the_embedded_sqlite_default_runs_with_the_development_key(tmp_path):
    subprocess.run(registry("migrate"), cwd=tmp_path, env=environment(), capture_output=True, timeout=120)

    result = subprocess.run(registry("worker", "--once"), cwd=tmp_path, env=environment(), capture_output=True,
                            text=True, timeout=120)

    assert result.returncode == 0, result.stderr


def test_reading_unsubscribe_mail_on_postgresql_refuses_the_development_key(tmp_path):
    # It opens the unsubscribe links in the mail it reads: with a known key, forged ones too
    result = refused(registry("subscribers", "unsubscribe-mail", str(tmp_path)), tmp_path, database_url=POSTGRES_URL)

    assert_explains(result, "REGISTRY_SECRET_KEY holds the development key")
