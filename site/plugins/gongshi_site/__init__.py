"""The public site of gongshi as a Pelican plugin.

reader.py     content/ files through cms.contract, plus checks across files
assemble.py   the joined-up model (model.py) for the build date (status.py)
pages.py      every HTML page: URL (urls.py), template, context
feed_entries.py, feed_catalogue.py, feeds.py   Atom and RSS feeds, with feedgen
generator.py  writes pages, feeds, open data (opendata.py), sitemap, attachments
"""

from pelican import signals

from .generator import PublicSiteGenerator


def get_generators(pelican):
    return PublicSiteGenerator


def register():
    signals.get_generators.connect(get_generators)
