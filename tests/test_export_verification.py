"""Anyone can re-check a registry's hash chain from its exports: the README's script and `verify --url`."""

import re
import subprocess
import sys
from pathlib import Path

from registry import cli
from registry.versions import remote
from registry.versions.hashing import canonical_content, hash_of
from registry.versions.models import RegistryVersion
from tests.support.live import registry  # noqa: F401 - the live server fixture
from tests.support.publishing import HETZNER, publish

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_script(tmp_path: Path) -> Path:
    """The verification script exactly as the README shows it."""
    section = README.read_text().split("## Exports anyone can verify", 1)[1].split("\n## ", 1)[0]
    (script,) = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    path = tmp_path / "verify_chain.py"
    path.write_text(script)
    return path


def verify_url(url: str, capsys) -> tuple[int, str, str]:
    """`python -m registry verify --url URL`, in this process (starting one costs seconds): status, out, err."""
    capsys.readouterr()
    status = cli.main(["verify", "--url", url])
    out, err = capsys.readouterr()
    return status, out, err


def run_script(script: Path, url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-I", str(script), url], capture_output=True, text=True, timeout=60)


async def three_versions(db) -> list:
    second = await publish(db, note="Hetzner tilføjes.", add=[HETZNER])
    third = await publish(db, note="Kaspersky udfases.", remove=["kaspersky"])
    return [second, third]


async def rewrite_note(db, number: int, note: str, *, rehash: bool) -> None:
    """Change a stored version's note behind the registry's back; with rehash, make its own hash fit it again."""
    async with db.transaction() as session:
        version = await session.get(RegistryVersion, number)
        version.note = note
        if rehash:
            version.content_hash = hash_of(canonical_content(
                number=version.number, previous_hash=version.previous_hash, published_at=version.published_at,
                effective_at=version.effective_at, note=note, entries=version.entries))


async def test_an_intact_registry_passes_the_readme_script_and_verify_url(seeded, registry, tmp_path, capsys):
    _, third = await three_versions(seeded)

    script = run_script(readme_script(tmp_path), registry.url)
    status, out, err = verify_url(registry.url, capsys)

    assert script.returncode == 0, script.stderr
    assert script.stdout.strip() == f"chain intact: 3 versions; newest hash {third.content_hash}"
    assert status == 0, err
    assert out == f"hash chain intact at {registry.url}: 3 version(s) checked; newest hash {third.content_hash}\n"


async def test_a_note_changed_in_the_database_fails_at_that_version(seeded, registry, tmp_path, capsys):
    # Given version 2's note was rewritten in the database after it was published
    await three_versions(seeded)
    await rewrite_note(seeded, 2, "Intet nyt.", rehash=False)

    script = run_script(readme_script(tmp_path), registry.url)
    status, out, err = verify_url(registry.url, capsys)

    assert script.returncode == 1 and "version 2: its hash or its link to version 1 does not hold" in script.stderr
    assert status == 1 and err.splitlines() == ["version 2: content hash does not match its canonical content"]
    assert out.startswith("hash chain BROKEN")


async def test_a_version_rehashed_to_hide_a_change_breaks_the_link_from_the_next(seeded, registry, tmp_path,
                                                                                 capsys):
    # Given version 2's note was rewritten and its hash recomputed to match, version 3 still names the old hash
    await three_versions(seeded)
    await rewrite_note(seeded, 2, "Intet nyt.", rehash=True)

    script = run_script(readme_script(tmp_path), registry.url)
    status, out, err = verify_url(registry.url, capsys)

    assert script.returncode == 1 and "version 3: its hash or its link to version 2 does not hold" in script.stderr
    assert status == 1 and err.splitlines() == ["version 3: previous hash does not match version 2"]


async def test_served_json_that_disagrees_with_its_hashed_content_is_named(seeded, client):
    # Given a server that serves version 2 with a note or a time other than the ones its hash covers
    await three_versions(seeded)
    served = {}
    for number in (1, 2, 3):
        served[f"https://r.test/subprocessors/versions/{number}.json"] = (
            await client.get(f"/subprocessors/versions/{number}.json")).json()
    assert remote.verify_remote("https://r.test", fetch=served.get).problems == []

    for field, value, problem in [("note", "Intet nyt.", "note differs from the hashed content"),
                                  ("effectiveAt", "2030-01-01T00:00:00+00:00", "effectiveAt differs"),
                                  ("number", 7, "it calls itself version 7"),
                                  ("canonicalContent", None, "it carries no canonicalContent")]:
        tampered = {url: dict(document) for url, document in served.items()}
        tampered["https://r.test/subprocessors/versions/2.json"][field] = value

        chain = remote.verify_remote("https://r.test", fetch=tampered.get)

        assert chain.checked == 1 and len(chain.problems) == 1, chain.problems
        assert chain.problems[0].startswith(f"version 2: {problem}"), chain.problems


def test_verify_url_says_when_there_is_no_registry_to_read(capsys):
    refused = verify_url("http://127.0.0.1:9/", capsys)
    not_http = verify_url("file:///etc/passwd", capsys)

    assert refused[0] == 2 and "could not be read" in refused[2]
    assert not_http[0] == 2 and "must be an http(s) address" in not_http[2]
