"""A lecture through the real balancer: three replicas behind HAProxy (deploy/run_local.sh), twenty students.

One cluster serves the whole module (health checks every second, two failures take a replica
out, two successes put it back) and one Chromium runs every student as its own browser context.
The students act together: each action is started in every tab first, then every tab is waited
for, so the replicas see twenty sessions at once. Which replica served what is read from the
``X-EMLab-Replica`` response header (HTTP and the websocket handshake) through the DevTools
protocol. Measurements (recovery time, bytes on first open) go to artifacts/balancer_report.json.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.balancer import AFFINITY_COOKIE, Cluster, NetworkLog
from tests.e2e.conftest import CHROMIUM_ARGS, chromium_path
from tests.e2e.helpers import CHART, SETTLED, assert_no_exception, open_page, screenshot, wait_for_app, wait_for_charts
from tests.e2e.test_classroom import FIGURE_FINGERPRINT

pytestmark = pytest.mark.e2e

STUDENTS = 20
REPLICAS = 3
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "two_clusters.csv"
FILE_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'
REPORT = Path(__file__).resolve().parents[2] / "artifacts" / "balancer_report.json"
VIEWPORT = {"width": 1000, "height": 800}
PHASE_BUDGET_S = 180  # one action of all twenty students (a busy 2-core machine)
RECOVERY_BOUND_S = 45  # a student of a dead replica who has no working page by then reloads
WORKING_AGAIN = f"""() => !!document.querySelector('{SETTLED}')
    && document.querySelector('[data-testid="stApp"]').getAttribute('data-test-connection-state') === 'CONNECTED'
    && document.querySelectorAll('{CHART} .main-svg').length >= 1"""


@dataclass
class Student:
    """One student's tab and what it sent and received."""

    index: int
    context: object
    page: object
    network: NetworkLog
    cluster_url: str
    failures: list[str] = field(default_factory=list)
    fingerprint: str = ""

    @property
    def replica(self) -> str:
        return self.network.websocket_replicas[0]

    def query(self) -> str:
        """The lecturer's link: everyone on the same data, so each replica computes it once."""
        return "?n=300"


def write_report(key: str, value) -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    report = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    report[key] = value
    REPORT.write_text(json.dumps(report, indent=2))


def everyone(students: list[Student], action, phase: str = "") -> None:
    """Run ``action(student)`` for every student still without a failure; keep failures per student."""
    for student in students:
        if student.failures:
            continue
        try:
            action(student)
        except Exception as problem:  # noqa: BLE001 - a failing student is a finding, not a crash
            student.failures.append(f"{phase}: {type(problem).__name__}: {str(problem)[:300]}")


def start_then_wait(students: list[Student], start, finish, budget_s: float = PHASE_BUDGET_S) -> None:
    """Start an action in every tab, then wait for every tab: twenty sessions busy at once.

    ``finish(student, timeout_ms)`` waits for one tab; all of them share one deadline, so a stuck
    phase fails after ``budget_s`` instead of twenty times a per-tab timeout.
    """
    phase = f"{getattr(start, '__name__', '')}/{finish.__name__}"
    everyone(students, start, phase)
    students[0].page.wait_for_timeout(300)  # every rerun has begun before the first wait
    deadline = time.monotonic() + budget_s
    everyone(students, lambda s: finish(s, max(1_000, int((deadline - time.monotonic()) * 1000))), phase)


def goto(path: str):
    return lambda s: s.page.goto(f"{s.cluster_url}/{path}{s.query()}", wait_until="commit")


def sidebar_link(name: str):
    return lambda s: s.page.locator('[data-testid="stSidebar"]').get_by_role("link", name=name).click()


def upload(student: Student) -> None:
    student.page.locator(FILE_INPUT).set_input_files(
        files=[{"name": "two_clusters.csv", "mimeType": "text/csv", "buffer": EXAMPLE.read_bytes()}]
    )


def shows_read_file(student: Student, timeout_ms: int = 60_000) -> None:
    expect(student.page.locator('[data-testid="stMain"]')).to_contain_text("Read 200 row(s)", timeout=timeout_ms)
    wait_for_app(student.page, timeout_ms)


