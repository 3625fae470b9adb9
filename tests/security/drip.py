"""A slow-drip HTTP server on 127.0.0.1: it answers every request one byte at a time, each byte
well inside any read timeout, so only a deadline on the whole fetch can stop it."""
from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class DripServer:
    def __init__(self, *, body: bytes, content_type: str = "text/html; charset=utf-8", interval: float = 0.1,
                 drip_headers: bool = False) -> None:
        self.stop_event = threading.Event()
        self.connections = 0
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                outer.connections += 1
                self.request.settimeout(5)
                try:
                    self.request.recv(65536)  # the request; its content does not matter
                    if not drip_headers:
                        self.request.sendall(head)
                    for byte in (head if drip_headers else b"") + body:
                        if outer.stop_event.wait(interval):
                            return
                        self.request.sendall(bytes([byte]))
                except OSError:
                    return  # the client hung up: what a deadline does

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]

    def url(self, path: str = "/story") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def drip_server(**kwargs) -> Iterator[DripServer]:
    server = DripServer(**kwargs)
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop_event.set()
        server.server.shutdown()
        server.server.server_close()
        thread.join(timeout=10)

