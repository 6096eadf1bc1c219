"""Chinese pages punctuate as Chinese does: sentences translated whole, not joined with ". " in a
template; the event roster's CSV speaks its downloader's language."""

import csv
import io

from forum.extensions import db
from forum.review import prototypes, rosters
from forum.solutions import merges
from tests import factories
from tests.test_prototypes import _event, shortlisted  # noqa: F401 (a fixture)

ZH = {"Accept-Language": "zh-CN"}


def test_the_api_page_says_its_openapi_version_in_one_chinese_sentence(client):
    page = client.get("/api", headers=ZH).get_data(as_text=True)
    assert "）。在设置页面创建令牌" in page and "). 在设置页面" not in page


def test_the_merge_notice_is_one_chinese_sentence(app, community, users, client):
    challenge = factories.challenge(users["staff"], community)
    source = factories.solution(factories.user("copycat"), challenge, title="Steam clean the gap")
    target = factories.solution(factories.user("original"), challenge, title="Drum gap steam")
    factories.door(merges.merge, users["staff"], source, target, "Same idea")
    page = client.get(f"/solutions/{source.id}", headers=ZH).get_data(as_text=True)
    assert "Drum gap steam</a>，它的票数已转移过去。" in page
    assert "</a>. 它的票数" not in page and "</a>.\n" not in page


def test_the_roster_csv_is_in_the_staff_members_language(app, shortlisted, users, login):  # noqa: F811
    event = _event(users, shortlisted, seats=1)
    factories.door(prototypes.sign_up, factories.user("seated"), event)
    factories.door(prototypes.sign_up, factories.user("queued"), event)
    signup = rosters.roster(users["staff"], event.id).booked[0]
    factories.door(rosters.mark_attendance, users["staff"], event.id, signup.id, True)
    users["staff"].locale = "zh_Hans"
    db.session.commit()
    rows = list(
        csv.reader(io.StringIO(login(users["staff"]).get(f"/events/{event.id}/roster.csv").data.decode("utf-8-sig")))
    )
    assert rows[0] == ["名单", "序号", "用户名", "报名时间", "已取消", "到场"]
    assert rows[1][0] == "已订座" and rows[1][-1] == "是" and rows[2][0] == "候补"
