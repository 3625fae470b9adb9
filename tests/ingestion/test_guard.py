"""The SSRF guard, without any network: literal addresses, odd numeric forms, schemes, and
host names whose DNS answers are faked."""
from __future__ import annotations

import ipaddress
import socket

import pytest

from claims.ingestion.fetch import FetchError, TransientFetchError, fetch_url
from claims.ingestion.guard import address_refusal, parse_target, resolve

pytestmark = pytest.mark.usefixtures("guard_on")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1/", "refused: 127.0.0.1 is a loopback address"),
        ("http://127.8.9.10:8000/admin", "refused: 127.8.9.10 is a loopback address"),
        ("http://10.0.0.5/", "refused: 10.0.0.5 is a private address"),
        ("http://172.16.3.4/", "refused: 172.16.3.4 is a private address"),
        ("http://192.168.1.1/", "refused: 192.168.1.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "refused: 169.254.169.254 is a link-local address"),
        ("http://0.0.0.0/", "refused: 0.0.0.0 is an unspecified address"),
        ("http://100.64.0.1/", "refused: 100.64.0.1 is not a public address"),
        ("http://224.0.0.1/", "refused: 224.0.0.1 is a multicast address"),
        ("http://240.0.0.1/", "refused: 240.0.0.1 is a reserved address"),
        ("http://[::1]/", "refused: ::1 is a loopback address"),
        ("http://[::]/", "refused: :: is an unspecified address"),
        ("http://[fc00::1]/", "refused: fc00::1 is a private address"),
        ("http://[fd12:3456::1]/", "refused: fd12:3456::1 is a private address"),
        ("http://[fe80::1]/", "refused: fe80::1 is a link-local address"),
        ("http://[ff02::1]/", "refused: ff02::1 is a multicast address"),
        ("http://[::ffff:10.0.0.1]/", "refused: ::ffff:a00:1 is a private address"),
        ("http://[::ffff:127.0.0.1]/", "refused: ::ffff:7f00:1 is a loopback address"),
        ("http://[::ffff:169.254.169.254]/", "is a link-local address"),
        ("http://[2002:7f00:1::]/", "is a 6to4/Teredo tunnel address"),
        ("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "is a 6to4/Teredo tunnel address"),
        ("http://[64:ff9b::a00:5]/", "is a private address"),  # NAT64 of 10.0.0.5
    ],
)
def test_it_refuses_non_public_addresses_written_in_the_url(url: str, message: str) -> None:
    with pytest.raises(FetchError) as caught:
        fetch_url(url)
    assert message in caught.value.message


@pytest.mark.parametrize(
    "host",
    ["2130706433", "0x7f.1", "0x7f000001", "127.1", "0177.0.0.1", "017700000001", "127.0.0.01", "10.1", "1.2.3.4.5"],
)
def test_it_refuses_numeric_host_forms_that_hide_an_address(host: str) -> None:
    with pytest.raises(FetchError) as caught:
        fetch_url(f"http://{host}/")
    assert f"refused: {host} is an IP address written in an unusual numeric form" in caught.value.message


def test_the_numeric_form_message_says_which_address_it_means() -> None:
    with pytest.raises(FetchError, match=r"\(it means 127\.0\.0\.1\)"):
        parse_target("http://2130706433/")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("file:///etc/passwd", "file:"),
        ("ftp://example.com/feed.xml", "ftp:"),
        ("gopher://example.com:70/_GET", "gopher:"),
        ("javascript:alert(1)", "javascript:"),
        ("data:text/html,<p>hi</p>", "data:"),
        ("example.com/news", "a URL without a scheme"),
    ],
)
def test_it_refuses_schemes_other_than_http_and_https(url: str, shown: str) -> None:
    with pytest.raises(FetchError) as caught:
        fetch_url(url)
    assert caught.value.message == f"refused: only http and https URLs can be fetched, not {shown}"


@pytest.mark.parametrize("url", ["http://", "http:///path", "https://:443/", "http://./"])
def test_it_refuses_a_url_without_a_host(url: str) -> None:
    with pytest.raises(FetchError, match="has no host"):
        fetch_url(url)


@pytest.mark.parametrize(
    "url", ["", "   ", "http://exa mple.com/", "http://example.com/\nHost: evil", "http:\\\\example.com"]
)
def test_it_refuses_empty_or_malformed_urls_with_a_reason(url: str) -> None:
    with pytest.raises(FetchError) as caught:
        fetch_url(url)
    assert caught.value.message


@pytest.mark.parametrize(
    "url", ["http://user:secret@example.com/", "https://trusted.example@evil.example/", "http://:pw@example.com/"]
)
def test_it_refuses_credentials_in_the_url(url: str) -> None:
    with pytest.raises(FetchError, match="user name or password"):
        fetch_url(url)


def test_it_refuses_a_host_name_that_resolves_to_a_private_address(dns, caplog) -> None:
    dns.answers["intranet.example"] = ["10.0.0.5"]
    with pytest.raises(FetchError) as caught:
        fetch_url("http://intranet.example/")
    # The person is told the verdict; what the name resolves to goes to the log only.
    assert caught.value.message == "refused: intranet.example is not a public address"
    assert "intranet.example: it resolves to 10.0.0.5, a private address" in caplog.text


def test_it_refuses_a_host_when_any_one_of_its_addresses_is_private(dns) -> None:
    dns.answers["mixed.example"] = ["93.184.216.34", "2606:2800:220:1::1", "169.254.169.254"]
    with pytest.raises(FetchError, match="mixed.example is not a public address"):
        fetch_url("http://mixed.example/")


def test_it_refuses_a_host_whose_ipv6_answer_maps_to_loopback(dns) -> None:
    dns.answers["sneaky.example"] = ["::ffff:127.0.0.1"]
    with pytest.raises(FetchError, match="sneaky.example is not a public address"):
        fetch_url("https://sneaky.example/")


def test_a_host_that_does_not_exist_is_a_permanent_error(dns) -> None:
    with pytest.raises(FetchError, match="the host nowhere.invalid could not be found"):
        fetch_url("http://nowhere.invalid/")


def test_a_temporary_dns_failure_is_retryable(dns) -> None:
    dns.answers["flaky.example"] = socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
    with pytest.raises(TransientFetchError, match="failed temporarily"):
        fetch_url("http://flaky.example/")


def test_public_addresses_pass_the_guard(dns) -> None:
    dns.answers["news.example"] = ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]
    target = parse_target("https://News.Example/a/b?c=1#part")
    assert [str(ip) for ip in resolve(target)] == ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]
    assert (target.host, target.port, target.request_path, target.host_header) == (
        "news.example",
        443,
        "/a/b?c=1",
        "news.example",
    )


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "64:ff9b::5db8:d822"])
def test_address_refusal_is_none_for_public_addresses(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) is None


def test_an_international_host_name_is_sent_in_its_ascii_form() -> None:
    target = parse_target("http://bücher.example:8080/")
    assert target.host == "xn--bcher-kva.example"
    assert target.host_header == "xn--bcher-kva.example:8080"


def test_the_allowed_networks_setting_opens_only_the_listed_range(settings, dns) -> None:
    settings.FACTCHECK_FETCH_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    dns.answers["mirror.internal"] = ["10.20.1.2"]
    dns.answers["db.internal"] = ["10.30.0.1"]
    assert [str(ip) for ip in resolve(parse_target("http://mirror.internal/"))] == ["10.20.1.2"]
    with pytest.raises(FetchError, match="db.internal is not a public address"):
        resolve(parse_target("http://db.internal/"))
