"""What an incremental build does not follow, and the exception that sends it to a full one.

An incremental build (incremental.py) is only worth having if its output is the full
build's, byte for byte. Where following a change would take more than comparing the
model (a programme, a channel or the home page, which reshape what every page shares; a
new signing key of the publication log, which is on every page's record; a search index
that cannot be extended), its parts raise NeedsFullBuild and the worker runs a full
build instead. This module is apart from incremental.py so that every part can raise it
without importing the module that drives them all.
"""

# Kinds whose change reshapes what every page shares (navigation, feeds, filters).
FULL_BUILD_KINDS = {"home", "programme", "channel"}


class NeedsFullBuild(Exception):
    """The change is one an incremental build does not follow; build everything."""
