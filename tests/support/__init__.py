"""What the tests share besides conftest.py's fixtures (databases, settings, `gql`, `smtp`, tokens).

- app_process: the registry as operators run it: `python -m registry serve` in a process of its own, and `run` for
  any other command.
- live: the registry under uvicorn on loopback (`registry` fixture) and a foreign host page, for browser tests.
- browsing: Debian's Chromium through Playwright (`browser`, `page` fixtures), typing by keyboard, and `artifact`
  for screenshots in test-artifacts/.
- smtp_sink: a real SMTP server (aiosmtpd) that keeps what it accepts and misbehaves on request.
- notify_helpers: subscribers, publishing a change, delivering, reading links out of mail.
- publishing: versions set up the way an admin would, through the service functions.
- incidents: personal data breaches recorded, notified and updated the way an admin would, through the service
  functions.
- graphql_documents: the GraphQL documents the tests send, written once.
- tokens: forging a signed token so that it is surely invalid.
- stand_ins: a stand-in for the subscription service the public page's form calls (`subscriptions` fixture).
- waiting: `until`, polling for what another process or thread does, with a limit instead of a hang.
- sql_statements: `counting`, the SQL statements a piece of work sends.
- validity: the Nu HTML checker and axe-core, for page validity and accessibility.
- axe/, http_audit/: the pinned npm packages (axe-core; graphql-http's GraphQL-over-HTTP audit), installed by
  scripts/test with `npm ci --prefix`.
"""
