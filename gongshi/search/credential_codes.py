"""Award verification codes (获奖证书核验码) as people type them.

The site makes each award's code (site/gongshi_site/credentials.py): ten letters
and digits of the base32 alphabet (A–Z, 2–7), printed XXXXX-XXXXX. A code typed into 核验
is read leniently in its form and strictly in its letters: spaces, dashes and dots
anywhere, lowercase, full-width characters (ＡＢＣ１２, the Chinese input methods'
default) and the certificate's whole address (…/v/XXXXX-XXXXX/) are accepted; 0 and 1,
which the alphabet lacks, are read as the O and I they stand for. Nothing else is
corrected: a code that differs in one letter is another code, never the nearest one,
so 核验 cannot present one award as another's.
"""

from __future__ import annotations

import re
import unicodedata

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
LENGTH = 10
_SHAPE = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")
_ADDRESS = re.compile(r"/v/([^/?#]+)/?(?:[?#].*)?$")
_LOOKALIKES = str.maketrans({"0": "O", "1": "I"})


def normalise(text: str) -> str | None:
    """The code `text` is, written XXXXX-XXXXX; None if it is not a code's shape (a name,
    a credit code, a code with a letter too many or too few)."""
    text = unicodedata.normalize("NFKC", text).strip()
    if address := _ADDRESS.search(text):
        text = address.group(1)
    kept = "".join(
        character
        for character in text
        if not (
            character.isspace() or unicodedata.category(character) == "Pd" or character in "._·"
        )
    )
    letters = kept.upper().translate(_LOOKALIKES)
    if not _SHAPE.fullmatch(letters):
        return None
    return f"{letters[:5]}-{letters[5:]}"
