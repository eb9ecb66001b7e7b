"""strawberry's GraphiQL page, made safe to open with an admin token."""

# strawberry's GraphiQL keeps the headers tab, an admin's bearer token included, in localStorage: it must
# not, and what an earlier version kept there goes before GraphiQL starts.
_EDITS = {
    "shouldPersistHeaders: true,": "shouldPersistHeaders: false,\n          showPersistHeadersSettings: false,",
    "<title>Strawberry GraphiQL</title>": """<title>Strawberry GraphiQL</title>
    <script>
      try {
        localStorage.removeItem("graphiql:headers");
        const tabs = JSON.parse(localStorage.getItem("graphiql:tabState") || "null");
        if (tabs && Array.isArray(tabs.tabs)) {
          tabs.tabs.forEach((tab) => { tab.headers = null; });
          localStorage.setItem("graphiql:tabState", JSON.stringify(tabs));
        }
      } catch (error) {
        localStorage.removeItem("graphiql:tabState");
      }
    </script>""",
}


def graphiql_html(template: str) -> str:
    """strawberry's GraphiQL page, made to forget the headers it is given."""
    for before, after in _EDITS.items():
        if template.count(before) != 1:
            raise RuntimeError(f"strawberry's GraphiQL page changed ({before!r}): check it keeps no headers")
        template = template.replace(before, after)
    return template
