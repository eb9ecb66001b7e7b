"""The Mutation root: one file per mutation. Admin-only except the subscription flow."""

import strawberry

from schema.mutations.confirm_subscription import confirm_subscription
from schema.mutations.publish_version import publish_version
from schema.mutations.redrive_notification import redrive_notification
from schema.mutations.remove_subprocessor_draft import remove_subprocessor_draft
from schema.mutations.save_subprocessor_draft import save_subprocessor_draft
from schema.mutations.subscribe import subscribe
from schema.mutations.unsubscribe import unsubscribe
from schema.mutations.withdraw_version import withdraw_version


@strawberry.type
class Mutation:
    save_subprocessor_draft = save_subprocessor_draft
    remove_subprocessor_draft = remove_subprocessor_draft
    publish_version = publish_version
    withdraw_version = withdraw_version
    subscribe = subscribe
    confirm_subscription = confirm_subscription
    unsubscribe = unsubscribe
    redrive_notification = redrive_notification
