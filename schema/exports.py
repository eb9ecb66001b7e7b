"""GET /subprocessors.json, /subprocessors.csv and /subprocessors/versions/{n}.json: exports for machines.

The list in effect (?asOf, ?lang, ?service) carries the fields of the GraphQL Subprocessor type under the same
names, as GraphQL gives them, with the number, effective time and content hash of its version. A version's JSON
carries the RegistryVersion fields and the exact canonical content its hash is taken over
(registry/versions/hashing.py), so anyone can recompute the chain. Reads come from the published-versions memory;
answers carry an ETag and the answer cache's Cache-Control (schema/cache.py) and revalidate to 304.
"""

import csv
import io
import json
from datetime import datetime
from enum import Enum

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from registry import labels, text
from registry.calendar import utc_instant
from registry.errors import RegistryError
from registry.objections.windows import serves
from registry.versions.hashing import version_canonical_content
from schema import cache, cache_state
from schema.published import effective_view, numbered_view
from schema.types.common import Language, camel
from schema.types.subprocessors import Subprocessor, subprocessors_of
from schema.types.versions import RegistryVersion

JSON_TYPE = "application/json"
CSV_TYPE = "text/csv; charset=utf-8"
LIST_PARAMETERS = ("asOf", "lang", "service")
MAX_SERVICE_LENGTH = 100  # a service is a Label of an entry (registry/subprocessors/models.py)
SUBPROCESSOR_FIELDS = [field.python_name for field in Subprocessor.__strawberry_definition__.fields]
VERSION_FIELDS = ["version_number", "effective_at", "content_hash"]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets take for the start of a formula


class BadParameter(Exception):
    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter, self.message = parameter, message


def graphql_value(value: object) -> object:
    """A value as GraphQL serialises it: camelCase fields without arguments, enums by name, ISO instants."""
    if isinstance(value, Enum):  # before the types: a strawberry enum carries a definition too
        return value.name
    definition = getattr(type(value), "__strawberry_definition__", None)
    if definition is not None:
        return {field.graphql_name or camel(field.python_name): graphql_value(getattr(value, field.python_name))
                for field in definition.fields if field.base_resolver is None}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [graphql_value(item) for item in value]
    return value


def _one(request: Request, name: str) -> str | None:
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise BadParameter(name, f"Give {name} once.")
    return values[0] if values else None


def _list_parameters(request: Request) -> tuple[datetime | None, str, str | None]:
    unknown = sorted(set(request.query_params) - set(LIST_PARAMETERS))
    if unknown:
        raise BadParameter(unknown[0], f"Unknown parameter {unknown[0]!r}; this export takes asOf, lang and service.")
    as_of = _one(request, "asOf")
    if as_of is not None:
        try:
            as_of = utc_instant(datetime.fromisoformat(as_of), "asOf")
        except ValueError:
            raise BadParameter("asOf", "asOf must be an instant with a time zone offset, such as 2026-01-01T00:00:00Z "
                                       "(write a + in the offset as %2B).") from None
        except RegistryError as error:
            raise BadParameter("asOf", str(error)) from None
    language = _one(request, "lang") or labels.DEFAULT_LANGUAGE
    if language not in labels.LANGUAGES:
        raise BadParameter("lang", f"lang must be one of {', '.join(labels.LANGUAGES)}.")
    service = _one(request, "service")
    if service is not None:
        service = service.strip()
        if not service or len(service) > MAX_SERVICE_LENGTH or text.problem(service, "service"):
            raise BadParameter("service", f"service must be a service's name of 1 to {MAX_SERVICE_LENGTH} "
                                          "characters, without control characters.")
    return as_of, language, service


async def _current_state(request: Request) -> cache_state.CacheState | None:
    published = request.app.state.published
    stamp = published.stamp if published else None
    return await stamp.current() if stamp else None


