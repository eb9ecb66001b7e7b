"""Customers, their notice contacts and agreements, and the record of when each was told of a version."""

from datetime import datetime

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from registry.agreement.models import AgreementTemplate
from registry.audit import service as audit
from registry.calendar import utc_instant
from registry.customers.models import (
    Agreement,
    AgreementStatus,
    Customer,
    CustomerNotice,
    NoticeContact,
    TerminationChoice,
)
from registry.customers.validation import (
    normalise_cvr,
    normalise_email,
    normalise_language,
    normalise_services,
)
from registry.db import utcnow
from registry.errors import ErrorCode, RegistryError

MAX_CONTACTS = 20
MAX_NOTICE_DAYS = 3650  # the longest notice an agreement may promise or a publication may give


def _customer_json(customer: Customer, contacts: list[NoticeContact]) -> dict:
    return {"id": customer.id, "name": customer.name, "cvr": customer.cvr,
            "contacts": [{"email": c.email, "language": c.language} for c in contacts]}


def _contacts(raw: list[tuple[str, str]]) -> list[tuple[str, str]]:
    if len(raw) > MAX_CONTACTS:
        raise RegistryError.one(f"At most {MAX_CONTACTS} notice contacts.", ErrorCode.INVALID, "contacts")
    cleaned = [(normalise_email(email, f"contacts.{i}.email"), normalise_language(lang, f"contacts.{i}.language"))
               for i, (email, lang) in enumerate(raw)]
    return list({email.casefold(): (email, lang) for email, lang in cleaned}.values())


def _name(name: str) -> str:
    name = name.strip()
    if not name:
        raise RegistryError.one("A name is required.", ErrorCode.REQUIRED, "name")
    if len(name) > 200:
        raise RegistryError.one("The name is longer than 200 characters.", ErrorCode.TOO_LONG, "name")
    return name


async def create_customer(*, session: AsyncSession, actor: str, name: str, cvr: str | None,
                          contacts: list[tuple[str, str]]) -> tuple[Customer, list[NoticeContact]]:
    """Register a customer with its notice contacts (email, language)."""
    name, cvr, contacts = _name(name), normalise_cvr(cvr), _contacts(contacts)
    if cvr and (await session.exec(select(Customer.id).where(Customer.cvr == cvr))).first():
        raise RegistryError.one(f"A customer with CVR {cvr} exists already.", ErrorCode.DUPLICATE, "cvr")
    customer = Customer(name=name, cvr=cvr)
    session.add(customer)
    await session.flush()
    rows = [NoticeContact(customer_id=customer.id, email=email, language=lang) for email, lang in contacts]
    session.add_all(rows)
    await session.flush()
    await audit.record(session=session, actor=actor, action="createCustomer", target=f"customer {customer.id}",
                       after=_customer_json(customer, rows))
    return customer, rows


async def get_customer(*, session: AsyncSession, customer_id: int, for_update: bool = False) -> Customer | None:
    """One customer by id; `for_update` holds their row until the transaction ends (a per-customer count checked)."""
    return await session.get(Customer, customer_id, with_for_update=for_update)


async def customers_by_id(*, session: AsyncSession, customer_ids: list[int]) -> list[Customer]:
    """Several customers at once, by name."""
    return list((await session.exec(select(Customer).where(Customer.id.in_(customer_ids))
                                    .order_by(Customer.name, Customer.id))).all())


async def list_customers(*, session: AsyncSession, limit: int, after_id: int | None = None) -> list[Customer]:
    """Up to `limit` customers in the order they were registered, after the one with that id."""
    query = select(Customer).order_by(Customer.id).limit(limit)
    if after_id is not None:
        query = query.where(Customer.id > after_id)
    return list((await session.exec(query)).all())


async def contacts_of(*, session: AsyncSession, customer_ids: list[int]) -> dict[int, list[NoticeContact]]:
    """The notice contacts of several customers at once, by customer id."""
    rows = (await session.exec(select(NoticeContact).where(NoticeContact.customer_id.in_(customer_ids))
                               .order_by(NoticeContact.id))).all()
    found: dict[int, list[NoticeContact]] = {customer_id: [] for customer_id in customer_ids}
    for row in rows:
        found[row.customer_id].append(row)
    return found


async def agreements_of(*, session: AsyncSession, customer_ids: list[int]) -> dict[int, list[Agreement]]:
    """The agreements of several customers at once, newest first, by customer id."""
    rows = (await session.exec(select(Agreement).where(Agreement.customer_id.in_(customer_ids))
                               .order_by(Agreement.id.desc()))).all()
    found: dict[int, list[Agreement]] = {customer_id: [] for customer_id in customer_ids}
    for row in rows:
        found[row.customer_id].append(row)
    return found


async def customers_of_contact(*, session: AsyncSession, email: str) -> list[int]:
    """The customers an address is a notice contact for."""
    return list((await session.exec(select(NoticeContact.customer_id).where(
        func.lower(NoticeContact.email) == email.casefold()))).all())


