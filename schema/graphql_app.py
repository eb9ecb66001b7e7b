"""The GraphQL endpoint: strawberry's ASGI view with the registry's context, behind the public answer cache.

It speaks GraphQL over HTTP (schema/media.py picks the media type): a request that fails before execution
(unreadable body, parse, validation or variable errors) is 400 under application/graphql-response+json and
200 under application/json; a POST body that is not application/json is 415.
"""

import json

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from registry.auth import service as auth
from registry.auth.service import Principal
from registry.db import Database
from schema.settings import AppSettings
from schema.cache import ResponseCache
from schema.cache_state import close_stamp, stamp_for
from schema.context import Context
from schema.graphiql import graphiql_html
from schema.media import GRAPHQL_RESPONSE, JSON, negotiate
from schema.pacing import Turns
from schema.published import PublishedVersions
from schema.schema import build_schema

REQUEST_ERROR_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 415: "UNSUPPORTED_MEDIA_TYPE"}


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def principal_of(request: Request, db: Database, settings: AppSettings) -> Principal | None:
    """Who sent the request; None for anonymous callers and for unknown or revoked tokens."""
    token = bearer_token(request)
    if token is None:
        return None
    async with db.session() as session:
        return await auth.authenticate(session=session, token=token, secret_key=settings.signing_keys)


class RegistryGraphQL(GraphQL):
    def __init__(self, *, db: Database, settings: AppSettings) -> None:
        super().__init__(build_schema(settings), graphql_ide="graphiql" if settings.serves_graphiql else None,
                         allow_queries_via_get=True)
        self.db = db
        self.settings = settings
        self.turns = Turns()
        self.published = PublishedVersions(db, stamp_for(db), max_entries=settings.published_memory_entries)
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
        request = Request(scope, receive)
        try:
            response = await self.run(request)
        except HTTPException as error:
            response = request_error(error, negotiate(request.headers.get("accept")))
        await response(scope, receive, send)

    async def aclose(self) -> None:
        """Close the cache's own database connection (the app's lifespan calls this on shutdown)."""
        await close_stamp(self.db)

    async def get_context(self, request: Request, response: Response) -> Context:
        return Context(db=self.db, settings=self.settings, request=request, response=response, turns=self.turns,
                       published=self.published,
                       principal=await principal_of(request, self.db, self.settings))

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData:
        if request.method == "POST" and parse_content_type(request.content_type or "")[0] != JSON:
            raise HTTPException(415, "A GraphQL POST must have Content-Type: application/json.")
        data = await super().parse_http_body(request)
        if not isinstance(data.operation_name, (str, type(None))):
            raise HTTPException(400, "The GraphQL operation's `operationName` must be a string or null, if provided.")
        return data

    async def execute_single(self, **kwargs) -> ExecutionResult:
        try:
            return await super().execute_single(**kwargs)
        except HTTPException as error:
            if isinstance(error.__cause__, InvalidOperationTypeError) and kwargs["request_adapter"].method == "GET":
                raise HTTPException(405, error.reason) from error  # the spec's answer to a mutation by GET
            raise

    async def get_sub_response(self, request: Request) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = negotiate(request.headers.get("accept"))
        return sub_response

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        answer = process_result(result)
        if negotiate(request.headers.get("accept")) == GRAPHQL_RESPONSE and not_executed(result):
            del answer["data"]  # the spec's sign, with the 400 below, that nothing ran
        return answer

    def create_response(self, response_data: GraphQLHTTPResponse, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        media_type = sub_response.media_type or JSON
        response.headers["content-type"] = media_type
        response.headers["vary"] = "Accept"
        if media_type == GRAPHQL_RESPONSE and "data" not in response_data:
            response.status_code = 400
        return response


def not_executed(result: ExecutionResult) -> bool:
    """True when the operation failed before execution: parse, validation or variable coercion errors.

    Those errors carry no path; an error from a resolver always does, even when it nulls the whole data.
    """
    return result.data is None and bool(result.errors) and all(error.path is None for error in result.errors)


def request_error(error: HTTPException, media_type: str) -> Response:
    """A request strawberry refused while reading it, answered as a GraphQL response with a code."""
    code = REQUEST_ERROR_CODES.get(error.status_code, "BAD_REQUEST")
    body = {"errors": [GraphQLError(error.reason, extensions={"code": code}).formatted]}
    headers = {"vary": "Accept"} | ({"allow": "POST"} if error.status_code == 405 else {})
    return Response(json.dumps(body, separators=(",", ":")), status_code=error.status_code, media_type=media_type,
                    headers=headers)
