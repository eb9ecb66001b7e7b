"""Landing pages of the links in notification emails: GET shows a button, only POST changes anything.

Link scanners fetch GET, so GET never confirms or unsubscribes. The unsubscribe POST also serves
RFC 8058 one-click requests (body List-Unsubscribe=One-Click) from mail clients, without login or CSRF
token, and answers 200 whether the token was valid or not.
"""

from functools import cache
from pathlib import Path
from urllib.parse import parse_qs

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from notifications.subscriptions import service as subscriptions
from registry.errors import RegistryError

TEMPLATES = Path(__file__).with_name("templates")
MAX_FORM_BYTES = 4096


@cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def _language(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in ("da", "en"):
        return asked
    accept = request.headers.get("accept-language", "").lower()
    return "en" if accept.startswith("en") else "da"


def _page(request: Request, name: str, *, status_code: int = 200, **context) -> HTMLResponse:
    html = _environment().get_template(name).render(
        lang=_language(request), org=request.app.state.settings.organisation_name, **context)
    return HTMLResponse(html, status_code=status_code, headers={
        "Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"})


async def _token(request: Request) -> str:
    token = request.query_params.get("token", "")
    if request.method == "POST":
        # A small urlencoded form; a one-click POST carries only List-Unsubscribe=One-Click.
        body = (await request.body())[:MAX_FORM_BYTES].decode("utf-8", "replace")
        token = parse_qs(body).get("token", [token])[0]
    return token[:1000]


async def confirm_page(request: Request) -> HTMLResponse:
    """GET /subscriptions/confirm?token=...: a button; POST confirms."""
    token = await _token(request)
    if request.method == "GET":
        return _page(request, "confirm.html", token=token, state="ask")
    try:
        async with request.app.state.db.transaction() as session:
            await subscriptions.confirm_subscription(session=session, settings=request.app.state.settings, token=token)
    except RegistryError:
        return _page(request, "confirm.html", token="", state="invalid", status_code=400)
    return _page(request, "confirm.html", token="", state="done")


async def unsubscribe_page(request: Request) -> HTMLResponse:
    """GET /subscriptions/unsubscribe?token=...: a button; POST (a click or RFC 8058 one-click) unsubscribes."""
    token = await _token(request)
    if request.method == "GET":
        return _page(request, "unsubscribe.html", token=token, state="ask")
    try:
        async with request.app.state.db.transaction() as session:
            await subscriptions.unsubscribe(session=session, settings=request.app.state.settings, token=token)
    except RegistryError:
        pass  # the same answer either way: a token's validity tells a stranger nothing
    return _page(request, "unsubscribe.html", token="", state="done")


routes = [
    Route("/subscriptions/confirm", confirm_page, methods=["GET", "POST"]),
    Route("/subscriptions/unsubscribe", unsubscribe_page, methods=["GET", "POST"]),
]
