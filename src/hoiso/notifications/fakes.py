"""Local stand-ins for eSMS.vn and Zalo (ZNS, Official Account): real HTTP servers on 127.0.0.1,
in a thread, answering the request and response shapes their public documentation gives.

The tests drive the adapters against them; the benchmark gives them 50 ms of latency. Each keeps
what it received and how often each message's key came, and does what the real one documents for
a repeated key: eSMS refuses a RequestId it has seen (code 124) and sends nothing again.
`script` queues answers to give next (an error code, an HTTP 429 with Retry-After, a 503).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Scripted:
    status: int = 200
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


class FakeProvider:
    """One fake provider: subclasses answer `handle(path, headers, payload)`."""

    def __init__(self, latency: float = 0.0) -> None:
        self.latency = latency
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.keys: Counter[str] = Counter()  # each key as received
        self.sent: Counter[str] = Counter()  # each key as actually sent on to a phone
        self.script: list[Scripted] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeProvider:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handle(self, path: str, headers: dict[str, str], payload: dict[str, Any]) -> Scripted:
        raise NotImplementedError

    def _answer(self, path: str, headers: dict[str, str], raw: bytes) -> Scripted:
        if self.latency:
            time.sleep(self.latency)
        with self.lock:
            if self.script:
                return self.script.pop(0)
        try:
            payload = json.loads(raw or b"{}")
        except ValueError:
            return Scripted(400, {"error": "Invalid request"})
        with self.lock:
            self.requests.append((path, payload))
            return self.handle(path, headers, payload)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the real services offer

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                answer = fake._answer(self.path, headers, raw)
                body = json.dumps(answer.body or {}).encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for k, v in answer.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


class FakeEsms(FakeProvider):
    """eSMS.vn's SendMultipleMessage_V4_post_json: CodeResult 100 with an SMSID, or an error."""

    PATH = "/MainService.svc/json/SendMultipleMessage_V4_post_json/"

    def __init__(self, api_key: str = "k", secret_key: str = "s", brandname: str = "HOISO",
                 latency: float = 0.0) -> None:  # fmt: skip
        super().__init__(latency)
        self.api_key, self.secret_key, self.brandname = api_key, secret_key, brandname

    def handle(self, path: str, headers: dict[str, str], p: dict[str, Any]) -> Scripted:
        def code(c: str, msg: str, **extra: Any) -> Scripted:
            return Scripted(200, {"CodeResult": c, "CountRegenerate": 0, "ErrorMessage": msg,
                                  **extra})  # fmt: skip

        if path != self.PATH:
            return Scripted(404, {"error": "Invalid request"})
        if (p.get("ApiKey"), p.get("SecretKey")) != (self.api_key, self.secret_key):
            return code("101", "Authorize Failed")
        if p.get("Brandname") != self.brandname:
            return code("104", "Brand name code is not exist")
        phone = str(p.get("Phone", ""))
        if not (phone.isdigit() and len(phone) in (10, 11)):
            return code("108", "Phone number is not in correct format")
        request_id = str(p.get("RequestId", ""))
        self.keys[request_id] += 1
        if request_id and self.sent[request_id]:
            return code("124", "Request exist 1", SendStatus="5")
        self.sent[request_id] += 1
        return Scripted(200, {"CodeResult": "100", "CountRegenerate": 0,
                              "SMSID": f"esms-{len(self.requests)}"})  # fmt: skip


class FakeZalo(FakeProvider):
    """Zalo's ZNS (/message/template) and Official Account (/v3.0/oa/message/cs) endpoints."""

    def __init__(self, access_token: str = "t", templates: set[str] | None = None,
                 followers: set[str] | None = None, latency: float = 0.0) -> None:  # fmt: skip
        super().__init__(latency)
        self.access_token = access_token
        self.templates = templates if templates is not None else {"1001"}
        self.followers = followers if followers is not None else set()

    def handle(self, path: str, headers: dict[str, str], p: dict[str, Any]) -> Scripted:
        def error(code: int, message: str) -> Scripted:
            return Scripted(200, {"error": code, "message": message})

        if path == "/message/template":
            if headers.get("access_token") != self.access_token:
                return error(-124, "Access token is invalid")
            phone = str(p.get("phone", ""))
            if not (phone.startswith("84") and phone.isdigit() and len(phone) == 11):
                return error(-108, "Phone number is invalid")
            if str(p.get("template_id")) not in self.templates:
                return error(-109, "Template ID is invalid")
            key = str(p.get("tracking_id", ""))
            self.keys[key] += 1
            self.sent[key] += 1  # Zalo documents no deduplication by tracking_id
            msg_id = f"zns-{len(self.requests)}"
            return Scripted(200, {"error": 0, "message": "Success",
                                  "data": {"msg_id": msg_id, "sent_time": str(int(time.time() * 1000))}})  # fmt: skip
        if path == "/v3.0/oa/message/cs":
            if headers.get("access_token") != self.access_token:
                return error(-216, "Access token is invalid")
            user_id = str((p.get("recipient") or {}).get("user_id", ""))
            if user_id not in self.followers:
                return error(-213, "User has not followed OA")
            self.sent[user_id] += 1
            return Scripted(200, {"error": 0, "message": "Success",
                                  "data": {"message_id": f"oa-{len(self.requests)}", "user_id": user_id}})  # fmt: skip
        return Scripted(404, {"error": -201, "message": "Invalid request"})
