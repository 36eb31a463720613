"""A local EM Lab cluster (deploy/run_local.sh: replicas behind HAProxy) and a per-tab network recorder.

Used by ``tests/e2e/test_balancer.py`` and ``benchmarks/load_test_balancer.py``. The cluster runs
the real launcher in its own process group, so :meth:`Cluster.stop` can check that nothing it
started outlives it. Every wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = ROOT / "deploy" / "run_local.sh"
REPLICA_HEADER = "x-emlab-replica"
AFFINITY_COOKIE = "EMLAB_SERVER"
PORT_RANGE = (8600, 8999)


def free_port_block(count: int) -> int:
    """First of ``count`` consecutive free loopback ports in 8600-8999, chosen at random."""
    for _ in range(200):
        first = random.randint(PORT_RANGE[0], PORT_RANGE[1] - count)
        try:
            sockets = []
            for port in range(first, first + count):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError("no block of free ports in 8600-8999")


def session_members(session_id: int) -> list[int]:
    """Process ids whose session id is ``session_id`` (Linux /proc): everything the launcher started."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session_id and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


class Cluster:
    """``deploy/run_local.sh REPLICAS PORT`` on loopback, with health-check timings for tests.

    Parameters
    ----------
    replicas : int
        Number of Streamlit processes.
    check_inter, check_fall, check_rise : str, int, int
        HAProxy health checks (short in tests so a dead replica is noticed within seconds).
    restart_delay : int
        Seconds before the launcher starts a replica that exited again.
    cookie_secret : str or None
        Shared ``server.cookieSecret``; a random one when None.
    extra_env : dict or None
        More environment for the launcher (overrides the above).
    """

    def __init__(
        self,
        replicas: int,
        *,
        check_inter: str = "1s",
        check_fall: int = 2,
        check_rise: int = 2,
        restart_delay: int = 6,
        cookie_secret: str | None = None,
        extra_env: dict[str, str] | None = None,
    ):
        self.replicas = replicas
        self.port = free_port_block(replicas + 1)
        self.run_dir = Path(tempfile.mkdtemp(prefix="emlab-cluster-"))
        self.log_path = self.run_dir / "launcher.log"
        self.cookie_secret = cookie_secret or secrets.token_hex(32)
        self.env = {
            **os.environ,
            "EMLAB_BIND_ADDRESS": "127.0.0.1",
            "EMLAB_RUN_DIR": str(self.run_dir),
            "EMLAB_COOKIE_SECRET": self.cookie_secret,
            "EMLAB_CHECK_INTER": check_inter,
            "EMLAB_CHECK_FALL": str(check_fall),
            "EMLAB_CHECK_RISE": str(check_rise),
            "EMLAB_RESTART_DELAY": str(restart_delay),
            "PYTHON": sys.executable,
            **(extra_env or {}),
        }
        self.process: subprocess.Popen | None = None
        self.final_log = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def replica_url(self, name: str) -> str:
        """Direct address of replica ``name`` ('r1', 'r2', ...), bypassing the balancer."""
        return f"http://127.0.0.1:{self.port + int(name[1:])}"

    def start(self, timeout: float = 180) -> Cluster:
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                # As a terminal starts it: a runner that started the tests in the background
                # (no job control) passes SIGINT down ignored, and bash cannot trap an ignored signal.
                ["env", "--default-signal=INT", "bash", str(LAUNCHER), str(self.replicas), str(self.port)],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"run_local.sh exited:\n{self.log()[-3000:]}")
            if "EM Lab is ready" in self.log() and set(self.status().values()) == {"UP"}:
                return self
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"cluster not ready within {timeout} s:\n{self.log()[-3000:]}")

    def log(self) -> str:
        """The launcher's output so far (HAProxy's log included); kept after :meth:`stop`."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else self.final_log

    def replica_pid(self, name: str) -> int:
        """Process id of the newest process the launcher started for replica ``name``."""
        pids = re.findall(rf"^replica {name}: pid (\d+)", self.log(), re.MULTILINE)
        return int(pids[-1])

    def replica_log(self, name: str) -> str:
        return (self.run_dir / f"replica-{name[1:]}.log").read_text(errors="replace")

    def haproxy(self, command: str) -> str:
        """Answer of HAProxy's stats socket (the runtime API) to ``command``."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(5)
            sock.connect(str(self.run_dir / "haproxy.sock"))
            sock.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def status(self) -> dict[str, str]:
        """HAProxy's view of each replica: 'UP', 'DOWN', or a transition such as 'UP 1/2'."""
        try:
            lines = self.haproxy("show stat").splitlines()
        except OSError:
            return {}
        header = lines[0].lstrip("# ").split(",")
        rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:] if line]
        return {row["svname"]: row["status"] for row in rows if row["pxname"] == "emlab" and row["svname"][0] == "r"}

    def wait_for_status(self, name: str, wanted: str, timeout: float) -> float:
        """Seconds until HAProxy reports replica ``name`` as ``wanted``; raises after ``timeout``."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.status().get(name) == wanted:
                return time.monotonic() - started
            time.sleep(0.2)
        raise AssertionError(f"{name} not {wanted} within {timeout} s: {self.status()}")

    def stop(self, ctrl_c: bool = False) -> list[int]:
        """Stop the launcher; return the processes it started still alive 20 s after it exited.

        By default SIGTERM to the launcher alone (what a service manager sends); ``ctrl_c`` sends
        SIGINT to its whole process group, as a terminal does on Ctrl-C. Anything left is killed
        afterwards, so a failing test leaves nothing behind.
        """
        if self.process is None:
            return []
        group = self.process.pid
        if ctrl_c:
            os.killpg(group, signal.SIGINT)
        else:
            self.process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=20)
        deadline = time.monotonic() + 20  # a replica on a busy machine takes seconds to shut down
        while session_members(group) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = session_members(group)
        if left or self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None
        self.final_log = self.log()
        shutil.rmtree(self.run_dir, ignore_errors=True)
        return left


@dataclass
class NetworkLog:
    """What one browser tab sent and received, from the Chrome DevTools Protocol.

    ``http_replicas`` holds the replica header of every HTTP response, ``websocket_replicas`` that
    of every websocket handshake; bytes are as they crossed the wire (compressed if compressed).
    """

    http_replicas: list[str] = field(default_factory=list)
    http_responses: list[tuple[str, str]] = field(default_factory=list)
    websocket_replicas: list[str] = field(default_factory=list)
    websocket_times: list[float] = field(default_factory=list)
    websockets_closed: int = 0
    http_bytes: int = 0
    websocket_bytes: int = 0
    content_encodings: dict[str, str] = field(default_factory=dict)
    bytes_by_url: dict[str, int] = field(default_factory=dict)
    _urls: dict[str, str] = field(default_factory=dict)

    def attach(self, context, page) -> NetworkLog:
        cdp = context.new_cdp_session(page)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.webSocketHandshakeResponseReceived", self._handshake)
        cdp.on("Network.webSocketClosed", self._closed)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.webSocketFrameReceived", self._frame)
        cdp.send("Network.enable")
        self._cdp = cdp
        return self

    @staticmethod
    def _header(headers: dict, name: str) -> str | None:
        lowered = {key.lower(): value for key, value in headers.items()}
        return lowered.get(name)

    def _response(self, event):
        response = event["response"]
        replica = self._header(response.get("headers", {}), REPLICA_HEADER)
        if replica:
            self.http_replicas.append(replica)
            self.http_responses.append((response["url"], replica))
        encoding = self._header(response.get("headers", {}), "content-encoding")
        self.content_encodings[response["url"]] = encoding or ""
        self._urls[event["requestId"]] = response["url"]

    def _handshake(self, event):
        self.websocket_replicas.append(self._header(event["response"].get("headers", {}), REPLICA_HEADER) or "?")
        self.websocket_times.append(time.monotonic())

    def _closed(self, _event):
        self.websockets_closed += 1

    def _finished(self, event):
        size = int(event.get("encodedDataLength", 0))
        self.http_bytes += size
        url = self._urls.get(event["requestId"], "")
        self.bytes_by_url[url] = self.bytes_by_url.get(url, 0) + size

    def text_asset_bytes(self) -> int:
        """Bytes of the JavaScript, CSS and HTML this tab downloaded (what compression can shrink)."""
        kinds = (".js", ".css", ".html", "/")
        return sum(size for url, size in self.bytes_by_url.items() if url.split("?")[0].endswith(kinds))

    def _frame(self, event):
        payload = event["response"].get("payloadData", "")
        binary = event["response"].get("opcode") == 2  # DevTools shows binary frames in base64
        self.websocket_bytes += len(payload) * 3 // 4 if binary else len(payload)

    def replicas(self) -> set[str]:
        """Every replica this tab talked to (HTTP and websocket)."""
        return set(self.http_replicas) | set(self.websocket_replicas)
