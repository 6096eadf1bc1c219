"""Solution rules: submitting, editing with history, tags, listing."""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from forum import languages
from forum.audit import record_action
from forum.challenges.models import Challenge
from forum.clock import utcnow
from forum.database import get_or_raise, increment, sql_int
from forum.errors import NotFound, RuleBroken
from forum.extensions import db
from forum.media import services as media
from forum.media.services import IMAGES_MAX
from forum.moderation.services import initial_visibility
from forum.notifications.services import notify
from forum.paging import keyset_page
from forum.permissions import (
    can_edit_solution,
    can_see,
    edit_needs_note,
    is_admin,
    is_member,
    is_staff,
    require,
    submission_refusal,
    visible_to,
)
from forum.solutions import follows, mentions
from forum.solutions.models import STATUSES, Solution, SolutionRevision, Tag
from forum.solutions.ranking import hot_score
from forum.solutions.votes import STAKE
from forum.validation import checked_markdown, checked_text
from forum.webhooks import events as webhooks

TITLE_MAX = 200
BODY_MAX = 20_000
TAGS_MAX = 8
TAG_MAX = 30
NOTE_MAX = 500
PAGE_SIZE = 20
TAG_PATTERN = re.compile(r"^[\w-]{1,30}$")


def get_solution(solution_id, options=()):
    """Raises NotFound."""
    return get_or_raise(Solution, options, id=solution_id)


def get_solution_for(viewer, solution_id, with_challenge=False, with_page=False):
    """The solution if the viewer may see it; hidden ones are NotFound to others. With its
    challenge loaded in the same query for callers that read it (a vote checks its phase), and
    for its page the challenge's community and the author too."""
    if with_page:
        options = [joinedload(Solution.challenge).joinedload(Challenge.community), joinedload(Solution.author)]
    else:
        options = [joinedload(Solution.challenge)] if with_challenge else []
    solution = get_solution(solution_id, options)
    if not can_see(viewer, solution):
        raise NotFound(Solution.not_found_message)
    return solution


def list_solutions(challenge, sort="hot", cursor=None, status=None, viewer=None):
    """A page of the challenge's solutions the viewer may see; raises RuleBroken for an unknown
    sort, status or cursor."""
    stmt = (
        db.select(Solution)
        .where(Solution.challenge_id == challenge.id)
        .options(joinedload(Solution.author), selectinload(Solution.tags), selectinload(Solution.images))
    )
    if not is_staff(viewer, challenge.community):
        stmt = stmt.where(visible_to(Solution, viewer))
    if status:
        if status not in STATUSES:
            raise RuleBroken(_l("Unknown status."), field="status")
        stmt = stmt.where(Solution.status == status)
    return keyset_page(stmt, _sort_keys(sort), cursor, PAGE_SIZE)


def solutions_by(viewer, author, limit=50):
    """The author's solutions the viewer may see, newest first, with their challenges."""
    stmt = db.select(Solution).where(Solution.author_id == author.id).options(joinedload(Solution.challenge))
    if not is_admin(viewer) and not (is_member(viewer) and viewer.id == author.id):
        stmt = stmt.where(Solution.visibility == "public")
    return db.session.execute(stmt.order_by(Solution.id.desc()).limit(limit)).scalars().all()


def submit_solution(actor, challenge, title, body, tags="", image_ids=()):
    """Post a solution while the challenge takes submissions; the author follows it and its
    challenge's followers hear of it. Raises RuleBroken naming the field at fault."""
    refusal = submission_refusal(actor, challenge)
    if refusal:
        raise RuleBroken(refusal)
    now = utcnow()
    solution = Solution(
        challenge=challenge,
        community_id=challenge.community_id,
        author=actor,
        created=now,
        visibility=initial_visibility(actor, challenge.community),
    )
    solution.hot = hot_score(0, now)
    named = _apply(solution, title, body, tags)
    db.session.add(solution)
    db.session.flush()
    media.attach_images(actor, solution, _image_ids(image_ids))
    if solution.visibility == "public":  # a held one is counted when staff approve it
        increment(challenge, "solution_count")
    follows.add_follow(actor, solution)
    told = mentions.tell(named, solution, actor=actor, challenge=challenge, solution=solution)
    webhooks.emit(challenge.community_id, "solution.created", solution=solution.id)
    if solution.visibility == "public":
        followers = follows.follower_ids(challenge) - told
        notify(followers, "solution", actor=actor, challenge=challenge, solution=solution)
    return solution


