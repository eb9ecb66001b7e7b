"""Every table of the notifications package, registered through the "registry.models" entry point."""

from notifications.outbox.models import Notification
from notifications.subscriptions.models import RateCounter, Subscription
from notifications.webhooks.models import WebhookDelivery, WebhookEndpoint

__all__ = ["Notification", "RateCounter", "Subscription", "WebhookDelivery", "WebhookEndpoint"]
