"""Landing pages of the links in notification emails: GET shows a button, only POST changes anything.

Link scanners fetch GET, so GET never confirms or unsubscribes. The unsubscribe POST also serves
RFC 8058 one-click requests (body List-Unsubscribe=One-Click) from mail clients, without login or CSRF
token, and answers 200 whether the token was valid or not.
"""

from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from notifications.subscriptions import service as subscriptions
from registry.errors import RegistryError
from schema.pages import i18n
from schema.pages.public import render_page

MAX_FORM_BYTES = 4096
# As the public pages, and never cached or indexed: the URL carries a personal token.
_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


def _page(request: Request, action: str, *, token: str, state: str, status_code: int = 200) -> HTMLResponse:
    language = i18n.language_of(request.query_params.get("lang"))
    context = {"action": f"subscription_{action}", "token": token, "state": state}
    return render_page(request, "subscription.html", language, context, status_code=status_code,
                       headers=_HEADERS, keep={"token": token} if token else None)


async def _token(request: Request) -> str:
    token = request.query_params.get("token", "")
    if request.method == "POST":
        # A small urlencoded form; a one-click POST carries only List-Unsubscribe=One-Click.
        body = (await request.body())[:MAX_FORM_BYTES].decode("utf-8", "replace")
        token = parse_qs(body).get("token", [token])[0]
    return token[:1000]


async def _ask_then_act(request: Request, name: str, action, *, tell_invalid: bool) -> HTMLResponse:
    """GET shows a button; POST runs `action` with the link's token and says it is done (or, if told to, invalid)."""
    token = await _token(request)
    if request.method == "GET":
        return _page(request, name, token=token, state="ask")
    try:
        async with request.app.state.db.transaction() as session:
            await action(session=session, settings=request.app.state.settings, token=token)
    except RegistryError:
        if tell_invalid:
            return _page(request, name, token="", state="invalid", status_code=400)
    return _page(request, name, token="", state="done")


async def confirm_page(request: Request) -> HTMLResponse:
    """GET /subscriptions/confirm?token=...: a button; POST confirms."""
    return await _ask_then_act(request, "confirm", subscriptions.confirm_subscription, tell_invalid=True)


async def unsubscribe_page(request: Request) -> HTMLResponse:
    """GET /subscriptions/unsubscribe?token=...: a button; POST (a click or RFC 8058 one-click) unsubscribes."""
    # The same answer either way: a token's validity tells a stranger nothing.
    return await _ask_then_act(request, "unsubscribe", subscriptions.unsubscribe, tell_invalid=False)


routes = [
    Route("/subscriptions/confirm", confirm_page, methods=["GET", "POST"]),
    Route("/subscriptions/unsubscribe", unsubscribe_page, methods=["GET", "POST"]),
]
