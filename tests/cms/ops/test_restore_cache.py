"""A restore replaces the database under a cache that outlives it (Redis in production):
what Wagtail cached from the replaced database must not outlive the restore."""

import pytest
from wagtail.models import Site

from cms.ops import backups, database


@pytest.mark.django_db
def test_a_restore_forgets_the_replaced_databases_sites(programmes, monkeypatch, tmp_path):
    monkeypatch.setattr(backups.settings, "MEDIA_ROOT", str(tmp_path / "media"))
    site = Site.objects.get(is_default_site=True)
    Site.get_site_root_paths()  # cached, as any page URL caches it

    def restore_another_database(dump_file, kind, force):
        # The restored database's only site has another id than the cached one.
        Site.objects.filter(pk=site.pk).update(id=site.pk + 100)

    manifest = {"database": "sqlite3", "media": "none", "files": {}}
    monkeypatch.setattr(backups.archive, "verify_and_extract", lambda path, staging: manifest)
    monkeypatch.setattr(database, "is_empty", lambda: True)
    monkeypatch.setattr(database, "restore", restore_another_database)

    try:
        backups.restore(tmp_path / "backup.tar")

        assert [paths.site_id for paths in Site.get_site_root_paths()] == [site.pk + 100]
        assert Site.objects.get(pk=site.pk + 100).root_page.get_site().pk == site.pk + 100
    finally:
        # The cache outlives this test's transaction: later tests have the first site again.
        Site.clear_site_root_paths_cache()
