"""Images: recognised by content, re-encoded without EXIF or GPS, limited (decompression bombs
included), served safely."""

import io
import json
import os
import re
import sqlite3
import struct
import subprocess
import sys
import zlib

import pytest
from PIL import Image as PILImage

from forum.extensions import db
from forum.media import services as media
from forum.media.images import gif_frames
from forum.media.models import Image
from forum.solutions.models import Solution
from tests import factories

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def picture(kind="PNG", size=(64, 48), exif=None, mode="RGB"):
    out = io.BytesIO()
    image = PILImage.new(mode, size, 1 if mode == "1" else (200, 30, 30))
    options = {"exif": exif} if exif is not None else {}
    image.save(out, format=kind, **options)
    return out.getvalue()


def gps_exif():
    exif = PILImage.Exif()
    exif[0x010F] = "SpyCam"  # camera maker
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}  # GPS position
    return exif


@pytest.fixture
def challenge(app, community, users):
    return factories.challenge(users["staff"], community)


def kept_references(page):
    """The signed references to stored uploads a form that came back carries."""
    return re.findall(r'<input type="hidden" name="kept_image" value="([^"]+)">', page)


def _submit(client, challenge, files, **data):
    form = {"title": "With pictures", "body": "See the images.", **data}
    form["images"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(f"/challenges/{challenge.id}/solutions/new", data=form, content_type="multipart/form-data")


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp"), ("GIF", "image/gif")],
)
def test_each_allowed_format_is_stored_and_served(app, challenge, users, login, kind, content_type):
    fan = login(users["fan"])
    # The name lies: the content decides.
    assert _submit(fan, challenge, [("photo.txt", picture(kind))]).status_code == 302
    image = db.session.execute(db.select(Image)).scalar_one()
    assert image.content_type == content_type and image.solution_id is not None
    served = fan.get(f"/media/{image.name}")
    assert served.status_code == 200 and served.mimetype == content_type
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    thumb = fan.get(f"/media/{image.thumb_name}")
    assert thumb.mimetype == "image/webp"
    assert PILImage.open(io.BytesIO(thumb.data)).size[0] <= 480


def test_exif_and_gps_are_stripped(app, challenge, users, login):
    original = picture("JPEG", exif=gps_exif())
    assert PILImage.open(io.BytesIO(original)).getexif().get(0x8825)
    fan = login(users["fan"])
    _submit(fan, challenge, [("holiday.jpg", original)])
    image = db.session.execute(db.select(Image)).scalar_one()
    stored = PILImage.open(io.BytesIO(fan.get(f"/media/{image.name}").data))
    assert not stored.getexif() and b"SpyCam" not in fan.get(f"/media/{image.name}").data


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("page.png", b"<html><script>alert(1)</script></html>"),
        ("empty.png", b""),
        ("truncated.png", picture("PNG")[:40]),
        ("icon.bmp", picture("BMP")),
        ("scan.tiff", picture("TIFF")),
    ],
)
def test_anything_else_is_refused_with_a_message_and_the_text_kept(app, challenge, users, login, name, content):
    fan = login(users["fan"])
    response = _submit(fan, challenge, [(name, content)], body="My long text stays.")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "It is not a PNG, JPEG, WebP or GIF image, or the file is damaged." in page and "My long text stays." in page
    assert db.session.execute(db.select(Solution)).first() is None
    assert db.session.execute(db.select(Image)).first() is None


def test_too_many_pixels_and_too_many_images(app, challenge, users, login):
    fan = login(users["fan"])
    huge = picture("PNG", size=(8000, 6000), mode="1")
    assert "too many pixels" in _submit(fan, challenge, [("huge.png", huge)]).get_data(as_text=True)
    # Past Pillow's own ceiling, the answer said it was not an image at all.
    giant = picture("PNG", size=(20000, 20000), mode="1")
    assert "too many pixels" in _submit(fan, challenge, [("giant.png", giant)]).get_data(as_text=True)
    # A 6000x6000 RGBA PNG took a worker past 600 MB (from 300): PNGs stop at 24 MP.
    square = picture("PNG", size=(6000, 6000), mode="1")
    assert "too many pixels" in _submit(fan, challenge, [("square.png", square)]).get_data(as_text=True)
    # A WebP decodes through canvases of its own besides Pillow's, so less of one is allowed.
    wide = webp_bomb(frames=2, side=6000)
    assert "too many pixels: a WebP may have" in _submit(fan, challenge, [("wide.webp", wide)]).get_data(as_text=True)
    seven = [(f"{n}.png", picture()) for n in range(7)]
    assert "Attach at most 6 images." in _submit(fan, challenge, seven).get_data(as_text=True)


