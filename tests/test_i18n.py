"""Both languages: the choice (header switch, account, browser), the catalogs, dates."""

import os
import re
import subprocess
import sys

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from forum.accounts.models import User
from forum.extensions import db
from tests import factories, mail

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CATALOG = os.path.join(ROOT, "forum", "translations", "zh_Hans", "LC_MESSAGES")


def test_browser_language_decides_for_visitors(client, community):
    assert '<html lang="zh-Hans">' in client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(True)
    assert "社区" in client.get("/", headers={"Accept-Language": "zh-TW"}).get_data(True)
    english = client.get("/", headers={"Accept-Language": "fr-FR,en;q=0.5"}).get_data(True)
    assert '<html lang="en">' in english and "Communities" in english
    assert '<html lang="en">' in client.get("/").get_data(True)


def test_header_switch_is_remembered_and_beats_the_browser(client):
    response = client.get("/language/zh_Hans?next=/c/")
    assert response.status_code == 302 and response.headers["Location"] == "/c/"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=zh_Hans") and "HttpOnly" in cookie
    assert "<h1>社区</h1>" in client.get("/c/", headers={"Accept-Language": "en"}).get_data(True)
    client.get("/language/en")
    assert "<h1>Communities</h1>" in client.get("/c/", headers={"Accept-Language": "zh-CN"}).get_data(True)


def test_switch_refuses_unknown_languages_and_foreign_redirects(client):
    assert client.get("/language/xx").status_code == 404
    assert client.get("/language/en?next=//evil.example").headers["Location"] == "/"


def test_account_language_follows_the_user_to_a_new_device(app, login):
    user = factories.user("anna")
    client = login(user)
    response = client.post("/account/language", data={"lang-language": "zh_Hans"})
    assert response.status_code == 302
    new_device = login(user)
    assert "<h1>社区</h1>" in new_device.get("/c/", headers={"Accept-Language": "en"}).get_data(True)


def test_a_members_header_switch_is_a_form_that_saves_the_language_for_mail(app, login):
    user = factories.user("anna")
    client = login(user)
    header = client.get("/c/", headers={"Accept-Language": "en"}).get_data(True)
    assert 'action="/account/language/zh_Hans"' in header and "/language/zh_Hans?" not in header
    response = client.post("/account/language/zh_Hans", data={"next": "/c/"})
    assert response.status_code == 302 and response.headers["Location"] == "/c/"
    db.session.rollback()
    assert db.session.get(User, user.id).locale == "zh_Hans"  # what mail to the member speaks
    assert client.post("/account/language/zh_Hans", data={"next": "//evil.example"}).headers["Location"] == "/"
    assert client.post("/account/language/xx").status_code == 404
    assert 'href="/language/zh_Hans?' in app.test_client().get("/c/?x=1").get_data(True)  # visitors keep the link


def test_dates_follow_the_locale(app, client):
    factories.user("anna")
    english = client.get("/u/anna", headers={"Accept-Language": "en"}).get_data(True)
    chinese = client.get("/u/anna", headers={"Accept-Language": "zh-CN"}).get_data(True)
    assert "Member since" in english
    assert "年" in chinese and "加入" in chinese


def test_dates_are_the_readers_day_and_times_name_the_zone(app, community, users):
    """A comment written at 20:00 UTC on 20 December is from the 21st in Beijing: its date, its time
    and its zone follow the reader; <time datetime> stays UTC, in whole seconds."""
    from datetime import datetime

    from forum.solutions.models import Comment

    challenge = factories.challenge(users["staff"], community, title="Late-night laundry")
    solution = factories.solution(users["fan"], challenge)
    written = datetime(2026, 12, 20, 20, 0, 0, 654321)
    db.session.add(
        Comment(
            challenge_id=challenge.id,
            solution_id=solution.id,
            author_id=users["fan"].id,
            body="Hi",
            body_html="<p>Hi</p>",
            created=written,
        )
    )
    db.session.commit()
    reader = app.test_client()
    reader.set_cookie("tz", "Asia/Shanghai")
    page = reader.get(f"/solutions/{solution.id}", headers={"Accept-Language": "zh-CN"}).get_data(True)
    assert '<time datetime="2026-12-20T20:00:00Z"' in page
    assert "2026/12/21 04:00 (北京时间)" in page
    english = app.test_client().get(f"/solutions/{solution.id}", headers={"Accept-Language": "en"}).get_data(True)
    assert "12/20/26, 8:00\u202fPM UTC" in english


def test_form_validation_messages_are_translated(client):
    body = client.post("/register", data={"username": "ab"}, headers={"Accept-Language": "zh-CN"}).get_data(True)
    assert "字段长度必须介于 3 到 30 个字符之间" in body
    assert "该字段是必填字段" in body


