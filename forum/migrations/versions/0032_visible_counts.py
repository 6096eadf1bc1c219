"""counts on rows leave out what fans cannot see: hidden comments and hidden solutions are no
longer counted in a solution's comments or a challenge's solutions, recounted for what exists

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-02 07:25:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


challenge = sa.table(
    "challenge", sa.column("id"), sa.column("solution_count"), sa.column("vote_count"), sa.column("comment_count")
)
solution = sa.table(
    "solution", sa.column("id"), sa.column("challenge_id"), sa.column("visibility"), sa.column("comment_count")
)
comment = sa.table(
    "comment",
    sa.column("id"),
    sa.column("challenge_id"),
    sa.column("solution_id"),
    sa.column("parent_id"),
    sa.column("visibility"),
    sa.column("deleted", sa.Boolean),
)
vote = sa.table("vote", sa.column("solution_id"), sa.column("challenge_id"))


def upgrade():
    """Recount from the rows what fans see (forum.solutions.counts): public comments not removed,
    a reply only under a public comment; public solutions and the votes on them."""
    parent = comment.alias("parent")
    shown = (
        (comment.c.visibility == "public")
        & (comment.c.deleted == sa.false())
        & (
            comment.c.parent_id.is_(None)
            | sa.exists().where(parent.c.id == comment.c.parent_id, parent.c.visibility == "public")
        )
    )
    _recount(shown, solution.c.visibility == "public", solution.c.visibility == "public")


def downgrade():
    """Back to counting every comment not removed, every solution and every vote."""
    _recount(comment.c.deleted == sa.false(), sa.true(), None)


def _recount(comment_shown, solution_shown, voted_shown):
    def count(*where, table=None):
        return sa.select(sa.func.count()).select_from(table).where(*where).scalar_subquery()

    op.execute(
        solution.update().values(
            comment_count=count(comment.c.solution_id == solution.c.id, comment_shown, table=comment)
        )
    )
    votes = vote.join(solution, solution.c.id == vote.c.solution_id) if voted_shown is not None else vote
    op.execute(
        challenge.update().values(
            comment_count=count(
                comment.c.challenge_id == challenge.c.id, comment.c.solution_id.is_(None), comment_shown, table=comment
            ),
            solution_count=count(solution.c.challenge_id == challenge.c.id, solution_shown, table=solution),
            vote_count=count(
                vote.c.challenge_id == challenge.c.id,
                *((voted_shown,) if voted_shown is not None else ()),
                table=votes,
            ),
        )
    )
