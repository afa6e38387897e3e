"""Every page type renders for its editors' preview (the public site is built elsewhere)."""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_render_with_the_preview_template(client, programmes, edition):
    for page in [edition.get_parent().get_parent(), programmes["jinshui"], edition]:
        response = client.get(page.url)
        assert response.status_code == 200
        assert response.templates[0].name == "preview.html"
        assert page.title in response.content.decode()
