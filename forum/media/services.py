"""Image uploads: stored under random names once forum.media.images has re-encoded them, kept
for the form that comes back after an error, attached to what they illustrate. An upload still
attached to nothing a day later (a form given up) is deleted, file and row."""

import contextlib
import logging
import os
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from forum import jobs
from forum.clock import utcnow
from forum.database import get_or_raise, sql_ids
from forum.errors import NotFound, RuleBroken
from forum.extensions import db
from forum.media.images import clean_image
from forum.media.models import Image
from forum.media.slots import decode_slot
from forum.transaction import unit_of_work

MAX_BYTES = 8 * 1024 * 1024
IMAGES_MAX = 6  # per solution
# Deleted per transaction by the hourly sweep of abandoned uploads.
FORGET_BATCH = 500
# Signs the references a form that came back carries to the uploads it already stored.
REFERENCE_SALT = "media.kept-upload"

log = logging.getLogger(__name__)


def upload_dir():
    path = os.path.join(current_app.instance_path, "uploads")
    os.makedirs(path, exist_ok=True)
    return path


def save_upload(owner, stream):
    """Store an uploaded image for `owner`, not yet attached to anything.

    Raises RuleBroken (field `images`) for anything that is not a PNG, JPEG, WebP or GIF by
    content, or is too large; the file's name and declared type are never trusted.
    """
    with decode_slot():
        clean = _cleaned(stream)
    return _store(owner, clean)


def store_uploads(owner, files, room=IMAGES_MAX):
    """Check and store each uploaded file as an unattached image of `owner`. The door commits
    them at once (transaction.checkpoint), so that a form refused for another reason loses none
    of its uploads.

    Every file is decoded and written anew before the first row is added: a door that has just
    committed (checkpoint) holds no database lock meanwhile, and decoding six large pictures
    takes seconds that other writers would otherwise wait.

    Raises RuleBroken (field `images`) for the first file that is not an acceptable image;
    none of the files are kept then.
    """
    stored, refusals = store_valid_uploads(owner, files, room)
    if refusals:
        raise refusals[0]
    return stored


def store_valid_uploads(owner, files, room=IMAGES_MAX):
    """Like store_uploads, but a refused file costs only itself: the acceptable ones are stored
    all the same. Returns (the stored images, a RuleBroken per refused file, in order), so that a
    form refused for one fake picture does not make the fan choose the good ones again.

    Raises RuleBroken (field `images`) when there are more files than room, storing none."""
    files = [f for f in files or () if f and getattr(f, "filename", "")]
    # Before any decoding: an edit of an idea that has its six already was refused only after
    # its pictures had taken a decoding slot for seconds and been stored.
    if len(files) > min(room, IMAGES_MAX):
        raise RuleBroken(_l("Attach at most %(n)d images.", n=IMAGES_MAX), field="images")
    if not files:
        return [], []
    cleaned, refusals = [], []
    with decode_slot():
        for upload in files:
            try:
                cleaned.append(_named(upload.filename, upload.stream))
            except RuleBroken as error:
                refusals.append(error)
    return [_store(owner, clean) for clean in cleaned], refusals


def _named(filename, stream):
    """The cleaned upload; its refusal names the file, so a fan with six knows which one."""
    try:
        return _cleaned(stream)
    except RuleBroken as error:
        name = os.path.basename(filename.replace("\\", "/"))[:80]
        raise RuleBroken(_l("%(name)s: %(reason)s", name=name, reason=error.message), field="images") from None


def _cleaned(stream):
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise RuleBroken(_l("Images must be at most 8 MB."), field="images")
    return clean_image(data)


def _store(owner, clean):
    name = f"{secrets.token_urlsafe(18)}.{clean.extension}"
    thumb_name = f"{secrets.token_urlsafe(18)}.webp"
    directory = upload_dir()
    with open(os.path.join(directory, name), "wb") as f:
        f.write(clean.data)
    with open(os.path.join(directory, thumb_name), "wb") as f:
        f.write(clean.thumb)
    image = Image(
        owner_id=owner.id,
        name=name,
        thumb_name=thumb_name,
        content_type=clean.content_type,
        width=clean.width,
        height=clean.height,
        size=len(clean.data),
    )
    db.session.add(image)
    db.session.flush()
    return image


