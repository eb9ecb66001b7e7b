"""The register of incidents (Art. 33(5)) as JSON and CSV: all of it for admins, their own for a customer.

Both come from registry.incidents.service.incident_register; the callers have bearer tokens (Authorization:
Bearer <token>). No token or an unknown one is 401, a token of the other kind 403; nothing about the register
shows in either answer.
"""

import json

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from registry.incidents import service as incidents
from registry.incidents.export import register_csv
from schema.graphql_app import principal_of

_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


async def _register(request: Request, *, own: bool) -> list[dict] | Response:
    """The whole register for an admin, or (own) the calling customer's part of it; else the refusal."""
    principal = await principal_of(request, request.app.state.db, request.app.state.settings)
    if principal is None:
        who = "A customer" if own else "An admin"
        return PlainTextResponse(f"{who} token is required: send Authorization: Bearer <token>.", status_code=401,
                                 headers={"WWW-Authenticate": 'Bearer realm="registry"', **_HEADERS})
    if own and principal.customer_id is None:
        return PlainTextResponse("This is a customer's own record; admins export the register at "
                                 "/admin/incidents.json.", status_code=403, headers=_HEADERS)
    if not own and not principal.is_admin:
        return PlainTextResponse("Only admins may export the incident register.", status_code=403, headers=_HEADERS)
    async with request.app.state.db.session() as session:
        return await incidents.incident_register(session=session, customer_id=principal.customer_id if own else None)


def register_routes(path: str, *, own: bool) -> list[Route]:
    """GET `path`.json ({"incidents": [...]}, every fact, update, notice and acknowledgement) and `path`.csv
    (one row per notice and per update, the incident's facts on each)."""

    async def as_json(request: Request) -> Response:
        register = await _register(request, own=own)
        if isinstance(register, Response):
            return register
        return Response(json.dumps({"incidents": register}, ensure_ascii=False, indent=2),
                        media_type="application/json",
                        headers={**_HEADERS, "Content-Disposition": 'attachment; filename="incidents.json"'})

    async def as_csv(request: Request) -> Response:
        register = await _register(request, own=own)
        if isinstance(register, Response):
            return register
        return Response(register_csv(register), media_type="text/csv; charset=utf-8",
                        headers={**_HEADERS, "Content-Disposition": 'attachment; filename="incidents.csv"'})

    return [Route(f"{path}.json", as_json, methods=["GET"]), Route(f"{path}.csv", as_csv, methods=["GET"])]


routes = register_routes("/admin/incidents", own=False)