def click(key: str):
    return lambda s: s.page.locator(f".st-key-{key} button").first.click()


NOTHING_PENDING = (
    "() => !document.querySelector('[data-testid=\"stSpinner\"]')"
    " && !document.querySelector('[data-testid=\"stSkeleton\"]')"
)


def settled(student: Student, timeout_ms: int = 60_000) -> None:
    """Like helpers.wait_for_app, but polling on a timer: twenty windows, and a covered one gets no animation frames."""
    student.page.wait_for_selector(SETTLED, timeout=timeout_ms)
    student.page.wait_for_function(NOTHING_PENDING, timeout=timeout_ms, polling=100)
    student.page.wait_for_selector(SETTLED, timeout=timeout_ms)


def settled_with_chart(student: Student, timeout_ms: int = 60_000) -> None:
    settled(student, timeout_ms)
    student.page.wait_for_function(
        f"() => document.querySelectorAll('{CHART} .main-svg').length >= 1", timeout=timeout_ms, polling=100
    )


def more_components(student: Student) -> None:
    thumb = student.page.locator(".st-key-k input[type=range]")
    thumb.focus()
    thumb.press("ArrowRight")


@pytest.fixture(scope="module")
def cluster():
    running = Cluster(REPLICAS, check_inter="1s", check_fall=2, check_rise=2, restart_delay=6).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def lecture_browser(browser):
    """A Chromium of its own for the twenty students, told not to throttle windows that are covered or idle."""
    launched = browser.browser_type.launch(
        executable_path=chromium_path(),
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--disable-backgrounding-occluded-windows",
            "--disable-renderer-backgrounding",
            "--disable-background-timer-throttling",
        ],
    )
    yield launched
    launched.close()


@pytest.fixture(scope="module")
def lecture(cluster, lecture_browser):
    """Twenty students: step through EM, upload a CSV, then change a setting on the Playground.

    Only the first page is opened by URL; the others by the sidebar's links, as students do, so
    each student keeps one websocket (and the browser parses Streamlit's JavaScript once per tab).
    """
    students = []
    for index in range(STUDENTS):
        context = lecture_browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(60_000)
        page = context.new_page()
        students.append(Student(index, context, page, NetworkLog().attach(context, page), cluster.url))
    started = time.monotonic()
    try:
        start_then_wait(students, goto("Step_through"), settled_with_chart)
        start_then_wait(students, click("e_step"), settled_with_chart)
        start_then_wait(students, sidebar_link("Your own data"), settled)
        start_then_wait(students, upload, shows_read_file)
        start_then_wait(students, sidebar_link("Playground"), settled_with_chart)
        start_then_wait(students, more_components, settled_with_chart)
        everyone(students, lambda s: setattr(s, "fingerprint", s.page.evaluate(FIGURE_FINGERPRINT)))
        write_report("lecture_seconds", round(time.monotonic() - started, 1))
        yield students
    finally:
        for student in students:
            student.context.close()


def test_twenty_students_each_stay_on_one_replica_spread_over_all_three(lecture, cluster):
    failures = {s.index: s.failures for s in lecture if s.failures}
    assert not failures, failures
    taken_out = [line for line in cluster.log().splitlines() if " is DOWN" in line]
    assert not taken_out, f"a busy replica was taken out: {taken_out[:3]}"
    for student in lecture:
        assert_no_exception(student.page)
        assert "k=" in student.page.url, "the changed setting is in the URL"
        assert len(student.network.websocket_replicas) == 1, "one websocket for the whole visit"
        strays = [(url, name) for url, name in student.network.http_responses if name != student.replica]
        assert student.network.replicas() == {student.replica}, (student.index, student.replica, strays[:5])
        assert len(student.network.http_replicas) > 20, "static files, health and upload all counted"
        cookies = {c["name"]: c["value"] for c in student.context.cookies()}
        assert cookies[AFFINITY_COOKIE] == student.replica
    spread = {name: sum(s.replica == name for s in lecture) for name in cluster.status()}
    write_report("students_per_replica", spread)
    assert all(count >= 1 for count in spread.values()), spread
    screenshot(lecture[0].page, "balancer_lecture")


