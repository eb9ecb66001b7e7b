"""The Mutation root: one file per mutation."""

import strawberry

from schema.mutations.acknowledge_notice import acknowledge_notice
from schema.mutations.acknowledge_objection import acknowledge_objection
from schema.mutations.confirm_subscription import confirm_subscription
from schema.mutations.create_agreement import create_agreement
from schema.mutations.create_customer import create_customer
from schema.mutations.document_deletion import document_deletion
from schema.mutations.file_objection import file_objection
from schema.mutations.notify_legal_requirement import notify_legal_requirement
from schema.mutations.publish_version import publish_version
from schema.mutations.record_legal_requirement import record_legal_requirement
from schema.mutations.record_legal_requirement_secrecy import record_legal_requirement_secrecy
from schema.mutations.redrive_notification import redrive_notification
from schema.mutations.remove_subprocessor_draft import remove_subprocessor_draft
from schema.mutations.request_customer_access import request_customer_access
from schema.mutations.resolve_objection import resolve_objection
from schema.mutations.save_subprocessor_draft import save_subprocessor_draft
from schema.mutations.subscribe import subscribe
from schema.mutations.terminate_agreement import terminate_agreement
from schema.mutations.unsubscribe import unsubscribe
from schema.mutations.withdraw_objection import withdraw_objection
from schema.mutations.withdraw_version import withdraw_version


@strawberry.type
class Mutation:
    save_subprocessor_draft = save_subprocessor_draft
    remove_subprocessor_draft = remove_subprocessor_draft
    publish_version = publish_version
    withdraw_version = withdraw_version
    create_customer = create_customer
    create_agreement = create_agreement
    terminate_agreement = terminate_agreement
    document_deletion = document_deletion
    file_objection = file_objection
    withdraw_objection = withdraw_objection
    acknowledge_objection = acknowledge_objection
    resolve_objection = resolve_objection
    request_customer_access = request_customer_access
    acknowledge_notice = acknowledge_notice
    subscribe = subscribe
    confirm_subscription = confirm_subscription
    unsubscribe = unsubscribe
    redrive_notification = redrive_notification
    record_legal_requirement = record_legal_requirement
    record_legal_requirement_secrecy = record_legal_requirement_secrecy
    notify_legal_requirement = notify_legal_requirement
