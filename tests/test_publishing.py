"""Admins edit the draft and publish it; the website sees each version take effect on time."""

from datetime import UTC, datetime, timedelta

from registry.calendar import add_days
from registry.subprocessors import service as drafts
from registry.versions import service as versions
from tests.support.graphql_documents import (
    LIST_AS_OF,
    NEW_SUBPROCESSOR,
    PUBLISH,
    SAVE_DRAFT,
    VERSION,
    WITHDRAW,
)


def parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment)


async def test_added_subprocessor_is_pending_for_the_notice_period_then_in_effect(seeded, gql, admin_token):
    # given a draft with one new sub-processor
    saved = await gql(SAVE_DRAFT, {"input": NEW_SUBPROCESSOR}, token=admin_token)
    assert saved["data"]["saveSubprocessorDraft"]["userErrors"] == []
    assert saved["data"]["saveSubprocessorDraft"]["subprocessor"]["countries"] == ["DE", "US"]
    assert saved["data"]["saveSubprocessorDraft"]["subprocessor"]["thirdCountry"] is True

    # when it is published with 30 days' notice
    result = await gql(PUBLISH, {"input": {"note": "Mailgun sender e-mails", "noticeDays": 30}}, token=admin_token)

    # then version 2 is pending, with a window to object until it takes effect
    version = result["data"]["publishVersion"]["version"]
    assert result["data"]["publishVersion"]["userErrors"] == []
    assert version["number"] == 2 and version["status"] == "PENDING" and version["material"] is True
    effective = parse(version["effectiveAt"])
    assert effective == add_days(parse(version["publishedAt"]), 30)
    assert version["objectionDeadline"] == version["effectiveAt"]
    assert version["changes"] == [{"kind": "ADDED", "slug": "mailgun", "name": "Mailgun Technologies",
                                   "field": None, "before": None, "after": None}]
    # and the list in effect changes exactly at the effective instant
    before = await gql(LIST_AS_OF, {"asOf": (effective - timedelta(seconds=1)).isoformat()})
    after = await gql(LIST_AS_OF, {"asOf": effective.isoformat()})
    now = await gql(LIST_AS_OF)
    assert len(before["data"]["subprocessors"]) == 17 == len(now["data"]["subprocessors"])
    assert "mailgun" in {s["slug"] for s in after["data"]["subprocessors"]}


async def test_changed_fields_are_listed_one_by_one(seeded, gql, admin_token):
    google = {"slug": "google", "name": "Google", "purposeDa": "My business, Analytics, AdWords til SEO arbejde",
              "purposeEn": "My Business, Analytics, AdWords for SEO work", "countries": ["IE", "US"],
              "transferMechanism": "DPF"}
    await gql(SAVE_DRAFT, {"input": google}, token=admin_token)

    result = await gql(PUBLISH, {"input": {"note": "Google's processing countries are now known"}}, token=admin_token)

    changes = result["data"]["publishVersion"]["version"]["changes"]
    assert [(c["kind"], c["field"], c["before"], c["after"]) for c in changes] == [
        ("CHANGED", "countries", [], ["IE", "US"]), ("CHANGED", "transferMechanism", "UNKNOWN", "DPF")]
    assert result["data"]["publishVersion"]["version"]["material"] is True


async def test_a_removal_alone_opens_no_objection_window(seeded, gql, admin_token):
    await gql("mutation { removeSubprocessorDraft(slug: \"kaspersky\") { userErrors { code } } }", token=admin_token)

    result = await gql(PUBLISH, {"input": {"note": "Kaspersky is no longer used"}}, token=admin_token)

    version = result["data"]["publishVersion"]["version"]
    assert version["material"] is False and version["objectionDeadline"] is None
    assert version["changes"][0]["kind"] == "REMOVED"


async def test_explicit_effective_date_is_kept(seeded, gql, admin_token):
    await gql(SAVE_DRAFT, {"input": NEW_SUBPROCESSOR}, token=admin_token)
    effective = (datetime.now(UTC) + timedelta(days=45)).replace(microsecond=0)

    result = await gql(PUBLISH, {"input": {"note": "n", "effectiveAt": effective.isoformat()}}, token=admin_token)

    assert parse(result["data"]["publishVersion"]["version"]["effectiveAt"]) == effective


