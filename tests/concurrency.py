"""Worker functions for the multi-process tests; importable by spawned processes."""

from sqlalchemy.exc import OperationalError


def increment_description(database_uri, community_id, times):
    """Read a community's counter and write it back plus one, `times` times; return the failures."""
    from forum import create_app
    from forum.communities.models import Community
    from forum.extensions import db
    from forum.transaction import unit_of_work

    app = create_app(
        {"SECRET_KEY": "x" * 64, "SQLALCHEMY_DATABASE_URI": database_uri, "LOG_REQUESTS": False, "JOBS_IMMEDIATE": True}
    )
    failures = 0
    for _ in range(times):
        with app.test_request_context("/", method="POST"):
            try:
                with unit_of_work():
                    community = db.session.get(Community, community_id)
                    community.description = str(int(community.description) + 1)
            except OperationalError:
                failures += 1
    return failures


def post_and_index(database_uri, index_dir, challenge_id, author_id, label, count):
    """Post solutions and drain the search queue after each, as a worker process would."""
    from forum import create_app
    from forum.accounts.models import User
    from forum.challenges.models import Challenge
    from forum.extensions import db
    from forum.search import queue
    from forum.solutions.services import submit_solution
    from forum.transaction import unit_of_work
    from tests.conftest import SEARCH_BACKEND

    app = create_app(
        {
            "SECRET_KEY": "x" * 64,
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "SEARCH_BACKEND": SEARCH_BACKEND,
            "SEARCH_INDEX_DIR": index_dir,
            "LOG_REQUESTS": False,
            "JOBS_IMMEDIATE": True,
        }
    )
    with app.app_context():
        for n in range(count):
            with unit_of_work():
                author = db.session.get(User, author_id)
                challenge = db.session.get(Challenge, challenge_id)
                submit_solution(author, challenge, f"{label} parallel idea {n}", f"parallel body {label} {n}")
            queue.drain()
