"""Driving nbgrader's formgrader in headless Chromium: a Jupyter server of its own, the browser, steps.

Shared by the formgrader's browser tests. The server runs in the course folder with a
HOME and Jupyter folders of its own, a free local port, a token and nbgrader's server
extensions, in its own process group; Chromium is Debian's, driven by Selenium
through Debian's chromedriver (nothing is downloaded).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

SLOW = 240  # seconds: an nbgrader step run by the server on a busy 2-core machine


def _tool(*names: str) -> str | None:
    return next((found for name in names if (found := shutil.which(name))), None)


CHROMIUM = _tool("chromium", "chromium-browser")
CHROMEDRIVER = _tool("chromedriver")


def require_chromium() -> None:
    """At the top of a test module: skip it without Chromium and its driver, fail in CI."""
    if CHROMIUM is None or CHROMEDRIVER is None:
        missing = "chromium" if CHROMIUM is None else "chromium-driver"
        if os.environ.get("CI"):
            pytest.fail(f"{missing} is not installed (.ci/run installs it)", pytrace=False)
        pytest.skip(f"{missing} is not installed (apt-get install chromium chromium-driver)",
                    allow_module_level=True)


def nbgrader(cwd: Path, env: dict, *args: str) -> str:
    run = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    assert run.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{run.stdout[-3000:]}"
    return run.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def isolated_env(root: Path) -> dict:
    """This Python's environment with a HOME and Jupyter folders of its own under `root`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_"))}
    home = root / "home"
    for name in ("config", "data", "runtime"):
        (root / "jupyter" / name).mkdir(parents=True, exist_ok=True)
    home.mkdir(exist_ok=True)
    env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(root / "jupyter" / "config"),
               JUPYTER_DATA_DIR=str(root / "jupyter" / "data"),
               JUPYTER_RUNTIME_DIR=str(root / "jupyter" / "runtime"),
               JUPYTER_PLATFORM_DIRS="1", PYTHONUNBUFFERED="1")
    return env


class JupyterServer:
    """A Jupyter server in the course folder, in its own process group."""

    def __init__(self, course: Path, env: dict, log: Path):
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        # nbgrader's server extensions, named here rather than left to the installation.
        extensions = {f"nbgrader.server_extensions.{name}": True
                      for name in ("formgrader", "assignment_list", "course_list", "validate_assignment")}
        config = Path(env["JUPYTER_CONFIG_DIR"]) / "jupyter_server_config.json"
        config.write_text(json.dumps({"ServerApp": {"jpserver_extensions": extensions}}))
        command = [sys.executable, "-m", "jupyter_server", "--no-browser", "--allow-root",
                   f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1",
                   f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={course}"]
        with log.open("wb") as out:
            self.process = subprocess.Popen(command, cwd=course, env=env, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the Jupyter server exited ({self.process.returncode}):\n{self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise AssertionError(f"the Jupyter server did not answer in {timeout:.0f} s:\n{self.tail()}")

    def stop(self) -> None:
        """SIGTERM to the whole process group, SIGKILL if it lingers."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        # Whatever the server started (kernels, grading children) goes with its group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


def start_server(course: Path, env: dict, log: Path, request) -> JupyterServer:
    """A Jupyter server in `course`, stopped by the test's finalizer whatever happens."""
    server = JupyterServer(course, env, log)
    request.addfinalizer(server.stop)
    server.wait_ready()
    return server


def chromium_driver(tmp_path: Path, request):
    """Debian's Chromium, headless, driven by Debian's chromedriver; quit by the test's finalizer."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1400,1000", f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    request.addfinalizer(driver.quit)
    driver.set_page_load_timeout(120)
    return driver


# --------------------------------------------------------------------------- steps with screenshots


class Steps:
    """Named steps; a screenshot after each, and one of the failure naming the folder."""

    def __init__(self, driver, folder: Path, server: JupyterServer):
        self.driver, self.folder, self.server = driver, folder, server
        self.count = 0
        folder.mkdir(parents=True, exist_ok=True)

    def _shot(self, name: str) -> None:
        with contextlib.suppress(WebDriverException):
            self.driver.save_screenshot(str(self.folder / f"{self.count:02d}-{name}.png"))

    @contextlib.contextmanager
    def __call__(self, name: str):
        self.count += 1
        try:
            yield
        except Exception as error:
            self._shot(f"{name}-FAILED")
            with contextlib.suppress(WebDriverException, OSError):
                (self.folder / f"{self.count:02d}-{name}-FAILED.html").write_text(self.driver.page_source)
            raise AssertionError(
                f"step {self.count} '{name}' failed ({type(error).__name__}: {error}); "
                f"screenshots of every step in {self.folder}\n--- Jupyter server log:\n{self.server.tail()}"
            ) from error
        self._shot(name)


def wait(driver, seconds: float = 30) -> WebDriverWait:
    # The pages' scripts re-render their tables: an element may go stale while it is read.
    return WebDriverWait(driver, seconds, poll_frequency=0.2, ignored_exceptions=(StaleElementReferenceException,))


def page_text(driver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def press_and_read_modal(driver, button_css: str, seconds: float = SLOW) -> str:
    """Click a formgrader button, wait for its result dialog, return its text and close it."""
    wait(driver).until(EC.element_to_be_clickable((By.CSS_SELECTOR, button_css))).click()
    # Bootstrap adds the class "in" once the dialog has faded in.
    modal = wait(driver, seconds).until(EC.visibility_of_element_located(
        (By.CSS_SELECTOR, "#success-modal.in, #error-modal.in")))
    text = modal.get_attribute("textContent")  # the whole dialog, whatever is scrolled out of view
    assert modal.get_attribute("id") == "success-modal", f"{text[:1000]}\n...\n{text[-3000:]}"
    wait(driver).until(EC.element_to_be_clickable((By.CSS_SELECTOR, "#success-modal button.close"))).click()
    wait(driver).until(lambda d: not d.find_elements(By.CSS_SELECTOR, ".modal-backdrop"))
    return text


def open_page(driver, url: str, ready_css: str) -> None:
    driver.get(url)
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, ready_css)))


def table_row(driver, *texts: str, seconds: float = 30):
    """The first table row (rendered by the page's scripts) whose text contains all `texts`."""
    def found(d):
        rows = [r for r in d.find_elements(By.CSS_SELECTOR, "tbody tr") if all(t in r.text for t in texts)]
        return rows[0] if rows else False
    return wait(driver, seconds).until(found, f"no table row shows {texts}")


