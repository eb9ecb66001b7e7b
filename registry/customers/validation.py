"""Checks on what admins type about customers: CVR numbers and e-mail addresses."""

from email_validator import EmailNotValidError, validate_email

from registry.errors import ErrorCode, RegistryError

CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def normalise_cvr(cvr: str | None, field: str = "cvr") -> str | None:
    """An 8-digit Danish CVR number that passes the modulus-11 check, or None when blank."""
    if cvr is None or not cvr.strip():
        return None
    digits = cvr.strip().removeprefix("DK").replace(" ", "")
    if len(digits) != 8 or not digits.isdigit() or digits[0] == "0":
        raise RegistryError.one("A CVR number has 8 digits, such as 22756214.", ErrorCode.INVALID, field)
    if sum(int(d) * w for d, w in zip(digits, CVR_WEIGHTS, strict=True)) % 11:
        raise RegistryError.one(f"{digits} is not a valid CVR number (check digit).", ErrorCode.INVALID, field)
    return digits


def normalise_email(email: str, field: str = "email") -> str:
    """A deliverable-looking address in normalised form; anything that could inject a header is refused."""
    if len(email) > 254 or any(ch in email for ch in "\r\n\0"):
        raise RegistryError.one("That is not an e-mail address.", ErrorCode.INVALID, field)
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise RegistryError.one(f"That is not an e-mail address: {error}", ErrorCode.INVALID, field) from None


def normalise_language(language: str, field: str = "language") -> str:
    if language not in ("da", "en"):
        raise RegistryError.one("Language must be da or en.", ErrorCode.INVALID, field)
    return language


MAX_SERVICES = 30


def normalise_services(services: list[str], field: str = "services") -> list[str]:
    """Service names without repeats or surrounding blanks; up to MAX_SERVICES of 1 to 100 characters."""
    cleaned = list(dict.fromkeys(s.strip() for s in services))
    if len(cleaned) > MAX_SERVICES or any(not s or len(s) > 100 for s in cleaned):
        raise RegistryError.one(f"Give up to {MAX_SERVICES} service names of 1 to 100 characters.",
                                ErrorCode.INVALID, field)
    return cleaned
