"""Every table, imported in one place so that metadata and Alembic see them all.

Packages built on the registry (notifications) add their tables through the "registry.models"
entry point group, so the registry never imports them.
"""

from functools import cache
from importlib.metadata import entry_points

from sqlmodel import SQLModel

from registry.agreement.models import AgreementTemplate
from registry.audit.models import AuditEntry
from registry.auth.models import ApiToken
from registry.customers.models import Agreement, Customer, CustomerNotice, NoticeContact
from registry.incidents.models import Incident, IncidentCustomer, IncidentUpdate
from registry.installation.models import Installation
from registry.legal_requirements.models import AffectedCustomer, LegalRequirement
from registry.objections.models import Objection
from registry.publish_requests.models import PublishRequest
from registry.subprocessors.models import DraftEntry
from registry.versions.models import RegistryState, RegistryVersion

metadata = SQLModel.metadata
MODEL_GROUP = "registry.models"


@cache
def load_all():
    """Import every plugged-in package's tables too, and return the complete metadata."""
    for plugin in entry_points(group=MODEL_GROUP):
        plugin.load()
    return metadata


__all__ = ["AffectedCustomer", "Agreement", "AgreementTemplate", "ApiToken", "AuditEntry", "Customer",
           "CustomerNotice", "DraftEntry", "Incident", "IncidentCustomer", "IncidentUpdate", "Installation",
           "LegalRequirement", "NoticeContact", "Objection", "PublishRequest", "RegistryState", "RegistryVersion",
           "load_all", "metadata"]
