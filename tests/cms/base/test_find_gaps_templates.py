"""find_gaps --templates counts the English an editor sees that no catalogue translates:
written into templates and JavaScript, minus the templates the project overrides."""

from pathlib import Path

from cms.locale_wagtail.find_gaps import hardcoded_english

PROJECT = Path(__file__).resolve().parents[3] / "cms"


def test_english_in_templates_and_scripts_is_counted_and_overrides_are_not(tmp_path):
    templates = tmp_path / "wagtail" / "admin" / "templates" / "wagtailadmin"
    (templates / "shared" / "headers").mkdir(parents=True)
    (templates / "page.html").write_text(
        '{% load i18n %}<nav aria-label="Page actions">{% trans "Save" %}</nav>'
        "{% blocktranslate %}Saved {{ n }} pages{% endblocktranslate %}"
        "{# a comment #}<p>Currently editing</p><p>{{ title }}</p>",
        encoding="utf-8",
    )
    # The project overrides this one (cms/base/templates/wagtailadmin/shared/headers/).
    (templates / "shared" / "headers" / "_actions.html").write_text(
        '<nav aria-label="Actions"></nav>', encoding="utf-8"
    )
    scripts = tmp_path / "wagtail" / "admin" / "static" / "wagtailadmin" / "js"
    scripts.mkdir(parents=True)
    (scripts / "core.js").write_text(
        'x={"aria-label":"Close dialog"};y=gettext("Translated")', encoding="utf-8"
    )

    found = hardcoded_english(tmp_path / "wagtail", PROJECT)
    assert sorted(text for _, text in found) == [
        "Close dialog",
        "Currently editing",
        "Page actions",
    ]


def test_the_installed_wagtail_is_counted(tmp_path):
    from cms.locale_wagtail.find_gaps import wagtail_dir

    found = hardcoded_english(wagtail_dir(), PROJECT)
    files = {name for name, _ in found}
    assert "wagtail/admin/templates/wagtailadmin/shared/headers/_actions.html" not in files
    assert any("embed_editor.html" in name for name in files)  # Provider, Author: real gaps
