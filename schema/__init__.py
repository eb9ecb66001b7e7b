"""The GraphQL schema, the Starlette app and the HTTP endpoints around it."""
