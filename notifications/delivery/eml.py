"""The embedded default: every message becomes an .eml file, so a fresh machine needs no mail server."""

import asyncio
import os
import re
from pathlib import Path


class EmlTransport:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    async def send(self, *, sender: str, recipient: str, message: bytes, message_id: str) -> str:
        name = re.sub(r"[^A-Za-z0-9._-]", "_", message_id.strip("<>")) + ".eml"
        await asyncio.to_thread(self._write, self.directory / name, message)
        return f"250 written to {self.directory / name}"

    @staticmethod
    def _write(path: Path, message: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write, then rename: a reader never sees half a message, and a resend replaces the file.
        partial = path.with_suffix(".tmp")
        partial.write_bytes(message)
        os.replace(partial, path)

    async def close(self) -> None:
        return None
