"""The incident register (service.incident_register) as a CSV file a spreadsheet opens safely.

One row per record: each affected customer's notice and each update, with the incident's facts repeated
on every row so a row reads on its own. Cells a spreadsheet would run as a formula are prefixed with '.
"""

import csv
import io

FACTS = ("id", "status", "became_aware_at", "nature", "subject_categories", "subjects_approx", "record_categories",
         "records_approx", "consequences", "measures", "contact_point", "services", "created_at", "created_by",
         "notified_at", "notified_by")
NOTICE = ("customer_id", "customer", "sent_at", "message_id", "server_reply", "recipient", "hours_to_notice",
          "acknowledged_at", "acknowledged_by")
UPDATE = ("update_id", "update_at", "update_author", "update_text")
COLUMNS = ("incident_" + FACTS[0], *FACTS[1:], "record", *NOTICE, *UPDATE)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(value)
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_START) else text


def register_csv(register: list[dict]) -> str:
    """The register as CSV (RFC 4180, CRLF line ends), a header row first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for incident in register:
        facts = [_cell(incident[name]) for name in FACTS]
        for notice in incident["notices"]:
            writer.writerow([*facts, "notice", *(_cell(notice[name]) for name in NOTICE), *[""] * len(UPDATE)])
        for update in incident["updates"]:
            writer.writerow([*facts, "update", *[""] * len(NOTICE), _cell(update["id"]),
                             _cell(update["created_at"]), _cell(update["author"]), _cell(update["text"])])
    return out.getvalue()
