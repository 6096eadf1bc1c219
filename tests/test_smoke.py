def test_home_lists_communities(client, community):
    response = client.get("/")
    assert response.status_code == 200
    assert "海尔洗衣机" in response.get_data(as_text=True)