def test_a_failed_submit_keeps_the_uploaded_images(app, challenge, users, login):
    fan = login(users["fan"])
    response = _submit(fan, challenge, [("a.png", picture()), ("b.gif", picture("GIF"))], title="")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Images already uploaded" in page
    kept = kept_references(page)
    assert len(kept) == 2
    assert _submit(fan, challenge, [], kept_image=kept).status_code == 302
    solution = db.session.execute(db.select(Solution)).scalar_one()
    assert len(solution.images) == 2


def test_uploads_are_kept_when_the_service_refuses_the_rest_of_the_form(app, challenge, users, login):
    fan = login(users["fan"])
    tags = " ".join(f"tag{n}" for n in range(9))  # one more than allowed: refused by the service
    response = _submit(fan, challenge, [("a.png", picture())], tags=tags)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Use at most 8 tags." in page and "Images already uploaded" in page
    assert len(kept_references(page)) == 1 and db.session.execute(db.select(Image)).scalar_one()
    assert db.session.execute(db.select(Solution)).first() is None


def test_nobody_can_attach_someone_elses_upload(app, challenge, users, login):
    fan = login(users["fan"])
    _submit(fan, challenge, [("a.png", picture())], title="")
    image = db.session.execute(db.select(Image)).scalar_one()
    thief = login(users["product"])
    assert _submit(thief, challenge, [], image_ids=str(image.id)).status_code == 302
    assert db.session.get(Image, image.id).solution_id is None
    # Nor with the reference the fan's form carried: it is signed for the fan alone.
    with app.test_request_context():
        reference = media.reference(users["fan"], image)
    thief = login(users["product"])
    assert _submit(thief, challenge, [], title="Theft", kept_image=[reference]).status_code == 302
    assert db.session.get(Image, image.id).solution_id is None


def test_media_names_are_checked(client):
    assert client.get("/media/..%2Finstance%2Fsecret_key").status_code == 404
    assert client.get("/media/missing.exe").status_code == 404
    assert client.get("/media/missing.png").status_code == 404


# Decompression bombs: small files whose frames each decode at the size of a huge canvas.


def gif_bomb(frames=20, side=6000):
    """A GIF of a side x side canvas and `frames` one-pixel frames: 499 bytes for 20 frames."""
    out = bytearray(b"GIF89a" + struct.pack("<HHBBB", side, side, 0x80, 0, 0) + b"\0\0\0\xff\xff\xff")
    out += b"\x21\xff\x0bNETSCAPE2.0\x03\x01\0\0\0"  # loop forever
    for n in range(frames):
        out += b"\x21\xf9\x04\0\x01\0\0\0"  # graphic control: shown for 1/100 s
        out += b"\x2c" + struct.pack("<HHHHB", n, 0, 1, 1, 0)  # a 1x1 image at (n, 0)
        out += b"\x02\x02\x44\x01\0"  # its LZW data: clear, one pixel, end
    return bytes(out + b"\x3b")


def webp_bomb(frames=20, side=4000):
    """An animated WebP of one-pixel frames whose canvas (in its VP8X chunk) says side x side
    (4000: a larger canvas is refused by its size alone)."""
    out = io.BytesIO()
    pixels = [PILImage.new("RGB", (1, 1), (n * 9 % 256, 0, 0)) for n in range(frames)]
    pixels[0].save(out, format="WEBP", save_all=True, append_images=pixels[1:], duration=50, lossless=True)
    data = bytearray(out.getvalue())
    header = data.index(b"VP8X")
    data[header + 12 : header + 18] = (side - 1).to_bytes(3, "little") + (side - 1).to_bytes(3, "little")
    return bytes(data)


