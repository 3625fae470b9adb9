"""https through the pinned connection: we connect to the vetted IP, yet SNI and certificate
verification still use the host name, so pinning does not weaken TLS."""
from __future__ import annotations

import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from claims.ingestion.fetch import FetchError, fetch_url

pytestmark = [
    pytest.mark.usefixtures("allow_loopback"),
    pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a certificate"),
]


@pytest.fixture
def tls_server(tmp_path: Path, settings) -> Iterator[int]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=news.test",
         "-addext", "subjectAltName=DNS:news.test", "-addext", "basicConstraints=critical,CA:TRUE",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    settings.FACTCHECK_FETCH_CA_BUNDLE = str(cert)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = f"<html><body><p>host={self.headers['Host']}</p></body></html>".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_https_verifies_the_certificate_of_the_host_name_while_connecting_to_the_vetted_ip(tls_server, dns) -> None:
    dns.answers["news.test"] = ["127.0.0.1"]
    response = fetch_url(f"https://news.test:{tls_server}/story")
    assert f"host=news.test:{tls_server}".encode() in response.body


def test_https_refuses_a_certificate_for_another_name(tls_server, dns) -> None:
    dns.answers["other.test"] = ["127.0.0.1"]
    with pytest.raises(
        FetchError, match="the secure connection to other.test failed.*(Hostname mismatch|doesn.t match)"
    ):
        fetch_url(f"https://other.test:{tls_server}/story")
