import strawberry
from strawberry.types import Info

from notifications import flows
from registry.errors import ErrorCode, RegistryError
from registry.objections import links
from schema.errors import Forbidden
from schema.mutations.base import in_transaction, payload
from schema.types.common import UserError
from schema.types.customers import Objection


@strawberry.input(description=("Either the token from a notice's object link, or a customer token and a version "
                               "or a legal requirement."))
class FileObjectionInput:
    reason: str
    token: str | None = None
    version_number: int | None = None
    legal_requirement_id: int | None = None


ObjectionPayload = payload("ObjectionPayload", "objection", Objection | None)


@strawberry.mutation(description=("Object to a version or a legal requirement within your window; a repeat returns "
                                  "the first objection."))
async def file_objection(info: Info, input: FileObjectionInput) -> ObjectionPayload:
    principal, settings = info.context.principal, info.context.settings
    if input.token is None and (principal is None or principal.customer_id is None):
        raise Forbidden("Use the object link from your notice, or a customer token.")
    if input.token is not None:
        target = links.read_objection_link(secret_key=settings.signing_keys, token=input.token)
        filed_by = "objection link"
    else:
        if (input.version_number is None) == (input.legal_requirement_id is None):
            raise RegistryError.one("Say which version or which legal requirement you object to.",
                                    ErrorCode.REQUIRED, "version_number")
        target = links.LinkTarget(customer_id=principal.customer_id, version_number=input.version_number,
                                  legal_requirement_id=input.legal_requirement_id)
        filed_by = principal.name
    objection, created = await in_transaction(info, flows.file_objection_and_tell, settings=settings,
                                              customer_id=target.customer_id, version_number=target.version_number,
                                              legal_requirement_id=target.legal_requirement_id,
                                              reason=input.reason, filed_by=filed_by)
    field, subject = (("legalRequirementId", "legal requirement") if target.legal_requirement_id
                      else ("versionNumber", "version"))
    repeat = [] if created else [UserError(field=field, code=ErrorCode.DUPLICATE,
                                           message=f"You have objected to this {subject} already; this is that objection.")]
    return ObjectionPayload(objection=Objection.from_domain(objection), user_errors=repeat)