async def test_withdrawn_version_never_takes_effect(seeded, gql, admin_token):
    await gql(SAVE_DRAFT, {"input": NEW_SUBPROCESSOR}, token=admin_token)
    published = await gql(PUBLISH, {"input": {"note": "Mailgun"}}, token=admin_token)
    effective = parse(published["data"]["publishVersion"]["version"]["effectiveAt"])

    result = await gql(WITHDRAW, {"number": 2, "reason": "Customer objections"}, token=admin_token)

    version = result["data"]["withdrawVersion"]["version"]
    assert version["status"] == "WITHDRAWN" and version["withdrawalReason"] == "Customer objections"
    later = await gql(LIST_AS_OF, {"asOf": (effective + timedelta(days=1)).isoformat()})
    assert "mailgun" not in {s["slug"] for s in later["data"]["subprocessors"]}


async def test_statuses_move_from_pending_to_effective_to_superseded(db, gql):
    # given version 1 from 50 days ago, version 2 published 40 days ago with 30 days' notice, version 3 today
    long_ago = datetime.now(UTC) - timedelta(days=40)
    async with db.transaction() as session:
        await drafts.save_draft_entry(session=session, actor="t", entry=drafts.parse_entry(
            {"slug": "iex", "name": "IEX", "purpose_da": "Integration", "purpose_en": "Integration"}))
        await versions.publish_version(session=session, actor="t", note="v1", min_notice_days=30,
                                       now=long_ago - timedelta(days=10))
        await drafts.save_draft_entry(session=session, actor="t", entry=drafts.parse_entry(
            {"slug": "mailgun", "name": "Mailgun", "purpose_da": "E-mail", "purpose_en": "E-mail"}))
        await versions.publish_version(session=session, actor="t", note="v2", min_notice_days=30, now=long_ago)
        await drafts.remove_draft_entry(session=session, actor="t", slug="mailgun")
        await versions.publish_version(session=session, actor="t", note="v3", min_notice_days=30)

    statuses = [(await gql(VERSION, {"number": n}))["data"]["registryVersion"]["status"] for n in (1, 2, 3)]

    assert statuses == ["SUPERSEDED", "EFFECTIVE", "PENDING"]


async def test_history_pages_newest_first_with_cursors(seeded, gql, admin_token):
    for slug in ("a-one", "b-two"):
        await gql(SAVE_DRAFT, {"input": {**NEW_SUBPROCESSOR, "slug": slug, "name": slug}}, token=admin_token)
        await gql(PUBLISH, {"input": {"note": slug}}, token=admin_token)
    page = "query($after: String) { registryVersions(first: 2, after: $after) { totalCount " \
           "edges { cursor node { number } } pageInfo { hasNextPage endCursor } } }"

    first = (await gql(page))["data"]["registryVersions"]
    second = (await gql(page, {"after": first["pageInfo"]["endCursor"]}))["data"]["registryVersions"]

    assert [e["node"]["number"] for e in first["edges"]] == [3, 2] and first["pageInfo"]["hasNextPage"]
    assert [e["node"]["number"] for e in second["edges"]] == [1] and not second["pageInfo"]["hasNextPage"]
    assert first["totalCount"] == 3


async def test_diff_between_any_two_versions(seeded, gql, admin_token):
    await gql(SAVE_DRAFT, {"input": NEW_SUBPROCESSOR}, token=admin_token)
    await gql(PUBLISH, {"input": {"note": "add"}}, token=admin_token)
    await gql("mutation { removeSubprocessorDraft(slug: \"iex\") { userErrors { code } } }", token=admin_token)
    await gql(PUBLISH, {"input": {"note": "remove"}}, token=admin_token)

    result = await gql("{ registryDiff(fromVersion: 1, toVersion: 3) { changes { kind slug } } }")
    backwards = await gql("{ registryDiff(fromVersion: 3, toVersion: 1) { changes { kind slug } } }")

    assert result["data"]["registryDiff"]["changes"] == [{"kind": "REMOVED", "slug": "iex"},
                                                         {"kind": "ADDED", "slug": "mailgun"}]
    assert backwards["data"]["registryDiff"]["changes"] == [{"kind": "REMOVED", "slug": "mailgun"},
                                                            {"kind": "ADDED", "slug": "iex"}]


async def test_agreement_template_carries_the_seeds_clauses_and_contact(seeded, gql):
    result = await gql("{ agreementTemplate(language: EN) { version title sections { key heading language } "
                       "organisation { name privacyContactEmail } } }")

    template = result["data"]["agreementTemplate"]
    assert template["version"] == 1 and template["title"] == "Data processing agreement"
    assert template["organisation"] == {"name": "Office2go ApS", "privacyContactEmail": "Jacob@Office2go.dk"}
    sikkerhedsbrud = next(s for s in template["sections"] if s["key"] == "sikkerhedsbrud")
    # The seed carries an English convenience translation of each clause, served and labelled as English.
    assert sikkerhedsbrud == {"key": "sikkerhedsbrud", "heading": "Security breaches", "language": "EN"}
