"""What cards and notices quote of a Markdown body: its paragraphs and list items stay apart."""

from forum import text
from tests import factories

BODY = "Dirt gathers:\n\n- black mould in the corners\n- hard to reach\n- smells\n\nWho else sees this?"


def test_an_excerpt_keeps_list_items_and_paragraphs_apart():
    words = text.excerpt(text.render(BODY))
    assert words == "Dirt gathers: · black mould in the corners · hard to reach · smells · Who else sees this?"
    assert text.excerpt(text.render("word " * 100), 40).endswith("…")
    assert len(text.excerpt(text.render("word " * 100), 40)) <= 40


def test_cards_quote_a_list_as_separate_items(client, community, users):
    challenge = factories.challenge(users["staff"], community, title="Mould", body=BODY)
    factories.solution(users["fan"], challenge, title="Dry the seal", body=BODY)
    page = client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "black mould in the corners · hard to reach · smells · Who else sees this?" in page
    listing = client.get(f"/c/{community.slug}").get_data(as_text=True)
    assert "Dirt gathers: · black mould in the corners" in listing
