"""What every resolver gets: the database, the settings and who is calling."""

from dataclasses import dataclass

from starlette.requests import Request

from registry.auth.service import Principal
from registry.db import Database
from schema.settings import AppSettings
from schema.pacing import Turns
from schema.published import PublishedVersions


@dataclass
class Context:
    db: Database
    settings: AppSettings
    request: Request
    principal: Principal | None
    response: object = None
    turns: Turns | None = None  # the app's, shared by its requests
    published: PublishedVersions | None = None  # the app's memory of published versions

    @property
    def actor(self) -> str:
        return self.principal.name if self.principal else "anonymous"
