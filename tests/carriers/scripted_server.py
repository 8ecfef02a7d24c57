"""A real HTTP server on 127.0.0.1 whose answers a test scripts, for failures the carrier
sandboxes cannot be asked for precisely (a 500 then a timeout then a success, say)."""
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    status: int = 200
    body: object = field(default_factory=dict)
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (longer than the client's timeout = a timeout)


@dataclass
class Seen:
    method: str
    path: str
    headers: dict
    body: str


class ScriptedServer:
    def __init__(self):
        self.script: dict[str, deque[Answer]] = {}
        self.seen: list[Seen] = []
        self.tokens_issued = 0
        self.token_lifetime = 300
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                path = self.path.split("?")[0]
                server.seen.append(Seen(self.command, path, dict(self.headers), body))
                queue = server.script.get(path)
                if queue:
                    answer = queue.popleft()
                elif path == "/token":
                    server.tokens_issued += 1
                    answer = Answer(200, {"access_token": f"token-{server.tokens_issued}",
                                          "expires_in": server.token_lifetime, "token_type": "Bearer"})
                else:
                    answer = Answer(200, {"ok": True})
                if answer.delay:
                    time.sleep(answer.delay)
                payload = json.dumps(answer.body).encode()
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout): that is the point

            do_GET = do_POST = do_PUT = do_DELETE = _answer

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def queue(self, path: str, *answers: Answer) -> None:
        self.script.setdefault(path, deque()).extend(answers)

    def calls(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
