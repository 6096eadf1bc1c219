"""An upload's pixels, read without letting a small file cost a worker its memory: the format
recognised by content, the decoded size budgeted from the headers before any frame is decoded,
an animation kept as its first frame, and everything written anew without metadata."""

import io
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

from forum.errors import RuleBroken

# Pillow format -> (content type, file extension, save options).
FORMATS = {
    # Not optimize=True: it tries every filter at zlib level 9, 12.5 s to write one 2400x1600
    # photo-like PNG (six in one post ran past gunicorn's 30 s timeout). Level 3 writes it in
    # 0.37 s, 15% larger than level 6 (0.88 s).
    "PNG": ("image/png", "png", {"compress_level": 3}),
    "JPEG": ("image/jpeg", "jpg", {"quality": 85, "optimize": True}),
    # A JPEG carrying more pictures after the first (MPF: phones' depth and HDR gain maps): kept
    # as the JPEG of its first.
    "MPO": ("image/jpeg", "jpg", {"quality": 85, "optimize": True}),
    "WEBP": ("image/webp", "webp", {"quality": 85}),
    "GIF": ("image/gif", "gif", {}),
}
# The canvas of an image (of each frame, for an animation). A WebP costs some 14 bytes a pixel to
# decode (libwebp's two RGBA canvases beside Pillow's own: 520 MB for 6000x6000, measured, even
# from a 138-byte file), an RGBA PNG some 10 (with the copy Pillow scales it through: a 6000x6000
# one took a worker of 300 MB to 660, past the 600 MB a worker may reach), a GIF or a JPEG (decoded
# at a reduced scale, below) far less; so a WebP gets least room and a PNG 24 MP (6000x4000). Six
# 16 MP WebPs in one post took a worker to 612 MB, so a WebP has 12 MP (4000x3000, a phone's).
MAX_PIXELS = {"PNG": 24_000_000, "JPEG": 40_000_000, "MPO": 40_000_000, "GIF": 40_000_000, "WEBP": 12_000_000}
# A progressive JPEG is decoded from all of its coefficients at once, whatever the scale asked for:
# two bytes a pixel per channel (a 40 MP CMYK one took a worker to 765 MB), so it gets 12 MP.
PROGRESSIVE_JPEG_PIXELS = 12_000_000
# Pixels over all frames: a decoder builds every frame at the canvas's size, so twenty one-pixel
# frames on a 6000x6000 canvas (499 bytes of GIF) would decode to 720 million pixels. Checked
# from the headers, before the first frame is decoded.
FRAME_PIXELS = 100_000_000
MAX_FRAMES = 500
MAX_SIDE = 2400
THUMB_SIDE = 480
# What of a picture's own information its writer may carry over: how it is drawn, nothing of who
# made it (Pillow's GIF writer would copy a comment, its PNG writer a colour profile's text).
KEPT_INFO = ("transparency", "background")


@dataclass
class CleanImage:
    """An upload re-encoded: the bytes to store, its thumbnail (WebP) and the original's size."""

    content_type: str
    extension: str
    data: bytes
    thumb: bytes
    width: int
    height: int


def clean_image(data):
    """The upload's first (or only) picture, written anew: no EXIF, GPS or other metadata
    survives, nor bytes after the image, nor any frame after the first.

    Animations are kept as their first frame. Writing every frame again (Pillow's encoders hold
    all of them, and GIF's quantizes each one anew) took 10-30 s and 120-620 MB of a worker for
    animations well inside FRAME_PIXELS (100 frames of 1000x1000, 25 of 2000x2000, 2 of
    6000x6000), past gunicorn's 30 s timeout on a busy host; the first frame takes under 1.5 s
    and 75 MB. A picture beside an idea explains it as well standing still.

    Raises RuleBroken (field `images`) for anything that is not a PNG, JPEG, WebP or GIF by
    content, or decodes to too many pixels.
    """
    picture, (width, height) = _open(data)
    kind = picture.format
    content_type, extension, options = FORMATS[kind]
    still = _still(picture, kind)
    out = io.BytesIO()
    still.save(out, format="JPEG" if kind == "MPO" else kind, **options)
    return CleanImage(content_type, extension, out.getvalue(), _thumbnail(still), width, height)


