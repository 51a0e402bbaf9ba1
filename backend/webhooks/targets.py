"""Where a webhook may be sent: http(s) URLs whose every resolved address is public.

A URL naming a private (10/8, 172.16/12, 192.168/16, fc00::/7), loopback, link-local
(169.254/16: cloud metadata, fe80::/10), shared (100.64/10), reserved, multicast or unspecified
address, or a name resolving to one, is refused when the subscription is saved and again when
each connection is opened: a name may resolve elsewhere by then (DNS rebinding). The check at
send time is in the connection itself (:class:`GuardedBackend`): the name is resolved once,
every address checked, and the socket opened to a checked address, so nothing resolves it
again between the check and the connect. ``webhook_allow_private_targets`` lifts the rule (a
receiver inside the campus network; the tests' receiver on 127.0.0.1)."""

import ipaddress
import socket
import ssl
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefused(Exception):
    """The URL may not be used; ``reason`` says why (Chinese, for the admin)."""

    def __init__(self, reason: str, address: str | None = None) -> None:
        super().__init__(reason)
        self.reason, self.address = reason, address


def refusal(address: IPAddress) -> str | None:
    """Why ``address`` is no public internet address, or None when it is one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    for test, what in ((address.is_loopback, "本机回环地址"),
                       (address.is_link_local, "链路本地地址"), (address.is_private, "内网地址"),
                       (address.is_multicast, "组播地址"), (address.is_unspecified, "未指定地址"),
                       (address.is_reserved, "保留地址")):
        if test:
            return what
    return None if address.is_global else "非公网地址"


def parse(url: str) -> tuple[str, str, int]:
    """The scheme, host and port of an http(s) URL; TargetRefused for anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise TargetRefused("URL 格式不正确") from exc
    if parts.scheme not in ("http", "https"):
        raise TargetRefused("只支持 http 和 https 地址")
    if not parts.hostname or any(c.isspace() for c in url):
        raise TargetRefused("URL 格式不正确")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (a literal address: itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise TargetRefused(f"无法解析域名 {host}") from exc
    # the scope of fe80::1%eth0 is not part of the address
    return list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0])
                              for info in infos))


def checked_addresses(host: str, port: int, allow_private: bool) -> list[IPAddress]:
    """``host``'s addresses, all of them allowed; TargetRefused naming the first that is not."""
    addresses = resolve(host, port)
    if not allow_private:
        for address in addresses:
            reason = refusal(address)
            if reason:
                raise TargetRefused(f"{host} 指向{reason} {address}，不允许发送", str(address))
    return addresses


def check_url(url: str, allow_private: bool) -> None:
    """For a subscription being saved: an http(s) URL whose addresses are allowed."""
    _, host, port = parse(url)
    checked_addresses(host, port, allow_private)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's blocking backend, connecting only to checked addresses."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private
        self.inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        addresses = checked_addresses(host, port, self.allow_private)
        error: Exception | None = None
        for address in addresses:  # as socket.create_connection would, over checked ones
            try:
                return self.inner.connect_tcp(str(address), port, timeout, local_address,
                                              socket_options)
            except httpcore.ConnectError as exc:
                error = exc
        raise error or httpcore.ConnectError(f"no address for {host}")

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        raise TargetRefused("不允许 Unix 套接字")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def client(allow_private: bool, timeout: float, connections: int) -> httpx.Client:
    """An httpx client for deliveries: guarded connections, no redirects followed (a 3xx is a
    failed attempt: a redirect could lead anywhere), no proxy from the environment (the proxy's
    address would be checked instead of the target's), TLS certificates verified by name (the
    connection goes to a checked address, TLS still checks the host name: SNI and certificate
    come from the URL)."""
    transport = httpx.HTTPTransport(trust_env=False)
    # httpx builds its httpcore pool without a way to pass a network backend: rebuild it with
    # ours, the same settings otherwise
    transport._pool = httpcore.ConnectionPool(  # noqa: SLF001
        ssl_context=ssl.create_default_context(), max_connections=connections,
        max_keepalive_connections=connections, keepalive_expiry=5.0,
        network_backend=GuardedBackend(allow_private))
    return httpx.Client(transport=transport, timeout=timeout, follow_redirects=False,
                        trust_env=False)
