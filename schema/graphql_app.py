"""The GraphQL endpoint: strawberry's ASGI view with the registry's context, behind the public answer cache."""

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL

from registry.auth import service as auth
from registry.auth.service import Principal
from registry.db import Database
from registry.settings import Settings
from schema.cache import ResponseCache
from schema.cache_state import close_stamp, stamp_for
from schema.context import Context
from schema.graphiql import graphiql_html
from schema.schema import build_schema


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def principal_of(request: Request, db: Database, settings: Settings) -> Principal | None:
    """Who sent the request; None for anonymous callers and for unknown or revoked tokens."""
    token = bearer_token(request)
    if token is None:
        return None
    async with db.session() as session:
        return await auth.authenticate(session=session, token=token, secret_key=settings.signing_keys)


class RegistryGraphQL(GraphQL):
    def __init__(self, *, db: Database, settings: Settings) -> None:
        super().__init__(build_schema(settings), graphql_ide="graphiql" if settings.serves_graphiql else None,
                         allow_queries_via_get=True)
        self.db = db
        self.settings = settings
        self.cache = ResponseCache(self._execute, stamp=stamp_for(db), max_age=settings.http_max_age,
                                   max_bytes=settings.cache_max_bytes, coalesce=settings.cache_coalesce)
        self.ide_html = graphiql_html(self.graphql_ide_html) if self.graphql_ide else None

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(self.ide_html)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.cache(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)

    async def _execute(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, send)

    async def aclose(self) -> None:
        """Close the cache's own database connection (the app's lifespan calls this on shutdown)."""
        await close_stamp(self.db)

    async def get_context(self, request: Request, response: Response) -> Context:
        return Context(db=self.db, settings=self.settings, request=request, response=response,
                       principal=await principal_of(request, self.db, self.settings))
