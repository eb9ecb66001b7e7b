"""GraphQL documents the tests send, written once."""

VERSION_FIELDS = """
  number status publishedAt effectiveAt objectionDeadline note material contentHash previousHash
  withdrawnAt withdrawalReason
  changes { kind slug name field before after }
"""

SAVE_DRAFT = """
mutation Save($input: SubprocessorInput!) {
  saveSubprocessorDraft(input: $input) {
    subprocessor { slug name countries transferMechanism thirdCountry }
    userErrors { field message code }
  }
}
"""

REMOVE_DRAFT = """
mutation Remove($slug: String!) {
  removeSubprocessorDraft(slug: $slug) { subprocessor { slug } userErrors { field message code } }
}
"""

PUBLISH = f"""
mutation Publish($input: PublishVersionInput!) {{
  publishVersion(input: $input) {{ version {{ {VERSION_FIELDS} }} userErrors {{ field message code }} }}
}}
"""

WITHDRAW = f"""
mutation Withdraw($number: Int!, $reason: String!) {{
  withdrawVersion(number: $number, reason: $reason) {{
    version {{ {VERSION_FIELDS} }} userErrors {{ field message code }}
  }}
}}
"""

VERSION = f"query Version($number: Int!) {{ registryVersion(number: $number) {{ {VERSION_FIELDS} }} }}"

LIST_AS_OF = "query List($asOf: DateTime) { subprocessors(asOf: $asOf) { slug name countries } }"

AUDIT = "{ auditLog(first: 50) { edges { node { actor action target before after } } } }"


def nodes(connection: dict) -> list[dict]:
    """The nodes of one page of a connection, in order."""
    return [edge["node"] for edge in connection["edges"]]

NEW_SUBPROCESSOR = {
    "slug": "mailgun", "name": "Mailgun Technologies", "legalEntity": "Mailgun Technologies, Inc.",
    "purposeDa": "Afsendelse af e-mail", "purposeEn": "Sending e-mail",
    "dataCategories": ["Navn", "E-mailadresse"], "countries": ["US", "de"], "transferMechanism": "DPF",
    "services": ["Nyhedsbrev"], "website": "https://www.mailgun.com",
}

LEGAL_REQUIREMENT_FIELDS = "id legalBasis authority processing startsAt notifiedAt secrecyReason secrecyRecordedAt"

RECORD_LEGAL_REQUIREMENT = f"""
mutation Record($input: RecordLegalRequirementInput!) {{
  recordLegalRequirement(input: $input) {{
    legalRequirement {{ {LEGAL_REQUIREMENT_FIELDS} }} userErrors {{ field message code }}
  }}
}}
"""

NOTIFY_LEGAL_REQUIREMENT = f"""
mutation Notify($id: Int!) {{
  notifyLegalRequirement(id: $id) {{ legalRequirement {{ {LEGAL_REQUIREMENT_FIELDS} }} userErrors {{ field code }} }}
}}
"""

RECORD_SECRECY = f"""
mutation Secret($id: Int!, $reason: String!) {{
  recordLegalRequirementSecrecy(id: $id, reason: $reason) {{
    legalRequirement {{ {LEGAL_REQUIREMENT_FIELDS} }} userErrors {{ field code }}
  }}
}}
"""

LEGAL_REQUIREMENT = f"query One($id: Int!) {{ legalRequirement(id: $id) {{ {LEGAL_REQUIREMENT_FIELDS} }} }}"

LEGAL_REQUIREMENTS = f"{{ legalRequirements(first: 10) {{ edges {{ node {{ {LEGAL_REQUIREMENT_FIELDS} }} }} }} }}"

LEGAL_AUDIENCE = """
query Audience($id: Int!) {
  legalRequirementAudience(id: $id) { edges { node { customer { name } notifiedAt deadline messageId recipient
    objection { id status legalRequirementId versionNumber } } } }
}
"""

MY_LEGAL_REQUIREMENTS = """{ me { legalRequirements { id legalBasis authority processing startsAt notifiedAt
  deadline canObject objection { id status } } } }"""

FILE_OBJECTION = """
mutation File($input: FileObjectionInput!) {
  fileObjection(input: $input) {
    objection { id status versionNumber legalRequirementId } userErrors { field code }
  }
}
"""
