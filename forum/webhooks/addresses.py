"""Which addresses a webhook may reach: public ones only, unless WEBHOOKS_ALLOW_PRIVATE.

A URL is checked after DNS, every address the name resolves to, and the caller connects to the
address that was checked (forum/webhooks/sender.py), so a name that resolves to a public address
for the check and to 127.0.0.1 for the connection (DNS rebinding) reaches nothing. IPv4 embedded
in IPv6 (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16) is judged as the IPv4 it
carries."""

import ipaddress
import socket
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

NAT64 = ipaddress.ip_network("64:ff9b::/96")
SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
# Cloud metadata services that sit on addresses the checks below would not all catch by class.
METADATA = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "100.100.100.200", "fd00:ec2::254", "192.0.0.192")
)


class Refused(Exception):
    """The URL may not be called; `message` says why, for the delivery log and the form."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def forbidden(ip):
    """Why `ip` (an ipaddress object) may not be reached, or None for a public address."""
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return forbidden(ip.ipv4_mapped)
        if ip in NAT64:
            return forbidden(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip in SIX_TO_FOUR:
            return forbidden(ipaddress.IPv4Address((int(ip) >> 80) & 0xFFFFFFFF))
    if ip in METADATA:
        return "metadata"
    for kind in ("unspecified", "loopback", "link_local", "multicast", "private", "reserved"):
        if getattr(ip, f"is_{kind}"):
            return kind
    if not ip.is_global:  # shared address space (100.64/10), documentation ranges, ...
        return "not global"
    return None


def split(url):
    """(scheme, host, port) of an http(s) URL with a host. Raises Refused."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Refused(_l("Enter a full http:// or https:// address.")) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(_l("Enter a full http:// or https:// address."))
    if parts.username or parts.password:
        raise Refused(_l("Leave the user name and password out of the address."))
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def resolve(host, port, allow_private=False):
    """The addresses to connect to for `host`, every one of them checked. Raises Refused when the
    name does not resolve or any address it resolves to is not public (one bad address is enough:
    which one a connection would pick is not ours to choose)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        raise Refused(_l("The address's host name could not be found.")) from None
    addresses = []
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%")[0])
        if ip not in addresses:
            addresses.append(ip)
    if not allow_private:
        for ip in addresses:
            reason = forbidden(ip)
            if reason:
                raise Refused(_l("The address leads to %(ip)s, which is not a public address.", ip=str(ip)))
    return addresses


def check_url(url, allow_private=False, resolving=True):
    """Raise Refused unless `url` is an http(s) URL whose host is public. With resolving=False (a
    form's first look), a name that does not resolve passes: delivery checks again."""
    _scheme, host, port = split(url)
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        if not allow_private and forbidden(literal):
            raise Refused(_l("The address leads to %(ip)s, which is not a public address.", ip=str(literal)))
        return
    if allow_private:
        return
    try:
        resolve(host, port)
    except Refused:
        if resolving:
            raise
        # Unresolvable now is not proof of harm; only a resolved private address is refused here.
        try:
            socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError, ValueError):
            return
        raise