def test_every_message_has_a_chinese_translation(tmp_path):
    """Extract the strings as `make translations` does; each must be translated in the catalog."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l", "-o", str(pot),
         "forum", "templates", "templates/_macros", "templates/_partials"],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with open(pot, "rb") as f:
        extracted = {m.id for m in read_po(f) if m.id}
    with open(os.path.join(CATALOG, "messages.po"), "rb") as f:
        catalog = {m.id: m.string for m in read_po(f) if m.id}
    missing = sorted(str(i) for i in extracted if not catalog.get(i))
    assert missing == [], "run `make translations` and translate these"


def _plain(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def test_compiled_catalog_matches_the_source():
    with open(os.path.join(CATALOG, "messages.po"), "rb") as f:
        source = {_plain(m.id): _plain(m.string) for m in read_po(f) if m.id and m.string}
    with open(os.path.join(CATALOG, "messages.mo"), "rb") as f:
        compiled = {_plain(m.id): _plain(m.string) for m in read_mo(f) if m.id}
    assert compiled == source, "run `make translations` to compile the catalog"


def test_registering_saves_only_a_language_the_visitor_picked(app, client):
    from forum.accounts.models import User
    from forum.extensions import db

    data = {"password": "long enough!", "confirm": "long enough!"}
    client.post("/register", data={**data, "username": "browser_en", "email": "a@example.com"})
    client.post(mail.link_in(mail.sent("a@example.com")[0], "/register/"))
    picker = app.test_client()
    picker.get("/language/zh_Hans")
    picker.post("/register", data={**data, "username": "picked_zh", "email": "b@example.com"})
    [chinese] = mail.sent("b@example.com")
    assert chinese.subject == "完成 Cocreate 注册"  # the mail speaks the language the visitor picked
    picker.post(mail.link_in(chinese, "/register/"))
    locales = dict(db.session.execute(db.select(User.username, User.locale)).all())
    assert locales == {"browser_en": None, "picked_zh": "zh_Hans"}


def test_a_mail_from_an_english_page_speaks_its_recipients_language(app, client):
    # The page's catalog is kept for the request; a mail rendered during it used to come out in
    # the page's language, not the recipient's.
    factories.user("米粉小王", email="wang@example.com", locale="zh_Hans")
    data = {"username": "someone", "email": "wang@example.com", "password": "long enough!", "confirm": "long enough!"}
    page = client.post("/register", data=data, headers={"Accept-Language": "en"})
    assert "We have sent a message" in page.get_data(as_text=True)  # the page in English
    [message] = mail.sent("wang@example.com")
    assert message.subject == "你已经有 Cocreate 账号了"


# One word for each thing (README.md, "Glossary for translators"): words the Chinese catalog must
# not use, and the word an English term must always become.
NOT_OURS = ("创意", "解决方案", "正式活动", "工作人员", "原型", "员工", "点子", "提案")
ALWAYS = {
    r"\bevents?\b": "线下活动",
    r"\bcampaigns?\b": "官方活动",
    r"\b(ideas?|solutions?)\b": "方案",
    r"\badmins?\b": "管理员",
    r"\bproduct team\b": "产品团队",
}


def test_the_chinese_catalog_says_one_word_for_each_thing():
    with open(os.path.join(CATALOG, "messages.po"), "rb") as f:
        catalog = [m for m in read_po(f) if m.id and not m.fuzzy and m.string]
    wrong = []
    for message in catalog:
        english = message.id[0] if isinstance(message.id, tuple) else message.id
        chinese = " ".join(message.string) if isinstance(message.string, tuple) else message.string
        wrong += [(english, chinese, word) for word in NOT_OURS if word in chinese]
        said = re.sub(r"%\(\w+\)\w|`[^`]*`", "", english)  # placeholders and code are not words
        wrong += [
            (english, chinese, zh) for term, zh in ALWAYS.items() if re.search(term, said, re.I) and zh not in chinese
        ]
    assert wrong == [], "see the glossary in README.md"


def test_a_members_saved_language_beats_an_old_header_cookie(app, login):
    user = factories.user("anna")
    client = login(user)
    client.get("/language/en")  # picked in this browser once, as a visitor would
    other_browser = login(user)
    other_browser.post("/account/language", data={"lang-language": "zh_Hans"})
    assert "<h1>社区</h1>" in client.get("/c/", headers={"Accept-Language": "en"}).get_data(True)
    db.session.rollback()
    assert db.session.get(User, user.id).locale == "zh_Hans"  # what the settings page shows