def _open(data):
    """The image with its first frame decoded, and its size as uploaded."""
    not_an_image = RuleBroken(_l("It is not a PNG, JPEG, WebP or GIF image, or the file is damaged."), field="images")
    try:
        with PILImage.open(io.BytesIO(data)) as probe:
            probe.verify()  # catches truncated and malformed files before decoding
        picture = PILImage.open(io.BytesIO(data))
        if picture.format not in FORMATS:
            raise not_an_image
        size = picture.size
        _check_pixels(picture, data)
        if picture.format in ("JPEG", "MPO"):
            # Decoded at 1/2, 1/4 or 1/8 of its size when that still covers the size it is
            # stored at: a phone's 40 MP photo then takes a quarter of the memory, and looks the
            # same once scaled. The stored size, not MAX_SIDE square: a 40000x1000 strip is
            # stored 2400x60, and asking for 2400x2400 would decode it whole.
            picture.draft(None, _stored_size(size))
        picture.load()  # the first frame only
        return picture, size
    except PILImage.DecompressionBombError:
        # Pillow's own ceiling (some 180 MP, far past ours) says so before our check can.
        raise _too_many_pixels("PNG") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise not_an_image from None


def _stored_size(size):
    width, height = size
    scale = min(1.0, MAX_SIDE / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _check_pixels(picture, data):
    width, height = picture.size
    if width * height > MAX_PIXELS[picture.format]:
        raise _too_many_pixels(picture.format)
    progressive = picture.format in ("JPEG", "MPO") and (
        picture.info.get("progressive") or picture.info.get("progression")
    )
    if progressive and width * height > PROGRESSIVE_JPEG_PIXELS:
        raise RuleBroken(
            _l(
                "That image has too many pixels: a progressive JPEG may have %(mp)d megapixels at most.",
                mp=PROGRESSIVE_JPEG_PIXELS // 1_000_000,
            ),
            field="images",
        )
    most = min(MAX_FRAMES, FRAME_PIXELS // max(1, width * height))
    if _frame_count(picture, data, stop=most + 1) > most:
        raise RuleBroken(_l("That animation has too many frames for its size."), field="images")


def _too_many_pixels(kind):
    return RuleBroken(
        _l(
            "That image has too many pixels: a %(kind)s may have %(mp)d megapixels at most.",
            kind={"MPO": "JPEG", "WEBP": "WebP"}.get(kind, kind),
            mp=MAX_PIXELS[kind] // 1_000_000,
        ),
        field="images",
    )


def _frame_count(picture, data, stop):
    """How many frames the file says it has, counting no further than `stop`."""
    if picture.format == "GIF":
        # Pillow's n_frames reads through every frame of the file (2.3 s for the 340,000
        # one-pixel frames that fit in 8 MB); counting the blocks stops at `stop`.
        return gif_frames(data, stop)
    # WebP's and APNG's headers say it: libwebp's demuxer indexes the frames when the file is
    # opened (60 ms for 200,000), and an APNG's acTL chunk gives the number.
    return getattr(picture, "n_frames", 1)


def gif_frames(data, stop):
    """The number of image blocks in a GIF, up to `stop`, from its block structure alone."""
    position, frames = 13, 0  # past the header and the logical screen descriptor
    position += _color_table(data, 10)
    while position < len(data) and frames < stop:
        introducer = data[position]
        if introducer == 0x2C:  # an image: its descriptor, colour table, LZW code size, data
            frames += 1
            position += 10 + _color_table(data, position + 9) + 1
            position = _past_sub_blocks(data, position)
        elif introducer == 0x21:  # an extension: its label, then its data
            position = _past_sub_blocks(data, position + 2)
        else:  # the trailer, or bytes Pillow would stop at too
            break
    return frames


def _color_table(data, flags_at):
    flags = data[flags_at] if flags_at < len(data) else 0
    return 3 << ((flags & 7) + 1) if flags & 0x80 else 0


def _past_sub_blocks(data, position):
    while position < len(data) and data[position]:
        position += data[position] + 1
    return position + 1


def _still(picture, kind):
    """The picture upright and at most MAX_SIDE a side, changed in place: a second full-size
    copy would double the memory a large upload takes."""
    ImageOps.exif_transpose(picture, in_place=True)
    if picture.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        # 16-bit (or float) grey: Pillow cannot scale it down (a 500 for any 16-bit grey PNG
        # over 480 px); 8-bit grey looks the same on a screen.
        picture = picture.convert("I").point(lambda value: value / 256).convert("L")
    picture.info = {key: value for key, value in picture.info.items() if key in KEPT_INFO}
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    if kind in ("JPEG", "MPO") and picture.mode not in ("RGB", "L"):
        return picture.convert("RGB")
    return picture


def _thumbnail(still):
    out = io.BytesIO()
    thumb = still.copy()  # at most MAX_SIDE a side already
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    if thumb.mode not in ("RGB", "RGBA"):
        thumb = thumb.convert("RGBA")
    thumb.save(out, format="WEBP", quality=80)
    return out.getvalue()
