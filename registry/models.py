"""Every table, imported in one place so that metadata and Alembic see them all."""

from sqlmodel import SQLModel

from registry.agreement.models import AgreementTemplate
from registry.audit.models import AuditEntry
from registry.auth.models import ApiToken
from registry.subprocessors.models import DraftEntry
from registry.versions.models import RegistryState, RegistryVersion

metadata = SQLModel.metadata

__all__ = ["AgreementTemplate", "ApiToken", "AuditEntry", "DraftEntry", "RegistryState", "RegistryVersion",
           "metadata"]
