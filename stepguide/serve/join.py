"""The link students open: the machine's address on the room's network, a QR code, a page to project."""

from __future__ import annotations

import socket
from html import escape


def lan_address() -> str:
    """This machine's IPv4 address on the room's network, else 127.0.0.1.

    The route to a documentation address names the outgoing interface without
    sending anything; a room network with no gateway has no such route, so the
    first non-loopback interface address is taken instead.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1
            address = s.getsockname()[0]
            if not address.startswith("127."):
                return address
        except OSError:
            pass
    import psutil

    for addrs in psutil.net_if_addrs().values():
        for a in addrs:
            if a.family == socket.AF_INET and not a.address.startswith(("127.", "169.254.")):
                return a.address
    return "127.0.0.1"


def share_url(host: str, port: int) -> str:
    """The URL students type: the LAN address when listening on every interface."""
    shown = lan_address() if host in ("0.0.0.0", "", "::") else host
    return f"http://{shown}:{port}/"


def qr_text(url: str) -> str | None:
    """The URL as a QR code drawn with text characters, or None if ``segno`` is not installed."""
    try:
        import segno
    except ImportError:
        return None
    import io

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True, border=2)
    return out.getvalue()


def join_page(url: str, room: int) -> str:
    """A page for the projector: the link in large type and a QR code (inline SVG, no request anywhere)."""
    svg = ""
    try:
        import io

        import segno

        buf = io.BytesIO()
        segno.make(url, error="m").save(buf, kind="svg", scale=12, border=2, xmldecl=False, svgns=True)
        svg = buf.getvalue().decode()
    except ImportError:
        pass
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Join the workshop</title>
<style>body{{font-family:system-ui,sans-serif;text-align:center;margin:3rem;color:#1f2933}}
.url{{font-size:4vw;font-weight:700;margin:2rem 0}}
svg{{display:block;margin:0 auto;width:min(60vh,80vw,100%);height:auto}}</style></head>
<body><h1>Step 2 CK score guide</h1><p>Open this link on your phone or laptop:</p>
<div class="url">{escape(url)}</div>{svg}<p>Room of {room}.</p></body></html>"""