def _cacheable(request: Request, body: bytes, media_type: str, state: cache_state.CacheState | None,
               headers: dict[str, str] | None = None) -> Response:
    """The answer with the answer cache's ETag and Cache-Control; 304 when the client has it already."""
    etag = cache.etag_of(media_type.encode(), body)
    control = (cache.cache_control(state, cache_state.now(), request.app.state.settings.http_max_age)
               if state is not None else b"public, no-cache")  # no stamp: nothing tells when it changes
    headers = {"ETag": etag.decode(), "Cache-Control": control.decode(), **(headers or {})}
    if_none_match = request.headers.get("if-none-match")
    if if_none_match and cache.etag_matches(if_none_match.encode("latin-1"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _refuse(error: BadParameter, media_type: str) -> Response:
    if media_type == JSON_TYPE:
        return JSONResponse({"error": {"parameter": error.parameter, "message": error.message}}, status_code=400)
    return PlainTextResponse(f"{error.parameter}: {error.message}\n", status_code=400)


async def _list_export(request: Request, media_type: str) -> Response:
    try:
        as_of, language, service = _list_parameters(request)
    except BadParameter as error:
        return _refuse(error, media_type)
    state = await _current_state(request)  # before the read: a boundary passing meanwhile only shortens max-age
    published = request.app.state.published
    view = await effective_view(published, request.app.state.db, as_of)
    items = subprocessors_of(view, Language(language), published) if view else []
    if service is not None:
        named = sorted({name for item in items for name in item.services}, key=str.casefold)
        if service not in named:
            known = f"the services it names: {', '.join(named)}" if named else "it names no service"
            return _refuse(BadParameter("service", f"No sub-processor in the list names the service {service!r} "
                                                   f"({known}; one that names none is used for every service)."),
                           media_type)
        items = [item for item in items if serves({"services": item.services}, [service])]
    version = view.version if view else None
    facts = {"version_number": version.number if version else None,
             "effective_at": version.effective_at.isoformat() if version else None,
             "content_hash": version.content_hash if version else None}
    if media_type == JSON_TYPE:
        document = {camel(name): value for name, value in facts.items()} | {
            "asOf": as_of.isoformat() if as_of else None, "language": language, "service": service,
            "subprocessors": [graphql_value(item) for item in items]}
        return _cacheable(request, _json_bytes(document), JSON_TYPE, state)
    filename = f"subprocessors-v{facts['version_number'] or 0}-{language}.csv"
    return _cacheable(request, _csv_bytes(items, facts, language), CSV_TYPE, state,
                      {"Content-Disposition": f'attachment; filename="{filename}"', "Content-Language": language})


def _json_bytes(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = "; ".join(value)
    value = str(value)
    # A cell a spreadsheet would run as a formula is kept as text (OWASP's CSV injection advice).
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _csv_bytes(items: list[Subprocessor], facts: dict, language: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    writer.writerow([labels.field_label(name, language) for name in SUBPROCESSOR_FIELDS + VERSION_FIELDS])
    for item in items:
        fields = graphql_value(item)
        writer.writerow([_cell(fields[camel(name)]) for name in SUBPROCESSOR_FIELDS]
                        + [_cell(facts[name]) for name in VERSION_FIELDS])
    return out.getvalue().encode()


async def subprocessors_json(request: Request) -> Response:
    """The list in effect as JSON: GraphQL's Subprocessor fields, with the version's number, time and hash."""
    return await _list_export(request, JSON_TYPE)


async def subprocessors_csv(request: Request) -> Response:
    """The list in effect as CSV, headed in the language asked for, with the version's number, time and hash."""
    return await _list_export(request, CSV_TYPE)


async def version_json(request: Request) -> Response:
    """One version: GraphQL's RegistryVersion fields and the exact canonical content its hash covers."""
    if request.query_params:
        return _refuse(BadParameter(next(iter(request.query_params)), "A version's JSON takes no parameters."),
                       JSON_TYPE)
    state = await _current_state(request)
    published = request.app.state.published
    number = request.path_params["number"]
    view = await numbered_view(published, request.app.state.db, number)
    if view is None:
        return JSONResponse({"error": {"message": f"There is no version {number}."}}, status_code=404)
    document = graphql_value(RegistryVersion.from_view(view, published)) | {
        "hashAlgorithm": "SHA-256",
        "canonicalContent": version_canonical_content(view.version).decode(),
    }
    return _cacheable(request, _json_bytes(document), JSON_TYPE, state)


routes = [
    Route("/subprocessors.json", subprocessors_json, methods=["GET"]),
    Route("/subprocessors.csv", subprocessors_csv, methods=["GET"]),
    Route("/subprocessors/versions/{number:int}.json", version_json, methods=["GET"]),
]
