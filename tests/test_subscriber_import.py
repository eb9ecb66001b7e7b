"""Moving a mailing list over: `python -m registry subscribers import FILE.csv`."""

import os
import subprocess
import sys
from pathlib import Path

from notifications.subscriptions.models import SubscriptionStatus
from tests.support.notify_helpers import subscription

ROOT = Path(__file__).parents[1]
CSV = """email,language,consented_at,consent_source
anne@example.dk,da,2025-03-01T10:00:00+01:00,Mailchimp export 2025
Bo@Example.com,en,2025-04-02T08:30:00Z,Mailchimp export 2025
not-an-address,da,2025-04-02T08:30:00Z,Mailchimp export 2025
carl@example.dk,de,2025-04-02T08:30:00Z,Mailchimp export 2025
dora@example.dk,da,yesterday,Mailchimp export 2025
"""


def run_import(settings, path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "REGISTRY_DATABASE_URL": settings.database_url}
    return subprocess.run([sys.executable, "-m", "registry", "subscribers", "import", str(path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


async def test_import_records_consent_rejects_bad_rows_and_is_idempotent(db, settings, tmp_path):
    # Given an export with two good rows and three bad ones
    path = tmp_path / "subscribers.csv"
    path.write_text(CSV, encoding="utf-8")

    # When it is imported
    first = run_import(settings, path)

    # Then the good rows are confirmed with their evidence, and the bad rows are named by line
    assert first.returncode == 1, first.stderr
    assert "imported 2, already subscribed 0, rejected 3" in first.stdout
    assert "line 4:" in first.stdout and "line 5:" in first.stdout and "line 6:" in first.stdout
    assert "5/5 rows" in first.stderr  # the progress bar reached the end
    anne = await subscription(db, "anne@example.dk")
    assert anne.status == SubscriptionStatus.CONFIRMED and anne.consent_source == "Mailchimp export 2025"
    assert anne.confirmed_at.isoformat() == "2025-03-01T09:00:00+00:00"
    assert (await subscription(db, "bo@example.com")).language == "en"

    # And running it again changes nothing
    second = run_import(settings, path)
    assert "imported 0, already subscribed 2, rejected 3" in second.stdout


async def test_import_refuses_a_file_without_the_expected_header(db, settings, tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("mail,lang\nanne@example.dk,da\n", encoding="utf-8")

    result = run_import(settings, path)

    assert result.returncode == 2 and "header row must be email,language,consented_at,consent_source" in result.stderr
