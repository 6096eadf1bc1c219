"""The language of what members write: told from its script when saved (and for older posts by
the migration), and marked with lang= wherever it is shown on a page in the other language."""

import os
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from forum import languages
from forum.challenges import services as challenges
from forum.clock import utcnow
from forum.communities import services as communities
from forum.extensions import db
from forum.moderation import services as moderation
from forum.review import prototypes, releases, scoring, status
from forum.solutions import comments
from forum.solutions import services as solutions
from tests import factories

CHINESE_IDEA = ("每次洗涤后用高温蒸汽冲洗夹层", "在外桶顶部加一圈蒸汽喷嘴，每次洗涤结束后自动喷 90℃ 蒸汽 2 分钟。")
ENGLISH_IDEA = ("A removable inner drum you can rinse", "Make the inner drum lift out like a salad spinner basket.")


# -- detection ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plain", "markdown", "expected"),
    [
        ("取消夹层：单桶免清洗结构", "既然污垢藏在内外桶之间，那就不要夹层。", "zh-Hans"),
        ("UV-C LEDs in the door seal", "Put a ring of **UV-C LEDs** behind the door gasket.", "en"),
        # A few words of the other script do not change the language of a sentence.
        ("", "好问题。密封圈用耐高温的 EPDM 材料就可以。", "zh-Hans"),
        ("希望小米 HyperOS 支持合并通知", "", "zh-Hans"),
        ("", "I love the 蒸汽 idea, it is simple.", "en"),
        # Both at length: undetermined, the page's language stands.
        ("洗衣机二次污染：怎样让内外桶之间永远干净？ Secondary pollution: keep the drum clean", "", None),
        ("", "洗干净的衣服又被弄脏了，怎么办？\n\nClean laundry comes out soiled again. What can we do?", None),
        # Code, addresses, link targets and @names are not what a reader reads.
        (
            "",
            "用这个脚本清洗：\n\n```python\nfor drum in machine.drums:\n    drum.rinse(temperature=90)\n```",
            "zh-Hans",
        ),
        ("", "Run it like `清洗程序 --高温` and it works.", "en"),
        ("", "看这里 https://example.com/a-very-long-english-looking-path-name 就行", "zh-Hans"),
        ("", "[说明书](https://example.com/the-manual-in-english) 里有 @maker_anna 的方案", "zh-Hans"),
        ("", "See <b>这个</b> `代码` and the manual.", "en"),
        # Nothing to tell, or another language than the forum's two.
        ("", "", None),
        (None, None, None),
        ("123 456", "!!! --- 42", None),
        ("", "```\n只有代码\n```", None),
        ("こんにちは、洗濯機の話です", "", None),
        ("Привет, как дела", "", None),
    ],
)
def test_detection(plain, markdown, expected):
    assert languages.detect(plain, markdown) == expected


def test_the_attribute_is_written_only_when_the_text_differs_from_the_page():
    assert languages.attribute("zh-Hans", "en") == ' lang="zh-Hans"'
    assert languages.attribute("en", "zh-Hans") == ' lang="en"'
    assert languages.attribute("zh-Hans", "zh-Hans") == ""
    assert languages.attribute("en", "en") == ""
    assert languages.attribute(None, "en") == ""


# -- set when saved, through the services -----------------------------------------------------


def test_set_on_create_and_edit_of_each_kind(app, community, users):
    staff, fan = users["staff"], users["fan"]
    challenge = factories.challenge(fan, community, title="洗完衣服有异味", body="夹层里藏着脏东西。")
    assert challenge.lang == "zh-Hans"
    factories.door(challenges.update_challenge, fan, challenge, "Laundry smells", "Dirt hides between the drums.")
    assert challenge.lang == "en"

    idea = factories.solution(fan, challenge, *CHINESE_IDEA)
    assert idea.lang == "zh-Hans"
    factories.door(solutions.edit_solution, fan, idea, *ENGLISH_IDEA)
    assert idea.lang == "en"

    comment = factories.door(comments.add_comment, fan, challenge, "蒸汽会不会让密封圈老化？", solution=idea)
    assert comment.lang == "zh-Hans"
    factories.door(comments.edit_comment, fan, comment, "Would steam age the door seal?")
    assert comment.lang == "en"
    factories.door(comments.delete_comment, fan, comment)
    assert comment.lang is None  # "removed" is said in the reader's language

    # The fixture's community is named in both languages: undetermined.
    assert community.lang is None
    factories.door(communities.update_community, users["admin"], community, "海尔洗衣机", "海尔的洗衣机社区。")
    assert community.lang == "zh-Hans"
    other = factories.community(slug="phones", name="Phones", description="Phones **we** love.")
    assert other.lang == "en"

    change = factories.door(status.change_status, staff, idea, "shortlisted", "想法很好，进入评审。")
    assert change.lang == "zh-Hans"
    prototype = factories.door(prototypes.promote, staff, idea, [staff])
    update = factories.door(prototypes.post_update, staff, prototype, "Workshop held with the makers.")
    assert update.lang == "en"
    release = factories.door(
        releases.publish, staff, community, "HyperOS 2.1.5", _today(), "本次更新修复了通知问题。", [idea.id]
    )
    assert release.lang == "zh-Hans"  # from its notes: the version is a product's name


