"""The page's subscribe form: it hands a valid request to the subscriptions service, and nothing forged.

The subscriptions service belongs to the notifications package; here it is replaced by a recorder with the
same signature, so these tests pin down what the form sends it and how the form shows its answers.
"""

import re
from urllib.parse import urlencode

import httpx
import pytest

from registry.errors import ErrorCode, RegistryError
from tests.support.stand_ins import subscriptions  # noqa: F401 - the fixture


async def form_token(client: httpx.AsyncClient, lang: str = "da") -> str:
    html = (await client.get(f"/subprocessors?lang={lang}")).text
    return re.search(r'<input type="hidden" name="token" value="([^"]+)">', html).group(1)


async def test_valid_request_reaches_the_service_and_gets_the_check_your_inbox_page(seeded, client, subscriptions,
                                                                                    settings):
    token = await form_token(client)

    response = await client.post("/subscribe", data={"token": token, "lang": "da", "email": "kunde@example.dk",
                                                     "language": "en"})

    assert response.status_code == 200
    assert "<h1>Tjek din indbakke</h1>" in response.text
    [call] = subscriptions.calls
    assert call["email"] == "kunde@example.dk" and call["language"] == "en"
    assert call["client"] == "127.0.0.1" and call["settings"] == settings


async def test_page_language_is_used_when_no_email_language_is_chosen(seeded, client, subscriptions):
    token = await form_token(client, "en")

    response = await client.post("/subscribe", data={"token": token, "lang": "en", "email": "a@example.dk"})

    assert "<h1>Check your inbox</h1>" in response.text
    assert subscriptions.calls[0]["language"] == "en"


async def test_refused_address_shows_the_problem_and_the_form_again(seeded, client, subscriptions):
    subscriptions.error = RegistryError.one("Not a valid email address.", ErrorCode.INVALID, "email")
    token = await form_token(client, "en")

    response = await client.post("/subscribe", data={"token": token, "lang": "en", "email": '"><b>x',
                                                     "language": "da"})

    assert response.status_code == 422
    assert '<div class="errors" role="alert">' in response.text and "Not a valid email address." in response.text
    assert 'value="&#34;&gt;&lt;b&gt;x"' in response.text
    assert 'value="da" checked' in response.text
    assert re.search(r'name="token" value="[^"]+"', response.text)


async def test_rate_limited_request_is_answered_429(seeded, client, subscriptions):
    subscriptions.error = RegistryError.one("Too many requests; try again later.", "RATE_LIMITED", "email")
    token = await form_token(client)

    response = await client.post("/subscribe", data={"token": token, "email": "a@example.dk"})

    assert response.status_code == 429 and "Too many requests" in response.text


async def test_post_without_the_pages_token_is_refused(seeded, client, subscriptions):
    response = await client.post("/subscribe", data={"email": "victim@example.dk"})

    assert response.status_code == 403 and "Formularen er udløbet" in response.text
    assert subscriptions.calls == []


async def test_token_fetched_by_another_browser_is_refused(seeded, client, settings, subscriptions):
    # An attacker can load the page and copy its token, but not the victim's cookie it is bound to.
    token = await form_token(client)
    client.cookies.clear()
    await form_token(client)

    response = await client.post("/subscribe", data={"token": token, "email": "victim@example.dk"})

    assert response.status_code == 403 and subscriptions.calls == []


async def test_post_from_another_site_is_refused(seeded, client, subscriptions):
    token = await form_token(client)

    response = await client.post("/subscribe", data={"token": token, "email": "victim@example.dk"},
                                 headers={"Origin": "https://evil.example"})

    assert response.status_code == 403 and subscriptions.calls == []


async def test_post_from_the_registrys_own_origin_is_accepted(seeded, client, subscriptions):
    token = await form_token(client)

    response = await client.post("/subscribe", data={"token": token, "email": "a@example.dk"},
                                 headers={"Origin": "http://testserver"})

    assert response.status_code == 200 and len(subscriptions.calls) == 1


async def test_page_sets_a_strict_form_cookie_and_is_neither_shared_cached_nor_framed(seeded, client):
    response = await client.get("/subprocessors")

    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert response.headers["cache-control"] == "private, no-cache"
    policy = response.headers["content-security-policy"]
    assert "script-src 'none'" in policy and "frame-ancestors 'none'" in policy and "form-action 'self'" in policy


@pytest.mark.parametrize("chosen", [101, 200])
async def test_a_form_with_more_services_than_any_list_names_is_refused_in_words_and_asks_nothing(
        seeded, client, subscriptions, chosen):
    # Given a form token, and a post choosing 101 services (the form's bound is 100), or so many that the form
    # has more fields than it can (110)
    token = await form_token(client, "en")
    body = [("token", token), ("lang", "en"), ("email", "kunde@example.dk")] + [
        ("services", f"S{i}") for i in range(chosen)]

    # When it is posted
    response = await client.post("/subscribe?lang=en", content=urlencode(body),
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})

    # Then it is refused as too many services (not as an expired form), with the form to try again, and the
    # subscriptions service is never asked
    assert response.status_code == 422
    assert "choose at most 100 services" in response.text and re.search(r'name="token" value="[^"]+"', response.text)
    assert subscriptions.calls == []
