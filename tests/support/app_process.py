"""The registry as operators run it: `python -m registry serve` in a process of its own, on a free port."""

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
STARTUP_LIMIT_SECONDS = 30


def run(*args: str, database_url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "registry", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "REGISTRY_DATABASE_URL": database_url})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppProcess:
    """One server process on `database_url`, started on entry and stopped on exit."""

    def __init__(self, database_url: str, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = os.environ | {"REGISTRY_DATABASE_URL": database_url, "REGISTRY_INPROCESS_WORKER": "false",
                                 "REGISTRY_SECRET_KEY": secrets.token_urlsafe(36), "REGISTRY_GRAPHIQL": "false",
                                 "REGISTRY_PUBLIC_URL": self.url, **env}
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "AppProcess":
        self.process = subprocess.Popen(
            [sys.executable, "-m", "registry", "serve", "--port", str(self.port)], cwd=ROOT, env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"serve did not answer within {STARTUP_LIMIT_SECONDS} s")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