def _today():
    return utcnow().date()


# -- the migration fills in what was written before ---------------------------------------------


@pytest.mark.skipif(bool(os.environ.get("COCREATE_TEST_DATABASE_URL")), reason="a scratch SQLite database")
def test_the_migration_marks_older_posts(make_app, tmp_path):
    import sqlite3

    from flask_migrate import downgrade as migrate_downgrade
    from flask_migrate import upgrade as migrate_upgrade

    path = tmp_path / "lang.db"
    scratch = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with scratch.app_context():
        migrate_upgrade(revision="0028")
        raw = sqlite3.connect(path)
        _insert(raw, "user_account", id=1)
        _insert(raw, "community", id=1, slug="c", name="Washers", description="海尔的洗衣机社区，欢迎大家。")
        _insert(raw, "challenge", id=1, community_id=1, title="洗完衣服有异味", body="夹层里藏着脏东西。")
        ideas = [("每次洗涤后用蒸汽冲洗", "蒸汽很省水。"), ("A window into the gap", "Seeing is believing.")]
        ideas += [("Mixed 混合", "")] + [(f"Idea number {n}", "") for n in range(2500)]  # several batches
        raw.executemany(
            "INSERT INTO solution (challenge_id, community_id, title, body, body_html, status, vote_count, "
            "comment_count, follower_count, hot, visibility, locked, created, updated) "
            "VALUES (1, 1, ?, ?, '', 'open', 0, 0, 0, 0, 'public', 0, '2026-11-01', '2026-11-01')",
            ideas,
        )
        _insert(raw, "comment", id=1, challenge_id=1, body="Love this. How heavy is it?", deleted=0)
        _insert(raw, "comment", id=2, challenge_id=1, body="", deleted=1)
        raw.commit()
        raw.close()
        migrate_upgrade(revision="0029")
        with db.engine.connect() as conn:
            langs = [row[0] for row in conn.execute(db.text("SELECT lang FROM solution ORDER BY id"))]
            rest = [
                conn.execute(db.text(f"SELECT lang FROM {table} ORDER BY id")).scalars().all()  # noqa: S608
                for table in ("community", "challenge", "comment")
            ]
        assert langs[:3] == ["zh-Hans", "en", None] and set(langs[3:]) == {"en"}
        assert rest == [["zh-Hans"], ["zh-Hans"], ["en", None]]
        migrate_downgrade(revision="0028")
        with db.engine.connect() as conn:  # going back down keeps every post
            count = "SELECT count(*) FROM {}"
            kept = [conn.execute(db.text(count.format(table))).scalar() for table in ("solution", "comment")]
        assert kept == [len(ideas), 2]
        db.engine.dispose()


