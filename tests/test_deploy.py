"""Deployment: the Dockerfile (read, and its command run: no Docker engine here), deploy/run_local.sh and HAProxy."""

from __future__ import annotations

import json
import re
import shutil
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


# --------------------------------------------------------------------------- several replicas: deploy/

LAUNCHER = ROOT / "deploy" / "run_local.sh"
HAPROXY_CONFIG = ROOT / "deploy" / "haproxy.cfg"
needs_haproxy = pytest.mark.skipif(
    shutil.which("haproxy") is None, reason="HAProxy is not installed (apt-get install haproxy)"
)


def test_launcher_is_valid_bash_and_shellcheck_clean():
    subprocess.run(["bash", "-n", str(LAUNCHER)], check=True)
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (pip install -r requirements-dev.txt)")
    result = subprocess.run([shellcheck, str(LAUNCHER)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_launcher_wants_two_numbers():
    for arguments in ([], ["3"], ["three", "8500"], ["0", "8500"]):
        result = subprocess.run(["bash", str(LAUNCHER), *arguments], capture_output=True, text=True)
        assert result.returncode == 2 and "usage:" in result.stderr


def test_launcher_says_what_is_missing_and_installs_nothing(tmp_path):
    """No HAProxy on PATH and a Python without Streamlit: two messages, each with its install command."""
    for tool in ("dirname", "tr", "mktemp"):
        (tmp_path / tool).symlink_to(shutil.which(tool))
    (tmp_path / "python-without-streamlit").symlink_to(shutil.which("false"))
    environment = {"PATH": str(tmp_path), "PYTHON": "python-without-streamlit", "HOME": str(tmp_path)}
    bash = shutil.which("bash")
    result = subprocess.run([bash, str(LAUNCHER), "2", "8500"], capture_output=True, text=True, env=environment)
    assert result.returncode == 1
    assert "apt-get install haproxy" in result.stderr
    assert "pip install -r" in result.stderr and "requirements.txt" in result.stderr
    assert "replica" not in result.stdout, "nothing was started"


def rendered_config(tmp_path: Path) -> Path:
    config = tmp_path / "haproxy.cfg"
    config.write_text(HAPROXY_CONFIG.read_text() + "    server r1 127.0.0.1:8601 cookie r1\n")
    return config


@needs_haproxy
def test_haproxy_accepts_the_configuration(tmp_path):
    environment = {
        "EMLAB_BIND": "127.0.0.1:8600",
        "EMLAB_STATS_SOCKET": str(tmp_path / "haproxy.sock"),
        "EMLAB_CHECK_INTER": "2s",
        "EMLAB_CHECK_FALL": "3",
        "EMLAB_CHECK_RISE": "2",
        "EMLAB_CHECK_TIMEOUT": "5s",
        "EMLAB_REPLICA_MAXCONN": "120",
        "EMLAB_TUNNEL_TIMEOUT": "1h",
    }
    result = subprocess.run(
        [shutil.which("haproxy"), "-c", "-f", str(rendered_config(tmp_path))], capture_output=True, env=environment
    )
    assert result.returncode == 0, result.stderr.decode()[-1000:]


def test_haproxy_configuration_pins_students_keeps_websockets_checks_health_and_compresses():
    text = HAPROXY_CONFIG.read_text()
    assert re.search(r"^\s*cookie EMLAB_SERVER insert indirect nocache", text, re.MULTILINE)
    assert re.search(r"^\s*timeout tunnel ", text, re.MULTILINE)
    assert re.search(r"EMLAB_TUNNEL_TIMEOUT:-1h", LAUNCHER.read_text())
    assert re.search(r"http-check send meth GET uri /_stcore/health", text)
    assert not re.search(r"^\s*option (redispatch|persist)", text, re.MULTILINE), (
        "move students only off a down replica"
    )
    assert 'maxconn "${EMLAB_REPLICA_MAXCONN}"' in text
    types = re.search(r"^\s*compression type (.+)$", text, re.MULTILINE).group(1).split()
    assert {"text/html", "text/css", "application/javascript", "text/javascript", "application/json"} <= set(types)
    assert "image/svg+xml" in types


def replica_environment(pid: int) -> dict[str, str]:
    entries = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(entry.decode(errors="replace").split("=", 1) for entry in entries if b"=" in entry)


@needs_haproxy
@pytest.mark.xdist_group("balancer")  # with -n: not beside the lecture's three replicas and twenty tabs
@pytest.mark.parametrize("ctrl_c", [False, True], ids=["sigterm", "ctrl_c"])
def test_launcher_shares_one_cookie_secret_and_leaves_no_process_behind(tmp_path, ctrl_c):
    from tests.e2e.balancer import Cluster, session_members

    secret_file = tmp_path / "cookie-secret"
    secret_file.write_text("a-secret-from-a-mounted-file\n")
    cluster = Cluster(2, extra_env={"EMLAB_COOKIE_SECRET": "", "EMLAB_COOKIE_SECRET_FILE": str(secret_file)})
    try:
        cluster.start()
        with urllib.request.urlopen(f"{cluster.url}/_stcore/health", timeout=5) as response:
            assert response.headers["X-EMLab-Replica"] in ("r1", "r2")
        started = session_members(cluster.process.pid)
        assert len(started) >= 4, "the launcher, HAProxy and two replicas"
        for name in ("r1", "r2"):
            environment = replica_environment(cluster.replica_pid(name))
            assert environment["STREAMLIT_SERVER_COOKIE_SECRET"] == "a-secret-from-a-mounted-file"
            assert "a-secret" not in Path(f"/proc/{cluster.replica_pid(name)}/cmdline").read_text()
    finally:
        left = cluster.stop(ctrl_c=ctrl_c)
    assert left == []
    assert "Stopped HAProxy and 2 replica(s)." in cluster.log()