class StatusWatcher(threading.Thread):
    """Polls HAProxy's stats socket every 0.2 s and keeps every change of a replica's status."""

    def __init__(self, cluster: Cluster):
        super().__init__(daemon=True)
        self.cluster, self.changes, self._halt = cluster, [], threading.Event()

    def run(self):
        last = {}
        while not self._halt.is_set():
            for name, status in self.cluster.status().items():
                if last.get(name) != status:
                    self.changes.append((time.monotonic(), name, status))
                    last[name] = status
            time.sleep(0.2)

    def stop(self):
        self._halt.set()
        self.join(timeout=5)


def test_a_replica_killed_mid_lecture(lecture, cluster):
    """Its students work again on a live replica with the same figure; the others notice nothing."""
    victim = lecture[0].replica
    moved = [s for s in lecture if s.replica == victim]
    stayed = [s for s in lecture if s.replica != victim]
    handshakes_before = {s.index: len(s.network.websocket_replicas) for s in lecture}
    watcher = StatusWatcher(cluster)
    watcher.start()
    try:
        killed_at = time.monotonic()
        os.kill(cluster.replica_pid(victim), signal.SIGKILL)

        recovered, reloaded = {}, []
        while len(recovered) < len(moved) and time.monotonic() - killed_at < RECOVERY_BOUND_S:
            moved[0].page.wait_for_timeout(200)  # lets Playwright deliver the tabs' events
            for student in moved:
                new_sockets = student.network.websocket_replicas[handshakes_before[student.index] :]
                if student.index not in recovered and new_sockets and student.page.evaluate(WORKING_AGAIN):
                    recovered[student.index] = student.network.websocket_times[-1] - killed_at
        for student in moved:
            if student.index not in recovered:
                reloaded.append(student.index)
                student.page.reload(wait_until="domcontentloaded")
                settled_with_chart(student)
                recovered[student.index] = time.monotonic() - killed_at

        for student in moved:
            new_replica = student.network.websocket_replicas[-1]
            assert new_replica not in (victim, "?"), (student.index, new_replica)
            settled_with_chart(student)
            assert student.page.evaluate(FIGURE_FINGERPRINT) == student.fingerprint, "the URL restores the figure"
            assert_no_exception(student.page)

        # An upload after the move, from the same tab (sidebar link, no reload), reaches the replica
        # that now holds the session: the affinity cookie was re-set with the new websocket.
        first = moved[0]
        new_replica = first.network.websocket_replicas[-1]
        assert {c["name"]: c["value"] for c in first.context.cookies()}[AFFINITY_COOKIE] == new_replica
        sidebar_link("Your own data")(first)
        first.page.wait_for_timeout(300)
        settled(first)
        upload(first)
        shows_read_file(first)
        uploads = [name for url, name in first.network.http_responses if "/_stcore/upload_file" in url]
        assert uploads[-1] == new_replica != victim, (uploads, new_replica)
        screenshot(first.page, "balancer_after_move_upload")

        for student in stayed:
            assert student.network.websockets_closed == 0, student.index
            assert len(student.network.websocket_replicas) == handshakes_before[student.index]
            assert student.page.evaluate(WORKING_AGAIN), student.index
            assert_no_exception(student.page)
        stayed[0].page.locator(".st-key-k input[type=range]").press("ArrowLeft")
        stayed[0].page.wait_for_timeout(300)
        settled_with_chart(stayed[0])
        assert stayed[0].network.websockets_closed == 0

        cluster.wait_for_status(victim, "UP", timeout=90)
        time.sleep(0.5)  # the watcher polls every 0.2 s
    finally:
        watcher.stop()
    down = [at - killed_at for at, name, status in watcher.changes if name == victim and status == "DOWN"]
    up = [at - killed_at for at, name, status in watcher.changes if name == victim and status == "UP"]
    assert down, f"HAProxy never marked {victim} down: {watcher.changes}"
    up = [at for at in up if down and at > down[0]]
    assert up, f"HAProxy never marked {victim} up again: {watcher.changes}"
    assert all(name == victim for _, name, status in watcher.changes if status != "UP")
    times = sorted(recovered.values())
    write_report(
        "replica_killed",
        {
            "students_moved": len(moved),
            "recovery_seconds": [round(value, 1) for value in times],
            "reloaded_students": reloaded,
            "marked_down_after_s": round(down[0], 1),
            "marked_up_after_s": round(up[0], 1),
        },
    )
    assert times[-1] < RECOVERY_BOUND_S + 60


