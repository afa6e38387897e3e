"""Search of winners and published documents, and award verification.

Plain Python without Django: the index is built with the public site from the same
exported content (site/gongshi_site/search_records.py) and served by a small WSGI
service (service.py) that never opens the CMS's database. docs/search.md explains it.

chinese.py     normalisation, character pairs, jieba words, pinyin (no whoosh)
creditcode.py  reading a 统一社会信用代码 and its check character
query.py       what a person typed, as the parts a search must match
documents.py   the index's records
engine/        the one package that imports whoosh: analysis, writer, scoring, search
snippets.py    highlighted passages
answers.py     the service's answers, as data: search and verification
render.py      its HTML pages, in the site's theme
service.py     the WSGI application and its command line
"""
