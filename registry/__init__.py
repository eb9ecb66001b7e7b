"""The sub-processor registry: domain and persistence, free of GraphQL, HTTP and SMTP."""
