"""Container health probe: `python -m factcheck.probe /health/ready` exits 0 when the web process
on this container answers 200, 1 otherwise (docker-compose.yml's healthcheck).

Standard library only, so a probe costs milliseconds, not a Django start-up. It asks
127.0.0.1:$PORT (default 8000) with the first host of ALLOWED_HOSTS as the Host header, which
Django requires; the health paths are exempt from the HTTPS redirect (factcheck/settings.py).
"""
from __future__ import annotations

import http.client
import os
import sys


def probe(path: str, *, port: int, host_header: str, timeout: float = 5.0) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": host_header, "Accept": "application/json"})
        response = connection.getresponse()
        return response.status, response.read(2000).decode("utf-8", "replace")
    finally:
        connection.close()


def main(argv: list[str]) -> int:
    path = argv[1] if len(argv) > 1 else "/health/live"
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip() and h.strip() != "*"]
    host = (hosts[0].lstrip(".") if hosts else "localhost")
    port = int(os.environ.get("PORT", "8000"))
    try:
        status, body = probe(path, port=port, host_header=host)
    except OSError as exc:
        print(f"{path}: no answer on port {port}: {exc}", file=sys.stderr)
        return 1
    print(f"{path}: {status} {body}")
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
