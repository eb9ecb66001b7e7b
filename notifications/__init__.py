"""Change notifications: subscriptions, the outbox, delivery and the worker that drains it."""
