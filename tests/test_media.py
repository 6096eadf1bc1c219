"""Images: recognised by content, re-encoded without EXIF or GPS, limited, served safely."""

import io

import pytest
from PIL import Image as PILImage

from forum.extensions import db
from forum.media.models import Image
from forum.solutions.models import Solution
from tests import factories


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
    assert "Upload a PNG, JPEG, WebP or GIF image." in page and "My long text stays." in page
    assert db.session.execute(db.select(Solution)).first() is None
    assert db.session.execute(db.select(Image)).first() is None


def test_too_many_pixels_and_too_many_images(app, challenge, users, login):
    fan = login(users["fan"])
    huge = picture("PNG", size=(8000, 6000), mode="1")
    assert "too many pixels" in _submit(fan, challenge, [("huge.png", huge)]).get_data(as_text=True)
    seven = [(f"{n}.png", picture()) for n in range(7)]
    assert "Attach at most 6 images." in _submit(fan, challenge, seven).get_data(as_text=True)


def test_a_failed_submit_keeps_the_uploaded_images(app, challenge, users, login):
    fan = login(users["fan"])
    response = _submit(fan, challenge, [("a.png", picture()), ("b.gif", picture("GIF"))], title="")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Images already uploaded" in page
    kept = page.split('name="image_ids" type="hidden" value="')[1].split('"')[0]
    assert len(kept.split(",")) == 2
    assert _submit(fan, challenge, [], image_ids=kept).status_code == 302
    solution = db.session.execute(db.select(Solution)).scalar_one()
    assert len(solution.images) == 2


def test_uploads_are_kept_when_the_service_refuses_the_rest_of_the_form(app, challenge, users, login):
    fan = login(users["fan"])
    tags = " ".join(f"tag{n}" for n in range(9))  # one more than allowed: refused by the service
    response = _submit(fan, challenge, [("a.png", picture())], tags=tags)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Use at most 8 tags." in page and "Images already uploaded" in page
    kept = page.split('name="image_ids" type="hidden" value="')[1].split('"')[0]
    assert db.session.get(Image, int(kept)) is not None
    assert db.session.execute(db.select(Solution)).first() is None


def test_nobody_can_attach_someone_elses_upload(app, challenge, users, login):
    fan = login(users["fan"])
    _submit(fan, challenge, [("a.png", picture())], title="")
    image = db.session.execute(db.select(Image)).scalar_one()
    thief = login(users["product"])
    assert _submit(thief, challenge, [], image_ids=str(image.id)).status_code == 302
    assert db.session.get(Image, image.id).solution_id is None


def test_media_names_are_checked(client):
    assert client.get("/media/..%2Finstance%2Fsecret_key").status_code == 404
    assert client.get("/media/missing.exe").status_code == 404
    assert client.get("/media/missing.png").status_code == 404
