"""The SSRF guard: which URLs the fetcher may request and which addresses it may connect to.

Editors and feeds hand us arbitrary URLs, and the server that fetches them sits next to the
database, Redis and (in the cloud) a metadata service at 169.254.169.254. So a URL is refused
unless it is http(s), carries no credentials, names its host in an unambiguous form, and EVERY
address the host resolves to is public. The caller then connects to one of exactly those vetted
addresses (see fetch.py), so a second DNS answer cannot swap in a private one (DNS rebinding).
"""
from __future__ import annotations

import ipaddress
import logging
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .errors import FetchError, TransientFetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
logger = logging.getLogger(__name__)

DEFAULT_PORTS = {"http": 80, "https": 443}
# Well-known NAT64 prefix: a DNS64 resolver maps every IPv4-only host into it, so judge the
# embedded IPv4 address rather than refusing (which would break IPv6-only deployments).
NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")
# WHATWG URL parsing treats a host whose last label is a number as an IPv4 address, and
# inet_aton/getaddrinfo accept the same odd forms (2130706433, 0x7f.1, 127.1, 0177.0.0.1).
_NUMERIC_LABEL = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)", re.IGNORECASE)
_CANONICAL_OCTET = re.compile(r"0|[1-9][0-9]{0,2}")
_FORBIDDEN_CHARS = re.compile(r"[\x00-\x20\x7f\\]")


@dataclass(frozen=True)
class Target:
    """A URL taken apart into what the connection needs."""

    url: str
    scheme: str
    host: str  # ASCII (IDNA) host name, or an IP literal without brackets
    port: int
    request_path: str  # path and query, as sent on the request line
    ip_literal: IPAddress | None

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if isinstance(self.ip_literal, ipaddress.IPv6Address) else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


def parse_target(url: str) -> Target:
    """Check the URL's form (no network) and take it apart; raise FetchError with the reason."""
    url = (url or "").strip()
    if not url:
        raise FetchError("the URL is empty")
    if _FORBIDDEN_CHARS.search(url):
        raise FetchError("the URL contains spaces, control characters or backslashes")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"the URL is malformed ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        shown = f"{scheme}:" if scheme else "a URL without a scheme"
        raise FetchError(f"refused: only http and https URLs can be fetched, not {shown}")
    # Credentials would be stored with the article and sent to whoever the host turns out to be;
    # `http://trusted.example@evil.example/` is also a classic way to mislead a reader.
    if parts.username is not None or parts.password is not None:
        raise FetchError("refused: URLs with a user name or password in them are not fetched")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchError("the URL has no host")
    ip_literal = _parse_ip_literal(host, bracketed="[" in parts.netloc)
    if ip_literal is None:
        host = _ascii_host(host)
    path = parts.path or "/"
    return Target(
        url=url,
        scheme=scheme,
        host=str(ip_literal) if ip_literal is not None else host,
        port=port if port is not None else DEFAULT_PORTS[scheme],
        request_path=f"{path}?{parts.query}" if parts.query else path,
        ip_literal=ip_literal,
    )


def _parse_ip_literal(host: str, *, bracketed: bool) -> IPAddress | None:
    if bracketed:
        try:
            return ipaddress.IPv6Address(host)
        except ValueError as exc:
            raise FetchError(f"the URL's IPv6 address {host!r} is malformed") from exc
    labels = host.split(".")
    if not _NUMERIC_LABEL.fullmatch(labels[-1]):
        return None  # a host name
    if len(labels) == 4 and all(_CANONICAL_OCTET.fullmatch(x) and int(x) <= 255 for x in labels):
        return ipaddress.IPv4Address(host)
    # Refuse rather than normalise: the form itself is a sign of someone probing the guard.
    try:
        meaning = f" (it means {ipaddress.IPv4Address(socket.inet_aton(host))})"
    except OSError:
        meaning = ""
    raise FetchError(
        f"refused: {host} is an IP address written in an unusual numeric form{meaning}; "
        "only dotted addresses like 93.184.216.34 are accepted"
    )


def _ascii_host(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise FetchError(f"the host name {host!r} is not valid") from exc


def address_refusal(ip: IPAddress) -> str | None:
    """Why `ip` may not be fetched ("a private address"), or None when it is public."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return address_refusal(ip.ipv4_mapped)
        if ip.sixtofour is not None or ip.teredo is not None:
            return "a 6to4/Teredo tunnel address"
        if ip in NAT64_PREFIX:
            return address_refusal(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    # Order matters: Python calls 169.254.169.254 and 240.0.0.1 "private" too; the specific name says more.
    checks = (
        ("is_unspecified", "an unspecified address"),
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address (cloud metadata services live there)"),
        ("is_multicast", "a multicast address"),
        ("is_reserved", "a reserved address"),
        ("is_private", "a private address"),
    )
    for attribute, reason in checks:
        if getattr(ip, attribute):
            return reason
    if not ip.is_global:
        return "not a public address"
    return None


def allowed_by_settings(ip: IPAddress) -> bool:
    """The settings that open the guard: everything (tests/dev) or listed networks only."""
    if settings.FACTCHECK_FETCH_ALLOW_PRIVATE:
        return True
    for network in settings.FACTCHECK_FETCH_ALLOWED_NETWORKS:
        try:
            allowed = ipaddress.ip_network(network, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(f"FACTCHECK_FETCH_ALLOWED_NETWORKS: {network!r} is not a network") from exc
        if ip.version == allowed.version and ip in allowed:
            return True
    return False


def resolve(target: Target) -> list[IPAddress]:
    """Every address the host resolves to, in the resolver's order, each vetted by the guard."""
    addresses = [target.ip_literal] if target.ip_literal is not None else _lookup(target)
    for ip in addresses:
        reason = address_refusal(ip)
        if reason and not allowed_by_settings(ip):
            if target.ip_literal is not None:
                # The person typed this address: naming its kind tells them nothing new.
                raise FetchError(f"refused: {ip} is {reason}")
            # What an internal name resolves to is a map of the network behind us: the log gets
            # it, the person who submitted the URL gets only the verdict.
            logger.warning("SSRF guard refused %s: it resolves to %s, %s", target.host, ip, reason)
            raise FetchError(f"refused: {target.host} is not a public address")
    return addresses


def _lookup(target: Target) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        if exc.errno == socket.EAI_AGAIN:
            raise TransientFetchError(f"the DNS lookup for {target.host} failed temporarily") from exc
        raise FetchError(f"the host {target.host} could not be found (DNS lookup failed)") from exc
    except (UnicodeError, OSError) as exc:
        raise FetchError(f"the host {target.host} could not be looked up ({exc})") from exc
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canonname, sockaddr in infos:
        ip = ipaddress.ip_address(sockaddr[0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise FetchError(f"the host {target.host} has no addresses")
    return addresses