def edit_solution(actor, solution, title, body, tags="", image_ids=(), note=""):
    """Change a solution, keeping the text it had. Raises Forbidden or RuleBroken.

    Free while nobody has voted for it; once someone has, the edit is public (the idea shows as
    edited, its history says after how many votes) and its voters and followers are told, so
    no one's vote quietly comes to mean something else. From the voting phase on only staff edit
    (can_edit_solution), and they say why (`note`, kept in the history)."""
    require(can_edit_solution(actor, solution), _l("You can no longer edit this solution."))
    noted = edit_needs_note(solution)
    before = {"title": solution.title, "body": solution.body}
    unchanged = _checked_title(title) == solution.title and _checked_body(body) == solution.body
    missing = _l("Say why you change an idea people are voting on.") if noted and not unchanged else None
    note = checked_text(note, "note", NOTE_MAX, missing) or None
    if unchanged:  # saved as it was: nothing for the history, the audit log or the voters
        _apply_tags(solution, tags)
    else:
        named_before = {user.id for user in mentions.members_named(solution.body).values()}
        db.session.add(
            SolutionRevision(
                solution_id=solution.id, editor_id=actor.id, votes=solution.vote_count, note=note, **before
            )
        )
        named = _apply(solution, title, body, tags)
        mentions.tell(
            named, solution, actor=actor, challenge=solution.challenge, solution=solution, before=named_before
        )
    after = {"title": solution.title, "body": solution.body}
    if after != before and actor.id != solution.author_id:
        record_action(
            actor, "solution.edit", solution, community=solution.challenge.community, before=before, after=after
        )
    media.attach_images(actor, solution, _image_ids(image_ids))
    if after != before:
        webhooks.emit(solution.community_id, "solution.updated", solution=solution.id)
    if after != before and (solution.vote_count or noted):
        solution.edited = utcnow()
        notify(
            None, "edited", actor=actor, challenge=solution.challenge, solution=solution, audience=(STAKE, solution.id)
        )
    return solution


def revisions(solution):
    stmt = (
        db.select(SolutionRevision)
        .where(SolutionRevision.solution_id == solution.id)
        .options(joinedload(SolutionRevision.editor))
        .order_by(SolutionRevision.id.desc())
    )
    return db.session.execute(stmt).scalars().all()


def parse_tags(raw):
    """Tags from a comma- or space-separated string: lowercased, unique, in the order given."""
    names = []
    for name in re.split(r"[,\s，、]+", raw or ""):
        name = name.strip().lstrip("#").casefold()
        if name and name not in names:
            names.append(name)
    return names


def _apply(solution, title, body, tags):
    title = _checked_title(title)
    body = _checked_body(body)
    names = _checked_tags(tags)
    solution.title = title
    solution.body = body
    solution.body_html, named = mentions.render(body)
    solution.lang = languages.detect(title, body)
    _set_tags(solution, names)
    return named  # the members its @names name


def _checked_title(title):
    return checked_text(title, "title", TITLE_MAX, _l("A title is required."))


def _checked_body(body):
    return checked_markdown(body, "body", BODY_MAX, _l("Describe your solution."))


def _checked_tags(tags):
    names = parse_tags(tags)
    if len(names) > TAGS_MAX:
        raise RuleBroken(_l("Use at most %(n)d tags.", n=TAGS_MAX), field="tags")
    if not all(TAG_PATTERN.match(name) for name in names):
        raise RuleBroken(_l("Tags are single words of up to 30 letters, digits or hyphens."), field="tags")
    return names


def _apply_tags(solution, tags):
    names = _checked_tags(tags)
    if names != [tag.name for tag in solution.tags]:
        _set_tags(solution, names)


def _set_tags(solution, names):
    # In the order the relationship loads them (by name), so what a door returns before its
    # commit reads the same as the row read back later.
    solution.tags = sorted(_tags(names), key=lambda tag: tag.name)


def _tags(names):
    if not names:
        return []
    existing = {t.name: t for t in db.session.execute(db.select(Tag).where(Tag.name.in_(names))).scalars()}
    return [existing.get(name) or _new_tag(name) for name in names]


def _new_tag(name):
    try:
        with db.session.begin_nested():
            tag = Tag(name=name)
            db.session.add(tag)
        return tag
    except IntegrityError:  # created by a concurrent request a moment ago
        return db.session.execute(db.select(Tag).filter_by(name=name)).scalar_one()


def _image_ids(image_ids):
    ids = [sql_int(image_id, minimum=1) for image_id in image_ids]
    if None in ids:  # not a number, or one no row could have
        raise RuleBroken(_l("That image upload is not valid."), field="images")
    ids = list(dict.fromkeys(ids))
    if len(ids) > IMAGES_MAX:
        raise RuleBroken(_l("Attach at most %(n)d images.", n=IMAGES_MAX), field="images")
    return ids


def _sort_keys(sort):
    if sort == "hot":
        return [Solution.hot, Solution.id]
    if sort == "top":
        return [Solution.vote_count, Solution.id]
    if sort == "new":
        return [Solution.id]
    raise RuleBroken(_l("Unknown sort order."), field="sort")
