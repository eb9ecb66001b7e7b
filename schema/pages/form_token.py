"""Cross-site request forgery protection for the public subscribe form.

A random nonce lives in a SameSite=Strict, HttpOnly cookie and the form carries the nonce signed with a
salt of its own: another site can neither read the cookie nor forge the signature, and a token fetched by
someone else fails against the browser's own cookie. A foreign Origin header is refused outright.
"""

import hmac
import secrets
from urllib.parse import urlsplit

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from registry.settings import RegistrySettings

SALT = "registry.public-subscribe-form"
COOKIE = "registry_form"
MAX_AGE_SECONDS = 24 * 3600
_NONCE_LENGTH = 22  # characters of secrets.token_urlsafe(16)


def _serializer(settings: RegistrySettings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.signing_keys, salt=SALT)


def _cookie_nonce(request: Request) -> str | None:
    nonce = request.cookies.get(COOKIE, "")
    return nonce if len(nonce) == _NONCE_LENGTH and nonce.replace("-", "").replace("_", "").isalnum() else None


def issue(request: Request, settings: RegistrySettings) -> tuple[str, str]:
    """The browser's nonce (kept if it has one, so several tabs work) and a form token signed over it."""
    nonce = _cookie_nonce(request) or secrets.token_urlsafe(16)
    return nonce, _serializer(settings).dumps(nonce)


def set_cookie(response: Response, request: Request, nonce: str) -> None:
    response.set_cookie(COOKIE, nonce, max_age=MAX_AGE_SECONDS, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin(request: Request, settings: RegistrySettings) -> bool:
    """False when the browser says the form was posted from another site."""
    origin = request.headers.get("origin")
    if origin is None:
        return True  # browsers that send no Origin still need the cookie and the signed token
    return origin.lower() in {_origin(str(request.url)), _origin(settings.public_url)}


def verify(request: Request, settings: RegistrySettings, token: str) -> bool:
    """Whether the form token is ours, fresh, and matches this browser's cookie."""
    nonce = _cookie_nonce(request)
    if nonce is None or not token:
        return False
    try:
        signed = _serializer(settings).loads(token, max_age=MAX_AGE_SECONDS)
    except BadSignature:
        return False
    return isinstance(signed, str) and hmac.compare_digest(signed, nonce)
