"""Rate limits hold across gunicorn's worker processes, with the forum served as `make run` serves it.

Each request goes on a connection of its own, so the four workers share the work; with counters
kept per worker (COCREATE_RATELIMIT_STORAGE_URI=memory://) these tests fail.
"""

from tests.served import PASSWORD, served_fixture

WORKERS = 4
WRONG = "not the password"

forum = served_fixture(workers=WORKERS)


def _checked(statuses):
    """How many attempts the forum answered rather than refused; only 200 and 429 may appear."""
    assert set(statuses) <= {200, 429}, statuses
    return statuses.count(200)


def test_thirty_wrong_passwords_for_one_account_from_thirty_addresses_are_checked_ten_times(forum):
    forum.create_user("target")
    statuses = [forum.browser(f"127.0.0.{n + 2}").log_in("target", WRONG).status for n in range(30)]
    assert _checked(statuses) == 10, statuses
    assert statuses[10:] == [429] * 20


def test_thirty_wrong_passwords_from_one_address_are_checked_ten_times(forum):
    browser = forum.browser("127.0.1.1")
    statuses = [browser.log_in(f"guess{n}", WRONG).status for n in range(30)]
    assert _checked(statuses) == 10, statuses


def test_twenty_comments_by_one_fan_store_ten(forum):
    forum.create_user("lin", role="admin")
    forum.create_user("commenter")
    admin = forum.create_token("lin")
    assert forum.api("POST", "/communities", {"slug": "haier", "name": "Haier"}, admin).status == 201
    challenge = forum.api("POST", "/communities/haier/challenges", {"title": "Drum smells", "body": "Why?"}, admin)
    assert challenge.status == 201, challenge.text
    fan = forum.browser("127.0.2.1")
    assert fan.log_in("commenter", PASSWORD).status == 302

    path = f"/challenges/{challenge.json()['id']}/comments"
    statuses = [fan.post(path, {"body": f"Comment number {n}"}).status for n in range(20)]

    assert set(statuses) <= {302, 429}, statuses
    assert statuses.count(302) == 10, statuses
    (stored,) = forum.query(
        "SELECT count(*) FROM comment JOIN user_account ON user_account.id = comment.author_id"
        " WHERE user_account.username = :name",
        name="commenter",
    )[0]
    assert stored == 10
