"""seed-bench: a consistent generated forum (counts on rows match the rows counted)."""

from forum.challenges.models import Challenge
from forum.extensions import db
from forum.solutions.models import Comment, Solution, Vote


def test_seed_bench_writes_consistent_counts(app, runner):
    args = ["seed-bench", "--communities", "2", "--challenges", "5", "--solutions", "60", "--votes", "400",
            "--comments", "90", "--users", "50", "--no-index"]  # fmt: skip
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output

    def count(model, **where):
        return db.session.execute(db.select(db.func.count()).select_from(model).filter_by(**where)).scalar()

    assert count(Solution) == 60 and count(Vote) == 400 and count(Comment) == 90 and count(Challenge) == 5
    for solution in db.session.execute(db.select(Solution)).scalars():
        assert solution.vote_count == count(Vote, solution_id=solution.id)
        assert solution.comment_count == count(Comment, solution_id=solution.id)
    for challenge in db.session.execute(db.select(Challenge)).scalars():
        assert challenge.solution_count == count(Solution, challenge_id=challenge.id)
        assert challenge.vote_count == count(Vote, challenge_id=challenge.id)
    texts = " ".join(db.session.execute(db.select(Solution.body)).scalars())
    assert any("\u4e00" <= ch <= "\u9fff" for ch in texts), "Chinese text"
    assert any(word in texts for word in ("drum", "battery", "camera", "router", "filter")), "English text"
