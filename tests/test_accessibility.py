"""Markup every page owes its users: unique ids, a label for every field, a language, a title."""

import re
from collections import Counter

import pytest

VISITOR_PAGES = ["/login", "/register"]
PAGES = ["/", "/c/", "/c/haier-washers", "/account", "/u/fan"]
ADMIN_PAGES = ["/admin/communities", "/admin/communities/new", "/admin/users", "/admin/audit"]


def _check(body, path):
    ids = re.findall(r'\sid="([^"]+)"', body)
    assert [i for i, n in Counter(ids).items() if n > 1] == [], f"duplicate ids on {path}"
    labelled = set(re.findall(r'<label[^>]*\sfor="([^"]+)"', body))
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", body):
        if re.search(r'type="(hidden|submit)"', tag):
            continue
        field_id = re.search(r'\sid="([^"]+)"', tag)
        assert field_id and field_id.group(1) in labelled, f"unlabelled field on {path}: {tag}"
    assert re.search(r'<html lang="[a-zA-Z-]+">', body)
    assert re.search(r"<title>[^<]+</title>", body)


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_pages_are_labelled_and_unique(app, client, users, login, language):
    fan = login(users["fan"])
    admin = login(users["admin"])
    headers = {"Accept-Language": language}
    for path in VISITOR_PAGES:
        _check(client.get(path, headers=headers).get_data(as_text=True), path)
    for path in PAGES:
        response = fan.get(path, headers=headers)
        assert response.status_code == 200, path
        _check(response.get_data(as_text=True), path)
    for path in [*ADMIN_PAGES, f"/admin/users/{users['staff'].id}"]:
        response = admin.get(path, headers=headers)
        assert response.status_code == 200, path
        _check(response.get_data(as_text=True), path)
