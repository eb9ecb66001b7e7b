"""The benchmarked reads, as the website and a customer's tooling would send them."""

LIST = "{ subprocessors { slug name legalEntity purpose countries transferMechanism } }"
HISTORY = """{ registryVersions(first: 50) { totalCount edges { node {
  number status publishedAt effectiveAt note contentHash changes { kind slug name field before after } } } } }"""
DIFF = """{ registryDiff(fromVersion: 400, toVersion: 500) { fromVersion toVersion
  changes { kind slug name field before after } } }"""
# The customer's own page asks this with their token: what they authorised, what is pending, what they did.
ME = """{ me { customer { name agreements { acceptedAt noticeDays services status } }
  authorisedVersion authorisedSubprocessors { slug name legalEntity purpose countries transferMechanism }
  pendingChanges { version { number status effectiveAt } notifiedAt deadline canObject objection { id status }
    changes { kind slug name field before after } }
  notices { versionNumber sentAt acknowledgedAt } objections { id versionNumber reason status filedAt } } }"""

QUERIES = {"list": LIST, "history": HISTORY, "diff": DIFF}
CUSTOMER_QUERIES = {"me": ME}  # asked with the customer's token (build_db's customer=True), never anonymously
VERSIONS = 500