def _insert(raw, table, **values):
    """A row with the values given, and a placeholder in every other column that needs one."""
    for _, name, kind, notnull, default, _pk in raw.execute(f"PRAGMA table_info({table})").fetchall():
        if notnull and default is None and name not in values and name != "id":
            values[name] = 0 if any(word in kind for word in ("INT", "BOOL", "FLOAT", "REAL")) else "x"
    names = ", ".join(values)
    raw.execute(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' for _ in values)})", list(values.values()))  # noqa: S608


# -- pages mark the text in the other language, and only that ----------------------------------


@pytest.fixture
def forum(app, community, users):
    """A campaign in Chinese with a Chinese and an English idea, comments in both, a status note,
    a prototype update and a release, a hidden idea and a notification quoting a title."""
    staff, fan = users["staff"], users["fan"]
    anna = factories.user("maker_anna")
    challenge = factories.challenge(staff, community, title="洗完衣服有异味", body="夹层里藏着脏东西，怎么办？")
    chinese = factories.solution(fan, challenge, *CHINESE_IDEA)
    english = factories.solution(anna, challenge, *ENGLISH_IDEA)
    spare = factories.solution(anna, challenge, "Drain the outer tub with a second pump", "A small pump.")
    factories.door(comments.add_comment, anna, challenge, "Love this. How heavy is a wet drum?", solution=chinese)
    factories.door(comments.add_comment, fan, challenge, "好问题，大约四公斤。", solution=chinese)
    factories.door(status.change_status, staff, english, "shortlisted", "A clever idea, on to review.")
    prototype = factories.door(prototypes.promote, staff, english, [staff])
    factories.door(prototypes.post_update, staff, prototype, "Workshop held with the makers.")
    factories.door(releases.publish, staff, community, "HyperOS 2.1.5", _today(), "Faster washing.", [english.id])
    factories.door(moderation.hide, staff, spare)
    starts = utcnow() + timedelta(days=7)
    factories.door(prototypes.create_event, staff, prototype, "样机试用会", starts, "青岛海尔工业园", 20)
    factories.door(scoring.add_staff_note, staff, english, "值得做成样机。")
    return {"challenge": challenge, "chinese": chinese, "english": english, "spare": spare, "anna": anna}


def _in_chinese(client):
    client.get("/language/zh_Hans")
    return client


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Languages(HTMLParser):
    """Each text node of a page with the nearest lang= around it."""

    def __init__(self):
        super().__init__()
        self.stack, self.texts = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            lang = dict(attrs).get("lang")
            self.stack.append((tag, lang if lang is not None else (self.stack[-1][1] if self.stack else None)))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if data.strip():
            self.texts.append((data.strip(), self.stack[-1][1] if self.stack else None))


def _lang_of(page, text):
    """The nearest lang= of the first text node of `page` that holds `text`."""
    parser = _Languages()
    parser.feed(page)
    found = [lang for data, lang in parser.texts if text in data]
    assert found, text
    return found[0]


def _marked(page, lang, text):
    return _lang_of(page, text) == lang


def test_the_challenge_page_marks_each_idea_in_the_other_language(app, forum, client):
    url = f"/challenges/{forum['challenge'].id}"
    english_ui = client.get(url).get_data(as_text=True)
    assert re.search(r'<h1 lang="zh-Hans">洗完衣服有异味</h1>', english_ui)
    assert re.search(r'<div class="user-text" lang="zh-Hans"><p>夹层里', english_ui)
    assert _marked(english_ui, "zh-Hans", CHINESE_IDEA[0])
    assert re.search(r"<h3><a [^>]*>" + re.escape(ENGLISH_IDEA[0]), english_ui)  # the page's own: unmarked
    assert 'lang="en"' not in english_ui.split("</head>", 1)[1]

    chinese_ui = _in_chinese(app.test_client()).get(url).get_data(as_text=True)
    assert re.search(r"<h1>洗完衣服有异味</h1>", chinese_ui)
    assert _marked(chinese_ui, "en", ENGLISH_IDEA[0]) and _marked(chinese_ui, "en", ENGLISH_IDEA[1])
    assert 'lang="zh-Hans">' not in chinese_ui.split("</head>", 1)[1]


def test_the_vote_buttons_words_mark_a_title_in_the_other_language(app, forum, login, users):
    """The button's name and the sentence after a vote hold the title: a screen reader reads a
    Chinese title in a Chinese voice in the English interface, before and after the vote."""
    chinese, english = forum["chinese"], forum["english"]
    anna = login(forum["anna"])
    page = anna.get(f"/challenges/{forum['challenge'].id}").get_data(as_text=True)
    named = re.search(rf'id="vote-{chinese.id}".*?data-vote-name>(.*?)</span>\s*</button>', page, re.S).group(1)
    assert named == f'Vote for <span lang="zh-Hans">{CHINESE_IDEA[0]}</span>, 0 votes'
    own = re.search(rf'id="vote-{english.id}".*?data-vote-name>(.*?)</span>\s*</button>', page, re.S).group(1)
    assert own == f"Vote for {ENGLISH_IDEA[0]}, 0 votes"  # the page's language: unmarked
    answer = anna.post(f"/solutions/{chinese.id}/vote", data={"action": "add"}, headers={"Accept": "application/json"})
    assert answer.json["name_html"] == f'Vote for <span lang="zh-Hans">{CHINESE_IDEA[0]}</span>, 1 vote'
    assert answer.json["said_html"].startswith(f'You voted for <span lang="zh-Hans">{CHINESE_IDEA[0]}</span>.')
    assert answer.json["name"] == f"Vote for {CHINESE_IDEA[0]}, 1 vote"
    visitor = app.test_client().get(f"/solutions/{chinese.id}").get_data(as_text=True)
    assert f'<span class="visually-hidden">Log in to vote for <span lang="zh-Hans">{CHINESE_IDEA[0]}</span>' in visitor


def test_the_solution_page_marks_its_text_comments_and_trail(app, forum, client):
    chinese, english = forum["chinese"], forum["english"]
    page = client.get(f"/solutions/{chinese.id}").get_data(as_text=True)
    assert re.search(r'<h1 lang="zh-Hans">' + CHINESE_IDEA[0], page)
    assert re.search(r'<div class="user-text" lang="zh-Hans"><p>好问题', page)
    assert re.search(r'<div class="user-text"><p>Love this', page)
    # The breadcrumb names the challenge in its language.
    assert re.search(r'<li lang="zh-Hans"><a href="/challenges/\d+">洗完衣服有异味', page)

    page = _in_chinese(app.test_client()).get(f"/solutions/{english.id}").get_data(as_text=True)
    assert re.search(r'<h1 lang="en">' + ENGLISH_IDEA[0], page)
    assert re.search(r'<div class="user-text" lang="en"><p>A clever idea', page)  # the status note
    assert re.search(r'<div class="user-text" lang="en"><p>Workshop held', page)  # the milestone
    assert re.search(r'<li><a href="/challenges/\d+">洗完衣服有异味', page)


def test_lists_search_profile_releases_and_notifications_mark_titles(app, forum, community, users, client, login):
    page = client.get(f"/u/{forum['anna'].username}").get_data(as_text=True)
    assert _marked(page, "en", ENGLISH_IDEA[0]) and f'"{ENGLISH_IDEA[0]}' not in page  # no lang of its own
    assert re.search(r'<span lang="zh-Hans">洗完衣服有异味</span>', page)  # the challenge it answers

    page = client.get(f"/u/{users['fan'].username}").get_data(as_text=True)
    assert _marked(page, "zh-Hans", CHINESE_IDEA[0]) and _marked(page, "zh-Hans", "好问题")

    chinese_client = _in_chinese(app.test_client())
    page = chinese_client.get(f"/c/{community.slug}/releases").get_data(as_text=True)
    assert _marked(page, "en", "Faster washing") and _marked(page, "en", ENGLISH_IDEA[0])

    page = client.get("/search?q=蒸汽").get_data(as_text=True)
    assert _marked(page, "zh-Hans", CHINESE_IDEA[0])
    page = chinese_client.get("/search?q=drum").get_data(as_text=True)
    assert _marked(page, "en", ENGLISH_IDEA[0])

    fan = login(users["fan"])  # named in no status change: the comment on their idea tells them
    page = fan.get("/notifications/").get_data(as_text=True)
    assert re.search(r'<span lang="zh-Hans">' + CHINESE_IDEA[0] + "</span>", page)


def test_staff_pages_mark_titles(app, forum, community, users, login):
    staff = login(users["staff"])
    challenge, chinese, english = forum["challenge"], forum["chinese"], forum["english"]
    page = staff.get(f"/challenges/{challenge.id}/board").get_data(as_text=True)
    assert _marked(page, "zh-Hans", CHINESE_IDEA[0]) and not _marked(page, "zh-Hans", ENGLISH_IDEA[0])

    page = staff.get(f"/solutions/{english.id}/merge?q=蒸汽").get_data(as_text=True)
    assert re.search(r'<strong lang="zh-Hans">' + CHINESE_IDEA[0], page)

    page = staff.get(f"/c/{community.slug}/moderation/hidden").get_data(as_text=True)
    assert re.search(r"<strong><a [^>]*>Drain the outer tub", page)  # the page's own language

    page = staff.get(f"/solutions/{english.id}").get_data(as_text=True)
    assert _marked(page, "zh-Hans", "样机试用会") and _marked(page, "zh-Hans", "青岛海尔工业园")
    assert _marked(page, "zh-Hans", "值得做成样机")  # a staff note

    staff.get("/language/zh_Hans")
    page = staff.get(f"/c/{community.slug}/moderation/hidden").get_data(as_text=True)
    assert _marked(page, "en", "Drain the outer tub") and _marked(page, "en", "A small pump")
    page = staff.get(f"/solutions/{chinese.id}/merge?q=drum").get_data(as_text=True)
    assert re.search(r'<strong lang="en">' + ENGLISH_IDEA[0], page)
