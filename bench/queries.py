"""The benchmarked reads, as the website and a customer's tooling would send them."""

LIST = "{ subprocessors { slug name legalEntity purpose countries transferMechanism } }"
HISTORY = """{ registryVersions(first: 50) { totalCount edges { node {
  number status publishedAt effectiveAt note contentHash changes { kind slug name field before after } } } } }"""
DIFF = """{ registryDiff(fromVersion: 400, toVersion: 500) { fromVersion toVersion
  changes { kind slug name field before after } } }"""

QUERIES = {"list": LIST, "history": HISTORY, "diff": DIFF}
VERSIONS = 500
