"""The Pelican plugin: Pelican calls register(), which adds the public site's generator."""

from pelican import signals

from .generator import PublicSiteGenerator


def get_generators(pelican):
    return PublicSiteGenerator


def register():
    signals.get_generators.connect(get_generators)