def apng_bomb(frames=20, side=6000):
    """An animated PNG: a blank side x side default image, then one-pixel frames."""

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    def frame_control(sequence, size):
        return chunk(b"fcTL", struct.pack(">IIIIIHHBB", sequence, size, size, 0, 0, 1, 10, 0, 0))

    blank = zlib.compress((b"\0" + bytes(side // 8)) * side, 9)  # one bit a pixel, every row 0
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
    out += chunk(b"acTL", struct.pack(">II", frames, 0)) + frame_control(0, side) + chunk(b"IDAT", blank)
    for n in range(1, frames):
        out += frame_control(2 * n - 1, 1) + chunk(b"fdAT", struct.pack(">I", 2 * n) + zlib.compress(b"\0\x80"))
    return out + chunk(b"IEND", b"")


# Each within the pixels its format may have, so its frames are what is refused.
BOMBS = {
    "gif": gif_bomb,
    "gif-200": lambda: gif_bomb(frames=200),
    "webp": lambda: webp_bomb(side=3400),  # within the 12 MP a WebP may have
    "apng": lambda: apng_bomb(side=4800),
}


def test_the_bombs_are_small_files_of_huge_canvases():
    assert len(gif_bomb()) == 499 and len(gif_bomb(frames=200)) < 5000
    assert len(webp_bomb()) < 1100 and len(apng_bomb()) < 6000
    for make in BOMBS.values():
        with PILImage.open(io.BytesIO(make())) as bomb:
            assert bomb.width * bomb.height >= 11_000_000 and bomb.n_frames in (20, 200)
    assert gif_frames(gif_bomb(frames=200), stop=1000) == 200 and gif_frames(gif_bomb(frames=200), stop=3) == 3


@pytest.mark.parametrize("kind", BOMBS)
def test_an_animation_bomb_is_refused_next_to_the_images_field(app, challenge, users, login, kind):
    fan = login(users["fan"])
    response = _submit(fan, challenge, [(f"bomb.{kind}", BOMBS[kind]())], body="My long text stays.")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "My long text stays." in page
    error = page.split('id="images-error"')[1].split("</small>")[0]
    assert "That animation has too many frames for its size." in error
    assert db.session.execute(db.select(Image)).first() is None
    assert db.session.execute(db.select(Solution)).first() is None


# Runs save_upload on each file given, in a process of its own, and reports how far its peak
# memory grew. Its address space is capped a gigabyte past what it holds before, so a bomb that
# gets decoded fails there rather than taking the host's memory.
MEASURE = """
import io, json, resource, sys, types
from forum import create_app
from forum.errors import RuleBroken
from forum.extensions import db
from forum.media.services import save_upload
from forum.transaction import unit_of_work

folder = sys.argv[1]
app = create_app({"TESTING": True, "SECRET_KEY": "measure", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/m.db",
                  "SEARCH_INDEX_DIR": f"{folder}/index"}, instance_path=folder)
outcomes = []
with app.app_context():
    db.create_all()
    with open("/proc/self/statm") as statm:
        held = int(statm.read().split()[0]) * resource.getpagesize()
    ceiling = resource.getrlimit(resource.RLIMIT_AS)[1]
    cap = held + 2**30 if ceiling == resource.RLIM_INFINITY else min(held + 2**30, ceiling)
    resource.setrlimit(resource.RLIMIT_AS, (cap, ceiling))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for path in sys.argv[2:]:
        try:
            with unit_of_work(), open(path, "rb") as upload:
                save_upload(types.SimpleNamespace(id=None), upload)
            outcomes.append("kept")
        except RuleBroken:
            outcomes.append("refused")
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"outcomes": outcomes, "grown_mb": grown // 1024}))
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="measures memory the Linux way")
def test_refusing_the_bombs_takes_little_memory(tmp_path):
    paths = []
    for kind, make in BOMBS.items():
        paths.append(tmp_path / f"bomb-{kind}")
        paths[-1].write_bytes(make())
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(tmp_path), *map(str, paths)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    assert measured["outcomes"] == ["refused"] * len(BOMBS)
    assert measured["grown_mb"] < 100, measured


@pytest.mark.parametrize("kind", ["GIF", "WEBP", "PNG"])
def test_an_animation_is_kept_as_its_first_frame(app, challenge, users, login, kind):
    frames = [PILImage.new("RGB", (40, 30), color) for color in ((250, 0, 0), (0, 250, 0), (0, 0, 250))]
    out = io.BytesIO()
    frames[0].save(out, format=kind, save_all=True, append_images=frames[1:], duration=100, loop=0)
    fan = login(users["fan"])
    assert _submit(fan, challenge, [("moving.img", out.getvalue())]).status_code == 302
    image = db.session.execute(db.select(Image)).scalar_one()
    stored = PILImage.open(io.BytesIO(fan.get(f"/media/{image.name}").data))
    assert getattr(stored, "n_frames", 1) == 1
    red, green, blue = stored.convert("RGB").getpixel((20, 15))
    assert red > 200 and green < 50 and blue < 50


def test_a_gif_comment_is_not_kept(app, challenge, users, login):
    out = io.BytesIO()
    PILImage.new("P", (16, 16), 3).save(out, format="GIF", comment=b"SpyCam at 31.2N 121.5E")
    fan = login(users["fan"])
    _submit(fan, challenge, [("note.gif", out.getvalue())])
    image = db.session.execute(db.select(Image)).scalar_one()
    assert b"SpyCam" not in fan.get(f"/media/{image.name}").data


def test_kept_references_forged_or_tampered_are_left_out(app, challenge, users, login):
    fan = login(users["fan"])
    kept = kept_references(_submit(fan, challenge, [("a.png", picture())], title="").get_data(as_text=True))
    image = db.session.execute(db.select(Image)).scalar_one()
    # Plain ids, numbers no row can have, '²' (passes str.isdigit(), not int()), a signature cut
    # short, and the real one.
    hostile = ["1", "99999999999999999999", "-1", "x", "\u00b2", kept[0][:-3], "", kept[0]]
    assert _submit(fan, challenge, [], kept_image=hostile).status_code == 302
    assert db.session.get(Image, image.id).solution_id is not None


def test_decoding_uploads_leaves_the_write_lock_to_others(app, challenge, users, login, monkeypatch):
    # Six large PNGs took seconds to decode inside the post's write lock: every other write on
    # the site waited, and failed with a 503 after 10 s.
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's database-wide write lock")
    from forum.media import images as image_module

    others = []
    real = image_module.clean_image

    def clean_while_another_writes(data):
        path = db.engine.url.database
        with sqlite3.connect(path, timeout=0.2) as other:
            other.execute("BEGIN IMMEDIATE")  # what any other writer's unit of work does first
            other.rollback()
        others.append("wrote")
        return real(data)

    monkeypatch.setattr("forum.media.services.clean_image", clean_while_another_writes)
    answer = _submit(login(users["fan"]), challenge, [("a.png", picture()), ("b.png", picture())])
    assert answer.status_code == 302 and others == ["wrote", "wrote"]


def test_a_jpeg_with_more_pictures_inside_is_kept_as_its_first(app, challenge, users, login):
    # MPF (Pillow's MPO), as phones write depth maps and HDR gain maps.
    out = io.BytesIO()
    first, second = PILImage.new("RGB", (64, 48), (10, 200, 10)), PILImage.new("RGB", (64, 48), (0, 0, 0))
    first.save(out, format="MPO", save_all=True, append_images=[second])
    assert PILImage.open(io.BytesIO(out.getvalue())).format == "MPO"
    assert _submit(login(users["fan"]), challenge, [("photo.jpg", out.getvalue())]).status_code == 302
    image = db.session.execute(db.select(Image)).scalar_one()
    assert image.content_type == "image/jpeg"


def test_a_refusal_names_the_file_and_the_limit(app, challenge, users, login):
    fan = login(users["fan"])
    files = [("fine.png", picture()), ("broken.jpg", picture("JPEG")[:200])]
    page = _submit(fan, challenge, files).get_data(as_text=True)
    assert "broken.jpg: It is not a PNG, JPEG, WebP or GIF image, or the file is damaged." in page
    big = picture("PNG", size=(6001, 4000), mode="1")
    page = _submit(fan, challenge, [("poster.png", big)]).get_data(as_text=True)
    assert "poster.png: That image has too many pixels: a PNG may have 24 megapixels at most." in page


def test_pictures_wait_for_a_free_decoding_slot_and_are_refused_when_none_frees(app, challenge, users, login):
    import fcntl

    from forum.media import slots

    app.config.update(UPLOAD_DECODE_SLOTS=2, UPLOAD_DECODE_WAIT_SECONDS=0.3)
    try:
        # Two other workers decoding: both slots taken (by this process, as another would).
        held = [os.open(os.path.join(slots.folder(app), f"{n}.lock"), os.O_CREAT | os.O_RDWR) for n in range(2)]
        for handle in held:
            fcntl.flock(handle, fcntl.LOCK_EX)
        fan = login(users["fan"])
        page = _submit(fan, challenge, [("a.png", picture())], body="Kept while busy.").get_data(as_text=True)
        assert "Many pictures are being processed right now." in page and "Kept while busy." in page
        assert db.session.execute(db.select(Image)).first() is None
        fcntl.flock(held[1], fcntl.LOCK_UN)  # one finishes
        assert _submit(fan, challenge, [("a.png", picture())]).status_code == 302
    finally:
        for handle in held:
            os.close(handle)
        app.config.update(UPLOAD_DECODE_SLOTS=None, UPLOAD_DECODE_WAIT_SECONDS=2)


def test_uploads_attached_to_nothing_for_a_day_are_deleted_with_their_files(app, challenge, users, login):
    from datetime import timedelta

    from sqlalchemy import update

    from forum.clock import utcnow
    from forum.media import services as media

    fan = login(users["fan"])
    _submit(fan, challenge, [("left.png", picture())], title="")  # refused: the upload is kept for the form
    _submit(fan, challenge, [("used.png", picture())])  # attached to the solution
    left, used = db.session.execute(db.select(Image).order_by(Image.id)).scalars().all()
    assert left.solution_id is None and used.solution_id is not None
    files = [os.path.join(media.upload_dir(), name) for name in (left.name, left.thumb_name)]
    assert all(os.path.exists(path) for path in files)
    assert media.forget_abandoned() == 0  # kept for a day: the fan may still send the form again
    day_ago = utcnow() - timedelta(days=1, minutes=1)
    factories.door(lambda: db.session.execute(update(Image).values(created=day_ago)))
    assert media.forget_abandoned() == 1
    assert [image.id for image in db.session.execute(db.select(Image)).scalars()] == [used.id]
    assert not any(os.path.exists(path) for path in files)
    assert os.path.exists(os.path.join(media.upload_dir(), used.name))


def test_a_form_past_the_size_limit_gets_a_page_that_says_so(make_app, app, challenge, users):
    small = make_app(MAX_CONTENT_LENGTH=1024 * 1024)
    client = small.test_client()
    client.post("/login", data={"login": users["fan"].username, "password": factories.PASSWORD})
    big = [("big.png", os.urandom(1024 * 1024 + 1))]
    response = _submit(client, challenge, big)
    page = response.get_data(as_text=True)
    assert response.status_code == 413 and "A form may carry 1 MB in all" in page


def test_a_large_progressive_jpeg_is_refused_and_a_long_strip_is_decoded_small(app, challenge, users, login):
    fan = login(users["fan"])
    out = io.BytesIO()
    PILImage.new("CMYK", (4000, 4000)).save(out, format="JPEG", progressive=True, subsampling=0)
    page = _submit(fan, challenge, [("scan.jpg", out.getvalue())]).get_data(as_text=True)
    assert "scan.jpg: That image has too many pixels: a progressive JPEG may have 12 megapixels at most." in page
    strip = io.BytesIO()
    PILImage.new("RGB", (24000, 400), (10, 10, 200)).save(strip, format="JPEG")
    assert _submit(fan, challenge, [("panorama.jpg", strip.getvalue())]).status_code == 302
    stored = db.session.execute(db.select(Image)).scalar_one()
    assert (stored.width, stored.height) == (24000, 400)  # the size as uploaded; stored at 2400 wide
    from forum.media import images

    decoded, _size = images._open(strip.getvalue())
    assert decoded.size == (3000, 50)  # decoded at 1/8 (it was decoded whole: 24000x400)


def test_a_sixteen_bit_grey_png_is_stored_as_eight_bit_grey(app, challenge, users, login):
    out = io.BytesIO()
    PILImage.new("I;16", (1920, 1080), 300 * 256).save(out, format="PNG")
    assert _submit(login(users["fan"]), challenge, [("scan.png", out.getvalue())]).status_code == 302
    image = db.session.execute(db.select(Image)).scalar_one()
    assert (image.width, image.height) == (1920, 1080) and image.content_type == "image/png"


def test_an_edit_with_no_room_for_more_pictures_is_refused_before_decoding(app, challenge, users, login, monkeypatch):
    from forum.media import images

    fan = login(users["fan"])
    assert _submit(fan, challenge, [(f"{n}.png", picture()) for n in range(6)]).status_code == 302
    idea = db.session.execute(db.select(Solution)).scalar_one()
    decoded = []
    real = images.clean_image
    monkeypatch.setattr("forum.media.services.clean_image", lambda data: decoded.append(1) or real(data))
    form = {"title": "Edited", "body": "One more picture.", "images": [(io.BytesIO(picture()), "7.png")]}
    page = fan.post(f"/solutions/{idea.id}/edit", data=form, content_type="multipart/form-data")
    assert "Attach at most 6 images." in page.get_data(as_text=True)
    assert decoded == [] and db.session.execute(db.select(db.func.count()).select_from(Image)).scalar() == 6


def test_a_refused_picture_costs_only_itself_the_good_ones_are_kept(app, challenge, users, login):
    fan = login(users["fan"])
    files = [("fake.jpg", b"not a picture at all"), ("real.png", picture())]
    response = _submit(fan, challenge, files)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "fake.jpg: It is not a PNG, JPEG, WebP or GIF image" in page
    assert db.session.execute(db.select(Solution)).first() is None  # refused: the fan sees why first
    kept = kept_references(page)
    assert len(kept) == 1 and db.session.execute(db.select(Image)).scalar_one()
    assert _submit(fan, challenge, [], kept_image=kept).status_code == 302
    assert len(db.session.execute(db.select(Solution)).scalar_one().images) == 1
