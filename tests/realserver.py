"""A real server for the tests that must drive one: gunicorn in its own process, on the test database.

The fixture ``real_server`` starts ``gunicorn smartunion.wsgi`` on a free loopback port against the
database the test already uses (SQLite's test database is a file under var/, PostgreSQL's is a
real database), with the same keys from var/ as the test process. Data a test writes is seen by
the server once committed, so the tests that use it take ``transactional_db`` (the fixture asks
for it).

    def test_something(real_server):
        server = real_server()                      # one worker, defaults
        server = real_server(env={"REDIS_URL": "redis://127.0.0.1:1/0"}, memory_mb=1024)
        client = server.client()                    # a cookie-keeping HTTP client
        answer = client.get("/m/")
        answer.status, answer.json(), answer.text, answer.headers
        client.post_form("/console/login/", {"username": ...})   # CSRF taken from the cookie
        client.post_json("/api/v1/auth/token", {...}, headers={...})
        assert server.alive()                       # the process survived what was sent

The server is stopped at the end of the test; its output is in ``server.log()`` for a failing
assertion's message.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or "postgres"
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{settings_dict['NAME']}"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self):
        return json.loads(self.body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Client:
    base: str
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)
    follow_redirects: bool = True
    timeout: float = 30.0

    def _open(self, method: str, path: str, data: bytes | None, headers: dict[str, str]) -> Answer:
        handlers = [urllib.request.HTTPCookieProcessor(self.jar)]
        if not self.follow_redirects:
            handlers.append(_NoRedirect())
        opener = urllib.request.build_opener(*handlers)
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)  # noqa: S310
        try:
            with opener.open(request, timeout=self.timeout) as response:
                return Answer(response.status, dict(response.headers), response.read(), response.url)
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read(), error.url)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return self._open("GET", path, None, dict(headers or {}))

    def post_form(self, path: str, data: dict, headers: dict[str, str] | None = None) -> Answer:
        """POST a form the way a browser does: fetch the page first if no CSRF cookie is held yet."""
        if self.cookie("csrftoken") is None:
            self.get(path)
        body = dict(data)
        body.setdefault("csrfmiddlewaretoken", self.cookie("csrftoken") or "")
        all_headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": self.base + path,
            **(headers or {}),
        }
        return self._open("POST", path, urllib.parse.urlencode(body, doseq=True).encode(), all_headers)

    def post_multipart(self, path: str, data: dict, files: dict[str, tuple[str, bytes, str]]) -> Answer:
        """POST a form with files: files maps field -> (filename, content, content type)."""
        if self.cookie("csrftoken") is None:
            self.get(path)
        boundary = "----smartunion-test-boundary"
        fields = dict(data)
        fields.setdefault("csrfmiddlewaretoken", self.cookie("csrftoken") or "")
        parts: list[bytes] = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, (filename, content, content_type) in files.items():
            parts.append(
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    f"Content-Type: {content_type}\r\n\r\n"
                ).encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": self.base + path}
        return self._open("POST", path, b"".join(parts), headers)

    def post_json(
        self, path: str, payload, headers: dict[str, str] | None = None, method: str = "POST"
    ) -> Answer:
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        return self._open(method, path, json.dumps(payload).encode(), all_headers)


class Server:
    def __init__(self, *, env: dict[str, str], workers: int, memory_mb: int | None, timeout: int) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log_path = ROOT / "var" / f"real-server-{self.port}.log"
        self._log_path.parent.mkdir(exist_ok=True)
        full_env = {
            **{k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}},
            "DATABASE_URL": _database_url(),
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        if connection.vendor == "sqlite":
            # The test database is already a file under var/; the server opens the same one.
            full_env.pop("DATABASE_TEST_NAME", None)
        limit = memory_mb * 1024 * 1024 if memory_mb else None

        def _limits() -> None:  # runs in the child before exec
            if limit:
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

        self._log = open(self._log_path, "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(  # noqa: S603
            [
                str(GUNICORN),
                "smartunion.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                str(timeout),
                "--graceful-timeout",
                "2",
            ],
            cwd=ROOT,
            env=full_env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            preexec_fn=_limits,  # noqa: PLW1509
            start_new_session=True,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()  # a server that did not start leaves no process and no open log behind
            raise

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited at start:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/m/", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        raise RuntimeError(f"the server did not answer within 30 s:\n{self.log()}")

    def client(self, **options) -> Client:
        return Client(self.url, **options)

    def alive(self) -> bool:
        """The server still answers: the master process lives and a worker serves a request."""
        if self.proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(self.url + "/m/", timeout=10) as answer:  # noqa: S310
                return answer.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def log(self) -> str:
        self._log.flush()
        return self._log_path.read_text(errors="replace")[-20_000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()
        self._log_path.unlink(missing_ok=True)


@pytest.fixture
def real_server(default_roles):
    """Start gunicorn on the test database: ``real_server(env=..., workers=1, memory_mb=None)``.

    Takes ``default_roles`` (tests/conftest.py): the committed test database starts with the
    migrations' roles and tags even when an earlier transactional test flushed them."""
    started: list[Server] = []

    def start(
        *,
        env: dict[str, str] | None = None,
        workers: int = 1,
        memory_mb: int | None = None,
        timeout: int = 60,
    ) -> Server:
        server = Server(env=env or {}, workers=workers, memory_mb=memory_mb, timeout=timeout)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
    # The server's connections must be gone before the test database is flushed or dropped.
    connection.close()