async def create_agreement(*, session: AsyncSession, actor: str, customer_id: int, template_version: int,
                           accepted_at: datetime | None, services: list[str], notice_days: int | None,
                           min_notice_days: int) -> Agreement:
    """Record that a customer accepted an agreement template for the services they chose."""
    if await session.get(Customer, customer_id) is None:
        raise RegistryError.one("No such customer.", ErrorCode.NOT_FOUND, "customer_id")
    if await session.get(AgreementTemplate, template_version) is None:
        raise RegistryError.one(f"There is no agreement template {template_version}.", ErrorCode.NOT_FOUND,
                                "template_version")
    days = min_notice_days if notice_days is None else notice_days
    if not min_notice_days <= days <= MAX_NOTICE_DAYS:
        raise RegistryError.one(f"The notice period must be {min_notice_days} to {MAX_NOTICE_DAYS} days.",
                                ErrorCode.NOTICE_TOO_SHORT if days < min_notice_days else ErrorCode.INVALID,
                                "notice_days")
    services = normalise_services(services)
    accepted_at = utcnow() if accepted_at is None else utc_instant(accepted_at, "accepted_at")
    agreement = Agreement(customer_id=customer_id, template_version=template_version,
                          accepted_at=accepted_at, services=services, notice_days=days)
    session.add(agreement)
    await session.flush()
    await audit.record(session=session, actor=actor, action="createAgreement", target=f"agreement {agreement.id}",
                       after=agreement.model_dump(mode="json"))
    return agreement


async def longest_notice_days(*, session: AsyncSession) -> int:
    """The longest notice period any active agreement promises; 0 when there is none."""
    return (await session.exec(select(func.max(Agreement.notice_days))
                               .where(Agreement.status == AgreementStatus.ACTIVE))).one_or_none() or 0


async def _agreement(session: AsyncSession, agreement_id: int) -> Agreement:
    agreement = await session.get(Agreement, agreement_id)
    if agreement is None:
        raise RegistryError.one("No such agreement.", ErrorCode.NOT_FOUND, "agreement_id")
    return agreement


async def terminate_agreement(*, session: AsyncSession, actor: str, agreement_id: int, choice: TerminationChoice,
                              now: datetime | None = None) -> Agreement:
    """End an agreement, recording whether the customer chose return or deletion of their data."""
    agreement = await _agreement(session, agreement_id)
    if agreement.status == AgreementStatus.TERMINATED:
        raise RegistryError.one("The agreement is terminated already.", ErrorCode.INVALID_STATE, "agreement_id")
    before = agreement.model_dump(mode="json")
    agreement.status, agreement.terminated_at, agreement.termination_choice = (
        AgreementStatus.TERMINATED, now or utcnow(), TerminationChoice(choice))
    await session.flush()
    await audit.record(session=session, actor=actor, action="terminateAgreement", target=f"agreement {agreement.id}",
                       before=before, after=agreement.model_dump(mode="json"))
    return agreement


async def document_deletion(*, session: AsyncSession, actor: str, agreement_id: int, documentation: str,
                            now: datetime | None = None) -> Agreement:
    """Record the documentation that the customer's data was returned or deleted, as the DPA promises."""
    agreement = await _agreement(session, agreement_id)
    if agreement.status != AgreementStatus.TERMINATED:
        raise RegistryError.one("Terminate the agreement first.", ErrorCode.INVALID_STATE, "agreement_id")
    documentation = documentation.strip()
    if not documentation or len(documentation) > 4000:
        raise RegistryError.one("Describe what was deleted or returned, and how (1 to 4000 characters).",
                                ErrorCode.INVALID, "documentation")
    before = agreement.model_dump(mode="json")
    agreement.deletion_documentation, agreement.deletion_documented_at = documentation, now or utcnow()
    await session.flush()
    await audit.record(session=session, actor=actor, action="documentDeletion", target=f"agreement {agreement.id}",
                       before=before, after=agreement.model_dump(mode="json"))
    return agreement


async def record_notice(*, session: AsyncSession, customer_id: int, version_number: int, sent_at: datetime,
                        message_id: str, recipient: str) -> None:
    """Remember the first time a customer was told of a version; later sends do not move it."""
    if await session.get(CustomerNotice, (customer_id, version_number)) is None:
        session.add(CustomerNotice(customer_id=customer_id, version_number=version_number, sent_at=sent_at,
                                   message_id=message_id, recipient=recipient))
        await session.flush()


async def notices_of(*, session: AsyncSession, customer_ids: list[int] | None = None,
                     version_number: int | None = None) -> list[CustomerNotice]:
    """Recorded notices, for some customers and/or one version."""
    query = select(CustomerNotice).order_by(CustomerNotice.version_number, CustomerNotice.customer_id)
    if customer_ids is not None:
        query = query.where(CustomerNotice.customer_id.in_(customer_ids))
    if version_number is not None:
        query = query.where(CustomerNotice.version_number == version_number)
    return list((await session.exec(query)).all())




async def acknowledge_notice(*, session: AsyncSession, customer_id: int, version_number: int, actor: str,
                             now: datetime | None = None) -> CustomerNotice:
    """The customer confirms they have read the notice of a version: no reminder follows."""
    notice = await session.get(CustomerNotice, (customer_id, version_number))
    if notice is None:
        raise RegistryError.one(f"No notice of version {version_number} reached you.", ErrorCode.NOT_FOUND,
                                "version_number")
    if notice.acknowledged_at is None:
        notice.acknowledged_at = now or utcnow()
        await audit.record(session=session, actor=actor, action="acknowledgeNotice",
                           target=f"customer {customer_id} version {version_number}",
                           after={"acknowledged_at": notice.acknowledged_at.isoformat()})
    return notice