def attached_count(solution):
    return db.session.execute(
        db.select(db.func.count()).select_from(Image).where(Image.solution_id == solution.id)
    ).scalar()


def attach_cover(owner, challenge, image_id):
    """Make one of the owner's unattached uploads the challenge's cover."""
    try:
        image = get_or_raise(Image, id=image_id)
    except NotFound:
        image = None
    if image is None or image.owner_id != owner.id or image.solution_id is not None:
        raise RuleBroken(_l("That image upload is not valid."), field="cover")
    image.challenge_id = challenge.id


def attach_images(owner, solution, image_ids):
    """Attach the owner's unattached uploads to the solution, at most six in all."""
    image_ids = sql_ids(image_ids)  # an id no row can have would make the driver raise
    if not image_ids:
        return
    images = db.session.execute(db.select(Image).where(Image.id.in_(image_ids), *_unattached(owner))).scalars().all()
    current = db.session.execute(
        db.select(db.func.count()).select_from(Image).where(Image.solution_id == solution.id)
    ).scalar()
    if current + len(images) > IMAGES_MAX:
        raise RuleBroken(_l("Attach at most %(n)d images.", n=IMAGES_MAX), field="images")
    for image in images:
        image.solution_id = solution.id


def pending_images(owner, image_ids):
    """The owner's uploads not yet attached, for a form that comes back after an error."""
    image_ids = sql_ids(image_ids)
    if not image_ids:
        return []
    stmt = db.select(Image).where(Image.id.in_(image_ids), *_unattached(owner))
    return db.session.execute(stmt.order_by(Image.id)).scalars().all()


def _unattached(owner):
    """The owner's uploads attached to nothing yet: not an idea's, a milestone's or a cover."""
    return (
        Image.owner_id == owner.id,
        Image.solution_id.is_(None),
        Image.update_id.is_(None),
        Image.challenge_id.is_(None),
    )


def reference(owner, image):
    """A signed reference to the owner's stored upload, for a hidden field of a form that came
    back after an error: only the member who uploaded it can hand it back."""
    return _signer().dumps([owner.id, image.id])


def referenced_ids(owner, references):
    """The ids of the uploads `references` name that are signed for `owner`, in order, once each;
    anything forged, tampered with or signed for another member is left out, not refused."""
    ids = []
    for value in references or ():
        try:
            owner_id, image_id = _signer().loads(value or "")
        except (BadSignature, TypeError, ValueError):
            continue
        if owner_id == owner.id and isinstance(image_id, int) and image_id not in ids:
            ids.append(image_id)
    return ids


def _signer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=REFERENCE_SALT)


@jobs.job("media.forget_abandoned", schedule={"minute": "17"})
def forget_abandoned():
    """Delete uploads attached to nothing for UPLOAD_KEEP_SECONDS: each refused or abandoned
    form would otherwise leave its pictures on disk for good. Rows go first, in their own unit of
    work, then the files: a file left behind by a crash between the two is only unreferenced."""
    before = utcnow() - timedelta(seconds=current_app.config["UPLOAD_KEEP_SECONDS"])
    forgotten = 0
    while True:
        with unit_of_work():
            rows = db.session.execute(
                db.select(Image.id, Image.name, Image.thumb_name)
                .where(
                    Image.solution_id.is_(None),
                    Image.update_id.is_(None),
                    Image.challenge_id.is_(None),
                    Image.created < before,
                )
                .order_by(Image.id)
                .limit(FORGET_BATCH)
            ).all()
            if rows:
                db.session.execute(db.delete(Image).where(Image.id.in_([row.id for row in rows])))
        if not rows:
            break
        directory = upload_dir()
        for row in rows:
            for name in (row.name, row.thumb_name):
                with contextlib.suppress(FileNotFoundError):  # already gone: nothing to do
                    os.remove(os.path.join(directory, name))
        forgotten += len(rows)
    if forgotten:
        log.info("deleted %d uploads attached to nothing", forgotten)
    return forgotten
