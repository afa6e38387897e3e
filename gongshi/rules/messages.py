"""The rules' messages: written in the editors' one language, Simplified Chinese, and
marked with `_` so that a catalogue of their own could translate them one day.

Not Django's gettext: the rules are plain Python, imported by the site build and the
search service, which run without Django (ADR 34)."""


def _(message: str) -> str:
    return message
