"""Who receives awards, as records rather than names.

An organisation is known by its 统一社会信用代码 (on its award and publicity rows); a
person has no such number, so each one is a Person the editors choose or create, and
the rows point at it. Two people of the same name are two records: they never share a
page, an award history or a ban (docs/adr/0020-recipients-are-records-not-names.md).
"""
