"""QR codes of this forum's pages, as SVG, drawn by segno."""

import io

import segno

# Medium error correction: the code stays readable off a phone screen photographed at an angle,
# and a page address stays a small code (version 3-5).
ERROR_LEVEL = "m"
SCALE = 4
BORDER = 4  # the quiet zone the QR standard asks for, in modules


def svg(address):
    """The QR code of `address` as an SVG document, dark on white whatever the page's colours,
    sized by the page's CSS (no width or height of its own)."""
    code = segno.make(address, error=ERROR_LEVEL, micro=False)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=SCALE, border=BORDER, dark="#000", light="#fff", omitsize=True, xmldecl=False)
    return out.getvalue()