def first_open(browser, url: str, charts: int) -> NetworkLog:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(120_000)
    try:
        page = context.new_page()
        network = NetworkLog().attach(context, page)
        open_page(page, url, timeout_ms=120_000)
        if charts:
            wait_for_charts(page, charts, timeout_ms=120_000)
        page.wait_for_timeout(500)
        assert_no_exception(page)
        return network
    finally:
        context.close()


@pytest.mark.parametrize(("path", "charts"), [("", 1), ("Your_own_data", 0)], ids=["Playground", "Your_own_data"])
def test_first_open_downloads_far_fewer_bytes_through_the_balancer(browser, cluster, path, charts):
    for name in cluster.status():
        cluster.wait_for_status(name, "UP", timeout=90)
    direct = first_open(browser, f"{cluster.replica_url('r1')}/{path}", charts)
    balanced = first_open(browser, f"{cluster.url}/{path}", charts)
    scripts = [url for url in balanced.content_encodings if url.endswith(".js")]
    assert scripts and all(balanced.content_encodings[url] == "gzip" for url in scripts)
    assert not any(direct.content_encodings[url] == "gzip" for url in direct.content_encodings if url.endswith(".js"))
    write_report(
        f"first_open_bytes_{path or 'Playground'}",
        {
            "direct_http": direct.http_bytes,
            "balancer_http": balanced.http_bytes,
            "direct_js_css_html": direct.text_asset_bytes(),
            "balancer_js_css_html": balanced.text_asset_bytes(),
            "websocket": balanced.websocket_bytes,
        },
    )
    # HAProxy's built-in compressor (SLZ) trades ratio for speed: JavaScript shrinks to ~45%.
    assert balanced.text_asset_bytes() < 0.5 * direct.text_asset_bytes()
    assert balanced.http_bytes < 0.6 * direct.http_bytes, (balanced.http_bytes, direct.http_bytes)


def test_an_upload_works_after_a_move_even_without_a_shared_cookie_secret(browser, cluster, app_url):
    """Streamlit 1.67 checks uploads by comparing the XSRF cookie with a header, not by a signature.

    The tab first gets its XSRF cookie from a cluster replica, then uploads to a separate server
    (the e2e ``app_url`` server: same host, so the same cookies, but its own random cookie secret).
    The upload is accepted: the shared ``server.cookieSecret`` is what st.login's identity cookie
    needs, not what keeps uploads working (docs/deploy.md).
    """
    from streamlit.web.server.starlette.starlette_app_utils import decode_xsrf_token_string

    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(120_000)
    try:
        page = context.new_page()
        open_page(page, f"{cluster.url}/Your_own_data")
        issued = {c["name"]: c["value"] for c in context.cookies()}["_streamlit_xsrf"]
        open_page(page, f"{app_url}/Your_own_data")
        page.locator(FILE_INPUT).set_input_files(
            files=[{"name": "two_clusters.csv", "mimeType": "text/csv", "buffer": EXAMPLE.read_bytes()}]
        )
        expect(page.locator('[data-testid="stMain"]')).to_contain_text("Read 200 row(s)", timeout=60_000)
        kept = {c["name"]: c["value"] for c in context.cookies()}["_streamlit_xsrf"]
        assert decode_xsrf_token_string(kept)[0] == decode_xsrf_token_string(issued)[0]
        assert_no_exception(page)
    finally:
        context.close()
