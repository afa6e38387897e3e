"""The publication log (公开记录) without Django: anyone can run this package alone.

merkle.py   RFC 9162 Merkle tree hashes, inclusion and consistency proofs
heads.py    log entries and signed tree heads: their bytes, signing, checking (PyNaCl)
verify.py   `python -m gongshi.record.verify https://site/`: audit a published site

Only the standard library and PyNaCl are imported here, so that a journalist or the
supervision group can audit the site with this folder and nothing else of the CMS
(docs/adr/0031-publication-log.md).
"""
