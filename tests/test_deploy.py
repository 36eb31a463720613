"""The Dockerfile can't be built here (no Docker engine), so read it and run what it runs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import free_port, stop_server

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instructions(name: str) -> list[str]:
    """Arguments of every ``name`` instruction, continuation lines joined."""
    joined = DOCKERFILE.replace("\\\n", " ")
    return [line.split(None, 1)[1].strip() for line in joined.splitlines() if line.startswith(name + " ")]


def test_every_copied_path_exists():
    for arguments in instructions("COPY"):
        sources = [part for part in arguments.split() if not part.startswith("--")][:-1]
        for source in sources:
            assert (ROOT / source).exists(), f"Dockerfile copies {source}, which is not in the repository"


def test_runs_as_a_non_root_user_on_a_slim_base():
    assert instructions("FROM")[0].endswith("-slim")
    users = instructions("USER")
    assert users and users[-1] not in ("root", "0")


def test_healthcheck_probes_streamlit_health_endpoint():
    (healthcheck,) = instructions("HEALTHCHECK")
    assert "/_stcore/health" in healthcheck


def test_requirements_installed_are_the_runtime_ones():
    assert any("requirements.txt" in line for line in instructions("RUN"))


def test_entry_command_serves_the_app_and_passes_its_healthcheck():
    command = json.loads(instructions("CMD")[0])
    assert command[:3] == ["streamlit", "run", "app.py"]
    port = free_port()
    command = [sys.executable, "-m", *command]
    command = [re.sub(r"--server.port=\d+", f"--server.port={port}", part) for part in command]
    command = [part.replace("--server.address=0.0.0.0", "--server.address=127.0.0.1") for part in command]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        healthcheck = instructions("HEALTHCHECK")[0].split("CMD", 1)[1].strip()
        probe = healthcheck.replace("8501", str(port)).replace("python -c ", "", 1).strip('"')
        for _ in range(120):
            result = subprocess.run([sys.executable, "-c", probe], capture_output=True, timeout=10)
            if result.returncode == 0:
                break
            if process.poll() is not None:
                pytest.fail("streamlit exited before it became healthy")
            time.sleep(0.5)
        assert result.returncode == 0, result.stderr.decode()[-500:]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert response.status == 200
    finally:
        stop_server(process)
