"""HTTP POST to a URL someone typed (a webhook endpoint): the same SSRF guard and pinned connection
as fetching pages (claims/ingestion/fetch.py), no redirect followed, a wall-clock limit on the
whole exchange and only the first bytes of the answer read."""
from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

from .errors import FetchError, TransientFetchError
from .fetch import USER_AGENT, Deadline, _pool, _short
from .guard import parse_target, resolve


@dataclass(frozen=True)
class PostResult:
    status: int
    excerpt: str  # the first bytes of the answer, as text
    seconds: float


def post(url: str, *, body: bytes, headers: Mapping[str, str], timeout: float, max_bytes: int) -> PostResult:
    """POST `body` to `url`; any answer (2xx to 5xx) is returned. Raises FetchError when the guard
    refuses the address, TransientFetchError when no answer came (refused, timed out, broken)."""
    target = parse_target(url)
    addresses = resolve(target)
    deadline = Deadline(timeout)
    started = time.perf_counter()
    request_headers = {"Host": target.host_header, "User-Agent": USER_AGENT, **headers}
    last_error: Exception | None = None
    try:
        for address in addresses:
            pool = _pool(target, address, urllib3.Timeout(connect=timeout, read=timeout), deadline)
            try:
                response = pool.urlopen("POST", target.request_path, body=body, headers=request_headers,
                                        redirect=False, retries=False, preload_content=False, assert_same_host=False)
                try:
                    excerpt = response.read(max_bytes, decode_content=True)
                finally:
                    response.release_conn()
                return PostResult(response.status, excerpt.decode("utf-8", "replace"), time.perf_counter() - started)
            except NewConnectionError as exc:
                last_error = exc  # another of the host's addresses may answer
                continue
            except (ConnectTimeoutError, ReadTimeoutError) as exc:
                raise TransientFetchError(f"{target.host} did not answer within {timeout:g}s") from exc
            except SSLError as exc:
                raise TransientFetchError(f"the secure connection to {target.host} failed: {_short(exc)}") from exc
            except (ProtocolError, HTTPError, OSError) as exc:
                if deadline.expired:
                    raise TransientFetchError(f"{target.host} did not answer within {timeout:g}s") from exc
                raise TransientFetchError(f"the connection to {target.host} failed: {_short(exc)}") from exc
            finally:
                pool.close()
    finally:
        deadline.cancel()
    raise TransientFetchError(f"could not connect to {target.host}: {_short(last_error)}")


__all__ = ["FetchError", "PostResult", "TransientFetchError", "post"]
