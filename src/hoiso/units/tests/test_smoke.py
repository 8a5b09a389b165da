def test_it_serves_the_commune_home_to_its_cadre(cast):
    response = cast.client(cast.hoa).get(f"/u/{cast.commune_a.code}/")
    assert response.status_code == 200
    assert "Chi hội Thôn 1" in response.text
