"""What every resolver gets: the database, the settings and who is calling."""

from dataclasses import dataclass

from starlette.requests import Request

from registry.auth.service import Principal
from registry.db import Database
from schema.settings import AppSettings
from schema.pacing import Turns


@dataclass
class Context:
    db: Database
    settings: AppSettings
    request: Request
    principal: Principal | None
    response: object = None
    turns: Turns | None = None  # the app's, shared by its requests

    @property
    def actor(self) -> str:
        return self.principal.name if self.principal else "anonymous"
