"""A customer follows the "object" link in a notice, reads their deadline and objects, in Danish or English."""

import re

import pytest

from registry.objections.links import objection_link_token
from tests.support.graphql_documents import nodes
from tests.conftest import notified_customer


@pytest.fixture
async def link(seeded, gql, admin_token, settings):
    customer = await notified_customer(seeded, gql, admin_token, "Kunde <A> & Co")
    return objection_link_token(secret_key=settings.secret_key, customer_id=customer, version_number=2)


async def test_link_shows_the_change_the_deadline_and_a_form(link, client):
    response = await client.get("/objections/new", params={"token": link, "lang": "en"})

    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    page = response.text
    assert "Objection to version 2" in page and "Mailgun Technologies" in page
    assert "Kunde &lt;A&gt; &amp; Co" in page  # the customer's name is escaped, never markup
    assert "Your deadline for objections" in page and '<textarea id="objection-reason"' in page
    assert '<label for="objection-reason">' in page
    assert f"/objections/new?lang=da&amp;token={link}" in page  # switching language keeps the link working


async def test_posting_the_form_files_one_objection(link, client, gql, admin_token):
    first = await client.post("/objections/new", data={"token": link, "reason": "Ingen overførsel til USA",
                                                       "lang": "da"})
    again = await client.get("/objections/new", params={"token": link})

    assert first.status_code == 200 and "Indsigelsen er modtaget" in first.text
    assert "I har allerede gjort indsigelse" in again.text and "<textarea" not in again.text
    listed = await gql("{ objections(versionNumber: 2) { edges { node { reason status } } } }", token=admin_token)
    assert nodes(listed["data"]["objections"]) == [{"reason": "Ingen overførsel til USA", "status": "RECEIVED"}]


async def test_an_empty_reason_is_refused_with_the_form_kept(link, client, gql, admin_token):
    response = await client.post("/objections/new", data={"token": link, "reason": "   ", "lang": "en"})

    assert response.status_code == 422 and 'role="alert"' in response.text and "<textarea" in response.text
    assert (await gql("{ objections { edges { cursor } } }", token=admin_token))["data"]["objections"]["edges"] == []


@pytest.mark.parametrize("token", ["", "garbage", "eyJjIjoxLCJ2IjoyfQ.forged.signature"])
async def test_a_bad_link_reveals_nothing(link, client, token):
    shown = await client.get("/objections/new", params={"token": token})
    posted = await client.post("/objections/new", data={"token": token, "reason": "x"})

    assert shown.status_code == posted.status_code == 400
    assert "Kunde" not in shown.text + posted.text and re.search(r"Linket (virker ikke|til indsigelse)", shown.text)


async def test_a_post_from_another_site_is_refused(link, client, gql, admin_token):
    response = await client.post("/objections/new", data={"token": link, "reason": "x"},
                                 headers={"Origin": "https://evil.example"})

    assert response.status_code == 403
    assert (await gql("{ objections { edges { cursor } } }", token=admin_token))["data"]["objections"]["edges"] == []
