"""The Mutation root: one file per mutation."""

import strawberry

from schema.mutations.acknowledge_incident import acknowledge_incident
from schema.mutations.acknowledge_notice import acknowledge_notice
from schema.mutations.add_incident_update import add_incident_update
from schema.mutations.acknowledge_objection import acknowledge_objection
from schema.mutations.approve_version import approve_version
from schema.mutations.cancel_publish_request import cancel_publish_request
from schema.mutations.confirm_subscription import confirm_subscription
from schema.mutations.create_agreement import create_agreement
from schema.mutations.create_customer import create_customer
from schema.mutations.create_incident import create_incident
from schema.mutations.document_deletion import document_deletion
from schema.mutations.file_objection import file_objection
from schema.mutations.notify_incident import notify_incident
from schema.mutations.notify_legal_requirement import notify_legal_requirement
from schema.mutations.publish_version import publish_version
from schema.mutations.record_legal_requirement import record_legal_requirement
from schema.mutations.record_legal_requirement_secrecy import record_legal_requirement_secrecy
from schema.mutations.redrive_notification import redrive_notification
from schema.mutations.reject_publish_request import reject_publish_request
from schema.mutations.redrive_webhook_delivery import redrive_webhook_delivery
from schema.mutations.register_webhook import register_webhook
from schema.mutations.remove_webhook import remove_webhook
from schema.mutations.remove_subprocessor_draft import remove_subprocessor_draft
from schema.mutations.request_customer_access import request_customer_access
from schema.mutations.resolve_objection import resolve_objection
from schema.mutations.rotate_webhook_secret import rotate_webhook_secret
from schema.mutations.save_subprocessor_draft import save_subprocessor_draft
from schema.mutations.subscribe import subscribe
from schema.mutations.terminate_agreement import terminate_agreement
from schema.mutations.unsubscribe import unsubscribe
from schema.mutations.verify_webhook import verify_webhook
from schema.mutations.withdraw_objection import withdraw_objection
from schema.mutations.withdraw_version import withdraw_version


@strawberry.type
class Mutation:
    save_subprocessor_draft = save_subprocessor_draft
    remove_subprocessor_draft = remove_subprocessor_draft
    publish_version = publish_version
    withdraw_version = withdraw_version
    approve_version = approve_version
    reject_publish_request = reject_publish_request
    cancel_publish_request = cancel_publish_request
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
    create_incident = create_incident
    notify_incident = notify_incident
    add_incident_update = add_incident_update
    acknowledge_incident = acknowledge_incident
    register_webhook = register_webhook
    verify_webhook = verify_webhook
    rotate_webhook_secret = rotate_webhook_secret
    remove_webhook = remove_webhook
    redrive_webhook_delivery = redrive_webhook_delivery
    record_legal_requirement = record_legal_requirement
    record_legal_requirement_secrecy = record_legal_requirement_secrecy
    notify_legal_requirement = notify_legal_requirement
