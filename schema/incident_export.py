"""GET /admin/incidents.json and /admin/incidents.csv: the register of incidents (Art. 33(5)) for admins.

Admins have bearer tokens: the request carries one as Authorization: Bearer <token>. No token or an unknown
one is 401, any other caller's token 403; nothing about the register shows in either answer.
"""

import json

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from registry.incidents import service as incidents
from registry.incidents.export import register_csv
from schema.graphql_app import principal_of

_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


async def _admin_register(request: Request) -> list[dict] | Response:
    principal = await principal_of(request, request.app.state.db, request.app.state.settings)
    if principal is None:
        return PlainTextResponse("An admin token is required: send Authorization: Bearer <token>.", status_code=401,
                                 headers={"WWW-Authenticate": 'Bearer realm="registry"', **_HEADERS})
    if not principal.is_admin:
        return PlainTextResponse("Only admins may export the incident register.", status_code=403, headers=_HEADERS)
    async with request.app.state.db.session() as session:
        return await incidents.incident_register(session=session)


async def register_json(request: Request) -> Response:
    """The register as JSON: {"incidents": [...]}, every fact, update, notice and acknowledgement."""
    register = await _admin_register(request)
    if isinstance(register, Response):
        return register
    body = json.dumps({"incidents": register}, ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json", headers={
        **_HEADERS, "Content-Disposition": 'attachment; filename="incidents.json"'})


async def register_csv_file(request: Request) -> Response:
    """The register as CSV: one row per notice and per update, the incident's facts on each."""
    register = await _admin_register(request)
    if isinstance(register, Response):
        return register
    return Response(register_csv(register), media_type="text/csv; charset=utf-8", headers={
        **_HEADERS, "Content-Disposition": 'attachment; filename="incidents.csv"'})


routes = [Route("/admin/incidents.json", register_json, methods=["GET"]),
          Route("/admin/incidents.csv", register_csv_file, methods=["GET"])]
