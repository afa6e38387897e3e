"""The site build: the public site of gongshi from content/, and what publishes and serves it.

Importing the package loads nothing; the CMS imports only the parts it calls.

The Pelican plugin (plugin.py, named in pelican_settings.py)
  reader.py     content/ files through gongshi.contract, plus checks across files
  assemble.py   the joined-up model (model.py) for the build date (status.py)
  pages.py      every HTML page: URL (urls.py), template, context
  feed_entries.py, feed_catalogue.py, feeds.py   Atom and RSS feeds, with feedgen
  generator.py  writes pages, feeds, open data (opendata.py), sitemap, attachments
Publishing and serving
  atomic.py       a build in its own directory, then one atomic swap of `live`
  incremental.py  what a publish rebuilds, from what the live build recorded; its phases
                  in incremental_*.py, model_changes.py, fingerprints.py, linked_tree.py
  objectstore.py, pull.py   pushing the site to object storage; search servers pulling it
  remote.py       a build from another CMS through its public read API
  serve.py        the demo's web server for the built site, search and the report intake
"""
