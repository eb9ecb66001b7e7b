"""The Mutation root: one file per mutation, all admin-only."""

import strawberry

from schema.mutations.publish_version import publish_version
from schema.mutations.remove_subprocessor_draft import remove_subprocessor_draft
from schema.mutations.save_subprocessor_draft import save_subprocessor_draft
from schema.mutations.withdraw_version import withdraw_version


@strawberry.type
class Mutation:
    save_subprocessor_draft = save_subprocessor_draft
    remove_subprocessor_draft = remove_subprocessor_draft
    publish_version = publish_version
    withdraw_version = withdraw_version
