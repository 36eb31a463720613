"""The README's promise: one command runs the app, one command runs the tests, on a fresh machine.

The run command is started as a student starts it: in a terminal, on a desktop (so Streamlit is not
headless by itself), by a user who has never run Streamlit before. Nothing may stop it to ask a
question, such as Streamlit's first-run request for an email address, which waits for an answer
before the app is served.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import time
from pathlib import Path

from tests.e2e.conftest import answers_health_check, free_port, stop_server

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SERVE_SECONDS = 60


def readme_command(section: str) -> str:
    """The first ``bash`` block under the README heading ``section``."""
    after_heading = README.split(f"## {section}\n", 1)[1]
    return re.search(r"```bash\n(.+?)\n```", after_heading, re.DOTALL).group(1).strip()


def test_the_readme_runs_the_app_and_the_tests_with_the_commands_ci_runs():
    assert readme_command("Run the app") == "python -m pip install -r requirements.txt && streamlit run app.py"
    ci_steps = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci_steps[-1] == readme_command("Run the tests")


def test_the_run_command_serves_the_app_on_a_desktop_without_asking_anything(tmp_path):
    port = free_port()
    run = readme_command("Run the app").split("&&")[-1].split()
    assert run == ["streamlit", "run", "app.py"]
    desktop = {
        **os.environ,
        "HOME": str(tmp_path),  # no ~/.streamlit: Streamlit has never run here
        "DISPLAY": ":0",  # a desktop session, so Streamlit is not headless unless told
        "BROWSER": "true",  # the page Streamlit opens in the browser goes nowhere
        "STREAMLIT_SERVER_PORT": str(port),
        "STREAMLIT_SERVER_ADDRESS": "127.0.0.1",
    }
    controller, terminal = pty.openpty()
    process = subprocess.Popen(run, cwd=ROOT, env=desktop, stdin=terminal, stdout=terminal, stderr=terminal)
    os.close(terminal)
    printed = b""
    try:
        deadline = time.monotonic() + SERVE_SECONDS
        while time.monotonic() < deadline and process.poll() is None:
            printed += _read_available(controller)
            if answers_health_check(port):
                break
        printed += _read_available(controller)
        shown = printed.decode(errors="replace")
        assert b"Email" not in printed, f"streamlit run stops to ask: {shown[-400:]}"
        assert answers_health_check(port), f"no app on port {port} after {SERVE_SECONDS} s: {shown}"
    finally:
        stop_server(process)
        os.close(controller)


def _read_available(descriptor: int) -> bytes:
    """What the terminal has printed so far (waits at most half a second for more)."""
    ready, _, _ = select.select([descriptor], [], [], 0.5)
    try:
        return os.read(descriptor, 65536) if ready else b""
    except OSError:  # the process has closed the terminal
        return b""
