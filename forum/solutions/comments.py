"""Comments on challenges and solutions, with one level of replies."""

from collections import defaultdict

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from forum import languages
from forum.audit import record_action
from forum.clock import utcnow
from forum.database import get_or_raise
from forum.errors import NotFound, RuleBroken
from forum.extensions import db
from forum.moderation.services import initial_visibility
from forum.notifications.services import notify
from forum.permissions import (
    can_delete_comment,
    can_edit_comment,
    can_see,
    comment_refusal,
    is_staff,
    require,
    visible_to,
)
from forum.points import services as points
from forum.solutions import counts, follows, mentions
from forum.solutions.models import Comment, Solution
from forum.validation import checked_markdown
from forum.webhooks import events as webhooks

BODY_MAX = 5_000
# Top-level comments a solution page shows at once (each with its replies).
THREAD_PAGE = 100


def get_comment(comment_id):
    """Raises NotFound."""
    return get_or_raise(Comment, id=comment_id)


def get_comment_for(viewer, comment_id):
    """The comment if the viewer may see it (and what it hangs on); else NotFound."""
    comment = get_comment(comment_id)
    hangs_on = [comment, comment.challenge] + ([comment.solution] if comment.solution_id else [])
    if not all(can_see(viewer, obj) for obj in hangs_on):
        raise NotFound(Comment.not_found_message)
    return comment


def thread(challenge, solution=None, viewer=None, after=None, limit=None):
    """Top-level comments the viewer may see, oldest first, each with its replies:
    [(comment, [reply, ...])]. With `limit`, at most that many top-level comments after the
    one with id `after`; `thread_page` says where the next page starts."""
    stmt = _visible(challenge, solution, viewer).where(Comment.parent_id.is_(None))
    if after:
        stmt = stmt.where(Comment.id > after)
    if limit:
        stmt = stmt.limit(limit)
    top = db.session.execute(stmt.options(joinedload(Comment.author)).order_by(Comment.id)).scalars().all()
    replies = defaultdict(list)
    if top:
        reply_stmt = _visible(challenge, solution, viewer).where(Comment.parent_id.in_([c.id for c in top]))
        for reply in db.session.execute(reply_stmt.options(joinedload(Comment.author)).order_by(Comment.id)).scalars():
            replies[reply.parent_id].append(reply)
    return [(c, replies[c.id]) for c in top]


def thread_page(challenge, solution, viewer, after=None, limit=None):
    """A page of the discussion, and the id to continue after (None on the last page): a solution
    with thousands of comments must not render them all at once."""
    limit = limit or THREAD_PAGE
    items = thread(challenge, solution, viewer, after=after, limit=limit + 1)
    if len(items) <= limit:
        return items, None
    return items[:limit], items[limit - 1][0].id


def _visible(challenge, solution, viewer):
    stmt = (
        db.select(Comment)
        .where(Comment.challenge_id == challenge.id)
        .where(Comment.solution_id == solution.id if solution is not None else Comment.solution_id.is_(None))
    )
    if not is_staff(viewer, challenge.community):
        stmt = stmt.where(visible_to(Comment, viewer))
    return stmt


def add_comment(actor, challenge, body, solution=None, parent=None):
    """Comment on a challenge or one of its solutions, or reply to a comment there.

    Replies to a reply join the thread of its parent (one level). The solution's author, the
    parent's author and the followers hear of it. Raises RuleBroken.
    """
    refusal = comment_refusal(actor, challenge, solution)
    if refusal:
        raise RuleBroken(refusal)
    if parent is not None:
        if parent.challenge_id != challenge.id or parent.solution_id != (solution.id if solution else None):
            raise RuleBroken(_l("That reply belongs to another discussion."), field="parent")
        if parent.parent_id is not None:
            parent = db.session.get(Comment, parent.parent_id)
    comment = Comment(
        challenge_id=challenge.id,
        solution_id=solution.id if solution is not None else None,
        parent_id=parent.id if parent is not None else None,
        author_id=actor.id,
        body=_checked(body),
        visibility=initial_visibility(actor, challenge.community),
    )
    comment.body_html, named = mentions.render(comment.body)
    comment.lang = languages.detect(markdown=comment.body)
    db.session.add(comment)
    db.session.flush()
    if counts.comment_counted(comment):  # a held one is counted when staff approve it
        counts.count_comment(comment, +1)
    if solution is not None:
        points.resync(solution)
    target = solution if solution is not None else challenge
    follows.add_follow(actor, target)
    webhooks.emit(challenge.community_id, "comment.created", comment=comment.id)
    if comment.visibility != "public":
        return comment
    # Each member hears of it once, by the closest tie: named in it, replied to, or following.
    told = mentions.tell(named, comment, actor=actor, challenge=challenge, solution=solution, comment=comment)
    replied_to = {parent.author_id} - told if parent is not None else set()
    if replied_to:
        notify(replied_to, "reply", actor=actor, challenge=challenge, solution=solution, comment=comment)
    others = (follows.follower_ids(target) | {target.author_id}) - replied_to - told
    notify(others, "comment", actor=actor, challenge=challenge, solution=solution, comment=comment)
    return comment


def edit_comment(actor, comment, body):
    """Authors may edit for 15 minutes. Raises Forbidden or RuleBroken."""
    require(can_edit_comment(actor, comment), _l("This comment can no longer be edited."))
    before = comment.body
    body = _checked(body)
    if body == before:
        return  # saved as it was: not edited
    comment.body = body
    if actor.id != comment.author_id:
        record_action(
            actor,
            "comment.edit",
            comment,
            community=comment.challenge.community,
            before={"body": before},
            after={"body": comment.body},
        )
    comment.body_html, named = mentions.render(comment.body)
    comment.lang = languages.detect(markdown=comment.body)
    comment.edited = utcnow()
    solution = db.session.get(Solution, comment.solution_id) if comment.solution_id else None
    already = {user.id for user in mentions.members_named(before).values()}
    mentions.tell(
        named, comment, actor=actor, challenge=comment.challenge, solution=solution, comment=comment, before=already
    )


def delete_comment(actor, comment):
    """Remove a comment's text, keeping its place in the thread ("removed"). Raises Forbidden."""
    require(can_delete_comment(actor, comment))
    counted = counts.comment_counted(comment)  # a hidden one left the count when it was hidden
    comment.deleted = True
    comment.body = ""
    comment.body_html = ""
    comment.lang = None
    solution = db.session.get(Solution, comment.solution_id) if comment.solution_id else None
    if counted:
        counts.count_comment(comment, -1)
    if solution is not None:
        points.resync(solution)


def _checked(body):
    return checked_markdown(body, "body", BODY_MAX, _l("Write something first."))
