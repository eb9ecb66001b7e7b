// Runs graphql-http's GraphQL-over-HTTP server audit against the URL given as the only argument and
// prints one JSON line per audit: {id, name, status: "ok" | "warn" | "error", reason}.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://127.0.0.1:8000/graphql');
  process.exit(2);
}
const results = await auditServer({ url });
console.log(JSON.stringify(results.map(({ id, name, status, reason }) => ({ id, name, status, reason: reason ?? null }))));
