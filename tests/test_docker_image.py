"""The Docker image: pinned packages, data on a volume, no secrets in the build, no development key.

No Docker engine runs here, so these read the Dockerfile as Docker would and run its CMD on this machine.
"""

import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path, PurePosixPath

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).parents[1]


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's (INSTRUCTION, arguments) pairs, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def image_environment() -> dict[str, str]:
    pairs = [pair for name, args in instructions() if name == "ENV" for pair in shlex.split(args)]
    return dict(pair.split("=", 1) for pair in pairs)


def locked() -> dict[str, str]:
    """Package name -> pinned version in requirements.lock."""
    pins = re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", (ROOT / "requirements.lock").read_text(), re.MULTILINE)
    return {canonicalize_name(name): version for name, version in pins}


def test_the_lock_pins_every_declared_dependency_within_its_range_with_hashes():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = locked()

    for requirement in map(Requirement, declared):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock: regenerate it (command at its top)"
        assert requirement.specifier.contains(pins[name]), f"{name}=={pins[name]} is outside {requirement.specifier}"
    entries = re.split(r"\n(?=[A-Za-z])", (ROOT / "requirements.lock").read_text().split("\n", 2)[2])
    assert all("--hash=sha256:" in entry for entry in entries if "==" in entry)


def test_the_image_installs_the_lock_and_nothing_else():
    runs = [args for name, args in instructions() if name == "RUN"]

    assert any("--require-hashes" in run and "-r requirements.lock" in run for run in runs)
    project_installs = [run for run in runs if re.search(r"pip install .*\s\.(\s|$)", run)]
    assert project_installs and all("--no-deps" in run for run in project_installs)


def test_the_database_and_mail_live_on_the_declared_volume():
    volumes = [args for name, args in instructions() if name == "VOLUME"]
    env = image_environment()

    assert volumes == ['/data'] or volumes == ['["/data"]']
    database = PurePosixPath(env["REGISTRY_DATABASE_URL"].removeprefix("sqlite+aiosqlite:///"))
    assert database.is_relative_to("/data")
    assert PurePosixPath(env["REGISTRY_MAIL_DIR"]).is_relative_to("/data")


def test_a_local_env_file_stays_out_of_the_build_context():
    ignored = (ROOT / ".dockerignore").read_text().split()

    assert ".env" in ignored


def test_the_images_command_refuses_to_serve_with_the_development_key(tmp_path):
    # Given the image's command and environment, and no REGISTRY_SECRET_KEY
    [command] = [json.loads(args) for name, args in instructions() if name == "CMD"]
    assert command[0] == "python"
    env = {name: value for name, value in os.environ.items() if not name.startswith("REGISTRY_")}
    # The volume's paths moved under tmp_path, so a command that did start would write nothing outside it
    image = {name: value.replace("/data", str(tmp_path / "data")) for name, value in image_environment().items()}

    # When the container would start
    result = subprocess.run([sys.executable, *command[1:]], cwd=tmp_path, env=env | image,
                            capture_output=True, text=True, timeout=60)

    # Then it refuses, saying how to make a key, before touching the volume
    assert result.returncode != 0
    assert "REGISTRY_SECRET_KEY holds the development key" in result.stderr
    assert "python -m registry secret" in result.stderr


def test_the_readme_seeds_and_serves_on_the_same_volume_with_a_key():
    readme = (ROOT / "README.md").read_text()
    runs = re.findall(r"docker run[^\n`]*", readme)

    seed = [run for run in runs if run.endswith("python -m registry seed")]
    assert seed and all("-v registry-data:/data" in run and "-e REGISTRY_SECRET_KEY" in run for run in runs)
