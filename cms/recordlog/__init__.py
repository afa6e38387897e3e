"""The publication log in the CMS: appending entries in the publish's own transaction,
the signing key, and the log's files in each build's content/record/.

models.py     RecordEntry: one leaf, its bytes kept as first written, never changed
appending.py  what each public event appends (called from signals.py)
keys.py       the Ed25519 signing key, a file outside the database and the backups
export.py     content/record/: the entries in pages and the signed tree head

The hashing, signing and checking are gongshi.record's, which needs no Django.
"""
