"""HTTP GET for untrusted URLs: SSRF-guarded, size-capped, time-limited, redirects checked hop by hop.

Why urllib3 directly rather than requests: we must connect to the address the guard vetted, not
to whatever a second DNS lookup returns (DNS rebinding). A urllib3 pool opened on the vetted IP,
with the Host header and (for https) SNI and certificate checks set to the original host name,
does exactly that and nothing is resolved twice. Redirects are followed by hand so that every
hop goes through the guard again. Environment proxies are deliberately not used.
"""
from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import quote, urljoin

import certifi
import urllib3
from django.conf import settings
from urllib3.connection import HTTPConnection
from urllib3.exceptions import (
    ConnectTimeoutError,
    DecodeError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

from .errors import FetchError, TransientFetchError
from .guard import IPAddress, Target, parse_target, resolve

__all__ = [
    "FEED_TYPES",
    "HTML_TYPES",
    "FetchError",
    "FetchedResponse",
    "TransientFetchError",
    "fetch_url",
]

HTML_TYPES: tuple[str, ...] = ("text/html", "application/xhtml+xml")
FEED_TYPES: tuple[str, ...] = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",  # RSS 1.0
    "application/xml",
    "text/xml",
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK_BYTES = 64 * 1024
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"
USER_AGENT = "FactcheckTracker/1.0 (claim and quote tracker)"


@dataclass(frozen=True)
class FetchedResponse:
    url: str
    final_url: str
    status: int
    content_type: str  # the media type only, lower case ("text/html")
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names

    @property
    def charset(self) -> str | None:
        """The charset parameter of the Content-Type header, if the server sent one."""
        for param in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None


class Deadline:
    """A wall-clock limit on a whole fetch: every connection, redirect hop, header and body read.

    Socket timeouts bound each read, not their sum: a server that sends one byte just inside the
    read timeout, again and again, holds a worker for as long as it likes. So a timer shuts down
    every socket the fetch opened when the time is up, which wakes whatever read is blocked on it
    (header or body, plain or TLS), and the fetch then fails with the deadline as its reason.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expires = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return max(0.0, self.expires - time.monotonic())

    def attach(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shutdown(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shutdown(sock)

    def error(self, url: str) -> TransientFetchError:
        return TransientFetchError(
            f"{url} took longer than the {self.seconds:g}s deadline for a whole fetch (FACTCHECK_FETCH_DEADLINE)"
        )

    def check(self, url: str) -> None:
        if self.expired or self.remaining() <= 0:
            raise self.error(url)

    def cancel(self) -> None:
        self._timer.cancel()


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed: nothing left to wake
        sock.shutdown(socket.SHUT_RDWR)


def fetch_url(
    url: str,
    *,
    accept: tuple[str, ...] = HTML_TYPES,
    headers: Mapping[str, str] | None = None,
) -> FetchedResponse:
    """GET `url` and return its body; raise FetchError (permanent) or TransientFetchError (retry).

    `headers` adds request headers (If-None-Match / If-Modified-Since for feeds); a 304 answer is
    returned with an empty body rather than raised, because for a conditional GET it is success.
    The whole fetch, redirects included, ends within FACTCHECK_FETCH_DEADLINE seconds.
    """
    deadline = Deadline(settings.FACTCHECK_FETCH_DEADLINE)
    try:
        fetched = _fetch(url, accept=accept, headers=headers or {}, deadline=deadline)
    except (FetchError, TransientFetchError) as exc:
        # A read cut short by the deadline surfaces as a broken connection or a short body:
        # name the real reason.
        if deadline.expired:
            raise deadline.error(url) from exc
        raise
    finally:
        deadline.cancel()
    # The deadline may have cut a body that had no length: never return half a page as a page.
    deadline.check(url)
    return fetched


def _fetch(url: str, *, accept: tuple[str, ...], headers: Mapping[str, str], deadline: Deadline) -> FetchedResponse:
    current = url
    for _hop in range(settings.FACTCHECK_FETCH_MAX_REDIRECTS + 1):
        deadline.check(url)
        target = parse_target(current)
        addresses = resolve(target)
        pool, response = _open(target, addresses, accept=accept, extra_headers=headers, deadline=deadline)
        try:
            if response.status in REDIRECT_STATUSES:
                location = (response.headers.get("location") or "").strip()
                if not location:
                    raise FetchError(f"{current} answered a redirect ({response.status}) without a Location")
                # Servers send raw spaces or UTF-8 in Location; browsers percent-encode them, so do we.
                current = urljoin(current, quote(location, safe=_URL_SAFE))
                continue
            return _read(url=url, final_url=current, response=response, accept=accept)
        finally:
            response.release_conn()
            pool.close()
    raise FetchError(f"too many redirects (more than {settings.FACTCHECK_FETCH_MAX_REDIRECTS}) starting at {url}")


def _open(
    target: Target,
    addresses: list[IPAddress],
    *,
    accept: tuple[str, ...],
    extra_headers: Mapping[str, str],
    deadline: Deadline,
) -> tuple[urllib3.HTTPConnectionPool, urllib3.BaseHTTPResponse]:
    """Send the request to the first vetted address that accepts a connection."""
    # No single wait may outlast what is left of the deadline either.
    timeout = urllib3.Timeout(
        connect=max(0.001, min(settings.FACTCHECK_FETCH_CONNECT_TIMEOUT, deadline.remaining())),
        read=max(0.001, min(settings.FACTCHECK_FETCH_READ_TIMEOUT, deadline.remaining())),
    )
    request_headers = {
        "Host": target.host_header,
        "User-Agent": USER_AGENT,
        "Accept": ", ".join(accept) + ", */*;q=0.1",
        "Accept-Encoding": "gzip, deflate",
        **extra_headers,
    }
    last_error: Exception | None = None
    for address in addresses:
        pool = _pool(target, address, timeout, deadline)
        try:
            response = pool.urlopen(
                "GET",
                target.request_path,
                headers=request_headers,
                redirect=False,
                retries=False,
                preload_content=False,
                decode_content=True,
                assert_same_host=False,
            )
            return pool, response
        except NewConnectionError as exc:
            # Refused or unreachable: a host with several addresses may answer on another one.
            pool.close()
            last_error = exc
            continue
        except ConnectTimeoutError as exc:
            pool.close()
            raise TransientFetchError(
                f"timed out connecting to {target.host} after {settings.FACTCHECK_FETCH_CONNECT_TIMEOUT:g}s"
            ) from exc
        except ReadTimeoutError as exc:
            pool.close()
            raise TransientFetchError(
                f"{target.host} did not answer within {settings.FACTCHECK_FETCH_READ_TIMEOUT:g}s"
            ) from exc
        except SSLError as exc:
            pool.close()
            raise FetchError(f"the secure connection to {target.host} failed: {exc}") from exc
        except (ProtocolError, HTTPError, OSError) as exc:
            pool.close()
            raise TransientFetchError(f"the connection to {target.host} failed: {exc}") from exc
    raise TransientFetchError(f"could not connect to {target.host}: {_short(last_error)}")


def _pool(
    target: Target, address: IPAddress, timeout: urllib3.Timeout, deadline: Deadline
) -> urllib3.HTTPConnectionPool:
    """A one-connection pool pinned to `address`; https still verifies the certificate of `host`.
    Its connections hand their socket to the deadline as soon as it exists."""
    common: dict[str, Any] = {
        "host": str(address), "port": target.port, "timeout": timeout, "retries": False, "maxsize": 1,
    }
    pool = urllib3.HTTPConnectionPool(**common) if target.scheme == "http" else _https_pool(target, common)
    pool.ConnectionCls = _under_deadline(pool.ConnectionCls, deadline)
    return pool


def _under_deadline(base: Any, deadline: Deadline) -> Any:
    """A subclass of the pool's connection class (HTTP or HTTPS) whose new sockets join the deadline."""

    def _new_conn(self: HTTPConnection) -> socket.socket:
        sock = base._new_conn(self)
        deadline.attach(sock)
        return sock

    return type(f"Deadline{base.__name__}", (base,), {"_new_conn": _new_conn})


def _https_pool(target: Target, common: dict[str, Any]) -> urllib3.HTTPSConnectionPool:
    return urllib3.HTTPSConnectionPool(
        **common,
        cert_reqs="CERT_REQUIRED",
        ca_certs=settings.FACTCHECK_FETCH_CA_BUNDLE or certifi.where(),
        server_hostname=target.host,
        assert_hostname=target.host,
    )


def _read(*, url: str, final_url: str, response: urllib3.BaseHTTPResponse, accept: tuple[str, ...]) -> FetchedResponse:
    status = response.status
    headers = {name.lower(): value for name, value in response.headers.items()}
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if status == 304:
        return FetchedResponse(
            url=url, final_url=final_url, status=status, content_type=content_type, body=b"", headers=headers
        )
    if status == 429 or status >= 500:
        raise TransientFetchError(f"{final_url} answered {_status_text(status)}; it may work later")
    if status >= 400:
        raise FetchError(f"{final_url} answered {_status_text(status)}")
    if not 200 <= status < 300:
        raise FetchError(f"{final_url} answered an unexpected {_status_text(status)}")
    if content_type not in accept:
        shown = content_type or "no content type"
        raise FetchError(f"refused: {final_url} is {shown}, expected one of {', '.join(accept)}")
    limit = settings.FACTCHECK_FETCH_MAX_BYTES
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(f"refused: the page is {int(declared):,} bytes, over the {limit:,}-byte limit")
    body = _read_capped(response, limit=limit, final_url=final_url)
    return FetchedResponse(
        url=url, final_url=final_url, status=status, content_type=content_type, body=body, headers=headers
    )


def _read_capped(response: urllib3.BaseHTTPResponse, *, limit: int, final_url: str) -> bytes:
    """Read at most `limit` (decompressed) bytes, so neither a huge page nor a gzip bomb fills memory.

    The read timeout applies to each socket read; the fetch's Deadline (which shuts the socket
    down) stops a server that trickles one byte at a time from holding a worker for ever.
    """
    chunks: list[bytes] = []
    total = 0
    try:
        for chunk in response.stream(CHUNK_BYTES, decode_content=True):
            total += len(chunk)
            if total > limit:
                raise FetchError(f"refused: the page is larger than the {limit:,}-byte limit")
            chunks.append(chunk)
    except ReadTimeoutError as exc:
        raise TransientFetchError(
            f"{final_url} stopped sending within {settings.FACTCHECK_FETCH_READ_TIMEOUT:g}s"
        ) from exc
    except DecodeError as exc:
        raise FetchError(f"{final_url} sent a body that could not be decompressed") from exc
    except (ProtocolError, HTTPError, OSError) as exc:
        raise TransientFetchError(f"the connection to {final_url} broke while reading: {_short(exc)}") from exc
    return b"".join(chunks)


def _status_text(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def _short(exc: Exception | None) -> str:
    """urllib3 error messages embed connection objects; keep the part after the last colon."""
    if exc is None:
        return "no address to connect to"
    text = str(exc)
    if "Connection refused" in text:
        return "connection refused"
    return text.rsplit(": ", 1)[-1] or text
