"""The index builder's own postings writer writes what whoosh's writer would."""

from __future__ import annotations

from cms.search import engine


def _contents(directory):
    """Everything a search reads from an index: terms with their statistics and
    postings, field lengths, stored fields and columns."""
    store = engine.index.open_dir(str(directory), indexname=engine.INDEX_NAME)
    with store.reader() as reader:
        terms = {}
        for fieldname, term in reader.all_terms():
            info = reader.term_info(fieldname, term)
            matcher = reader.postings(fieldname, term)
            postings = []
            while matcher.is_active():
                postings.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            terms[(fieldname, term)] = (
                info.weight(),
                info.doc_frequency(),
                info.min_length(),
                info.max_length(),
                info.max_weight(),
                postings,
            )
        documents = list(reader.iter_docs())
        lengths = {
            (docnum, name): reader.doc_field_length(docnum, name)
            for docnum in range(reader.doc_count_all())
            for name in engine.SCHEMA.scorable_names()
        }
        dates = list(reader.column_reader("date"))
    store.close()
    return terms, documents, lengths, dates


def test_the_index_is_what_whooshs_own_writer_writes(tmp_path, monkeypatch):
    from conftest import TODAY, c
    from gongshi_site.assemble import assemble
    from gongshi_site.reader import read_content
    from gongshi_site.search_records import all_records

    # Enough records for terms with several blocks of postings (whoosh: 128 a block).
    c.generate(tmp_path / "content", notices=300, winners=60, programmes=2, years=3)
    site = assemble(read_content(tmp_path / "content"), TODAY, "测试")
    records = list(all_records(site))
    engine.build(tmp_path / "ours", records, {})
    monkeypatch.setattr(engine, "_Writer", lambda store: store.writer())
    engine.build(tmp_path / "whooshs", records, {})
    ours, whooshs = _contents(tmp_path / "ours"), _contents(tmp_path / "whooshs")
    assert max(len(postings[-1]) for postings in ours[0].values()) > 2 * 128
    assert ours[0] == whooshs[0]
    assert ours[1:] == whooshs[1:]
