"""The one interface the worker sends through, and the choice between SMTP and .eml files."""

from typing import Protocol

from notifications.settings import NotificationSettings


class Transport(Protocol):
    async def send(self, *, sender: str, recipient: str, message: bytes, message_id: str) -> str:
        """Hand over one message; return the server's acceptance reply or raise a DeliveryError."""

    async def close(self) -> None: ...


def make_transport(settings: NotificationSettings) -> Transport:
    """SMTP when REGISTRY_SMTP_URL is set, else .eml files under REGISTRY_MAIL_DIR."""
    if settings.smtp_url:
        from notifications.delivery.smtp import SmtpTransport

        return SmtpTransport.from_url(settings.smtp_url)
    from notifications.delivery.eml import EmlTransport

    return EmlTransport(settings.mail_dir)
