"""List the Simplified Chinese gaps in the installed Wagtail's translation catalogues.

Wagtail ships, for every app that has translatable strings, a source catalogue
``<app>/locale/en/LC_MESSAGES/<domain>.po`` (every msgid, empty msgstr) and a
``<app>/locale/zh_Hans/LC_MESSAGES/<domain>.po`` pulled from Transifex. The
Transifex pull *drops* untranslated strings, so most gaps are msgids that are
simply absent from the zh_Hans file, not entries with an empty msgstr.

An entry counts as a gap when, for a non-obsolete msgid (+ msgctxt) of the
``en`` catalogue, the zh_Hans catalogue has

* no entry at all ("missing"),
* an entry with an empty msgstr, or any empty plural form ("empty"), or
* an entry flagged ``#, fuzzy`` (Django ignores fuzzy entries) ("fuzzy").

Entries of the zh_Hans file itself that are empty or fuzzy are counted too,
even if the en catalogue no longer has them.

With ``--with PO`` (repeatable), the given catalogues (e.g. our supplement,
cms/locale_wagtail/zh_Hans/LC_MESSAGES/django.po) are laid over Wagtail's: a
gap they translate no longer counts. That is what Django shows, because
LOCALE_PATHS take precedence over app catalogues.

Usage (rerun after every Wagtail upgrade)::

    .venv/bin/python cms/locale_wagtail/find_gaps.py                 # counts
    .venv/bin/python cms/locale_wagtail/find_gaps.py --list          # + msgids
    .venv/bin/python cms/locale_wagtail/find_gaps.py \\
        --with cms/locale_wagtail/zh_Hans/LC_MESSAGES/django.po      # remaining
    .venv/bin/python cms/locale_wagtail/find_gaps.py --domain djangojs

With ``--templates``, it counts instead the English an editor sees that no catalogue can
translate: words written into Wagtail's templates outside ``{% trans %}`` (an attribute
such as ``aria-label="Actions"``, or text between tags) and into its JavaScript bundles
(``aria-label``/``title``/``placeholder`` given as a plain string). Templates the project
overrides (same path under ``cms/*/templates/``) are left out: Django renders ours.

    .venv/bin/python cms/locale_wagtail/find_gaps.py --templates [--list]

Standard library only: a small PO reader is included (``read_po``) so the
script needs neither polib nor the gettext tools.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

LANG = "zh_Hans"
SOURCE_LANG = "en"


@dataclass
class Entry:
    """One PO entry. ``msgstr`` maps plural index to text (index 0 if singular)."""

    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    comments: list[str] = field(default_factory=list)  # "#." and "#:" lines, verbatim
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        """Lookup key used by gettext: context plus singular msgid."""
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    def is_translated(self) -> bool:
        """True if Django would use this entry: not fuzzy, every form filled."""
        if self.fuzzy or not self.msgstr:
            return False
        return all(text for text in self.msgstr.values())


def _unquote(token: str) -> str:
    """Turn a PO string literal ("...") into text; PO escapes are C escapes."""
    token = token.strip()
    if not (token.startswith('"') and token.endswith('"')):
        raise ValueError(f"not a PO string: {token!r}")
    # Python's literal syntax covers the escapes xgettext emits (\n \t \" \\).
    return ast.literal_eval(token)


def read_po(path: Path) -> list[Entry]:
    """Parse a PO file into entries (the header is the entry with msgid "")."""
    entries: list[Entry] = []
    entry = Entry()
    current: tuple[str, int] | None = None  # field receiving the following string lines

    def flush() -> None:
        nonlocal entry, current
        if current is not None:  # only entries that had at least one keyword line
            entries.append(entry)
        entry, current = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):  # "#~|": previous msgid of an obsolete entry
                continue
        if not line:
            flush()
            continue
        if line.startswith("#"):
            if current is not None:  # a comment after the msgstr starts a new entry
                flush()
            if line.startswith("#,"):
                entry.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            elif line.startswith(("#.", "#:")):
                entry.comments.append(line)
            continue  # translator comments and "#|" previous msgids are not needed
        if line.startswith('"'):  # continuation of the current field
            if current is None:
                raise ValueError(f"{path}:{number}: string without keyword")
            text = _unquote(line)
        else:
            keyword, _, rest = line.partition(" ")
            if keyword in ("msgctxt", "msgid") and entry.msgstr:
                flush()  # next entry without a blank line in between
            text = _unquote(rest)
            if keyword.startswith("msgstr["):
                current = ("msgstr", int(keyword[7:-1]))
            elif keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
                current = (keyword, 0)
            else:
                raise ValueError(f"{path}:{number}: unknown keyword {keyword!r}")
            if current[0] == "msgstr":
                entry.msgstr[current[1]] = ""
            else:
                setattr(entry, keyword, "")
        entry.obsolete = entry.obsolete or obsolete
        name, index = current
        if name == "msgstr":
            entry.msgstr[index] += text
        else:
            setattr(entry, name, getattr(entry, name) + text)
    flush()
    return entries


def wagtail_dir() -> Path:
    import wagtail

    return Path(wagtail.__file__).resolve().parent


def catalogue_pairs(root: Path, domain: str) -> list[tuple[Path, Path]]:
    """(en source, zh_Hans translation) pairs for every Wagtail app."""
    pairs = []
    for source in sorted(root.rglob(f"locale/{SOURCE_LANG}/LC_MESSAGES/{domain}.po")):
        target = source.parents[2] / LANG / "LC_MESSAGES" / f"{domain}.po"
        pairs.append((source, target))
    return pairs


def find_gaps(source: Path, target: Path, overlay: dict) -> list[tuple[str, Entry]]:
    """Gaps of one catalogue as (reason, source-or-target entry) pairs.

    ``overlay`` maps entry keys to translated entries from ``--with`` files;
    keys found there are not gaps.
    """
    translated = {}
    if target.exists():
        translated = {e.key: e for e in read_po(target) if not e.obsolete and e.msgid}
    gaps: list[tuple[str, Entry]] = []
    seen = set()
    for entry in read_po(source):
        if entry.obsolete or not entry.msgid:
            continue
        seen.add(entry.key)
        if entry.key in overlay:
            continue
        have = translated.get(entry.key)
        if have is None:
            gaps.append(("missing", entry))
        elif have.fuzzy:
            gaps.append(("fuzzy", have))
        elif not have.is_translated():
            gaps.append(("empty", have))
    # Empty/fuzzy entries that only exist in the zh_Hans file.
    for key, have in translated.items():
        if key not in seen and key not in overlay and not have.is_translated():
            gaps.append(("fuzzy" if have.fuzzy else "empty", have))
    return gaps


# --- English written into templates and JavaScript -------------------------------------------

_TEMPLATE_NOISE = re.compile(
    r"{%\s*comment\b.*?{%\s*endcomment\s*%}|&\w+;|\w+://\S+"
    r"|{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}"
    r"|{#.*?#}|{%.*?%}|{{.*?}}|<script.*?</script>"
    r"|<style.*?</style>|<svg.*?</svg>",
    re.S,
)
_SEEN_ATTRIBUTE = re.compile(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"')
_TEXT_NODE = re.compile(r">([^<>]+)<")
_JS_NAME = re.compile(
    r"""["']?(?:aria-label|ariaLabel|title|placeholder)["']?\s*[:=,]\s*["']([A-Z][A-Za-z]*(?: [A-Za-z]+)*)["']"""
)
_ENGLISH = re.compile(r"[A-Za-z]{2,}(?:\s+[A-Za-z]{2,})*")


def overridden_templates(project: Path) -> set[str]:
    """Template paths (wagtailadmin/...) the project's apps override."""
    return {
        str(path.relative_to(folder))
        for folder in project.glob("*/templates")
        for path in folder.rglob("*.html")
    }


def hardcoded_english(root: Path, project: Path) -> list[tuple[str, str]]:
    """(file, text) for English written into Wagtail's admin templates and JavaScript."""
    skip = overridden_templates(project)
    found = []
    for template in sorted(root.glob("*/templates/**/*.html")):
        folder = next(parent for parent in template.parents if parent.name == "templates")
        relative = str(template.relative_to(folder))
        if relative in skip or "/styleguide/" in str(template) or "/tests/" in str(template):
            continue
        text = _TEMPLATE_NOISE.sub(" ", template.read_text(encoding="utf-8"))
        pieces = _SEEN_ATTRIBUTE.findall(text) + _TEXT_NODE.findall(text)
        for piece in pieces:
            for words in _ENGLISH.findall(piece):
                found.append((str(template.relative_to(root.parent)), words))
    for script in sorted(root.glob("admin/static/wagtailadmin/js/*.js")):
        for words in _JS_NAME.findall(script.read_text(encoding="utf-8", errors="replace")):
            found.append((str(script.relative_to(root.parent)), words))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--domain", default="django", help="django (default) or djangojs")
    parser.add_argument(
        "--with",
        dest="overlays",
        action="append",
        default=[],
        type=Path,
        metavar="PO",
        help="supplementary catalogue laid over Wagtail's (repeatable)",
    )
    parser.add_argument("--list", action="store_true", help="print every gap's msgid")
    parser.add_argument("--root", type=Path, help="Wagtail package dir (default: installed)")
    parser.add_argument(
        "--templates", action="store_true", help="English written into templates and JS"
    )
    args = parser.parse_args(argv)

    if args.templates:
        project = Path(__file__).resolve().parent.parent
        found = hardcoded_english(args.root or wagtail_dir(), project)
        files = sorted({name for name, _ in found})
        for name in files:
            words = [text for file, text in found if file == name]
            print(f"{name:<90} {len(words):>4}")
            if args.list:
                for text in words:
                    print(f"    {text!r}")
        print(f"TOTAL {len(found)} pieces of English in {len(files)} files")
        return 0

    overlay = {}
    for po in args.overlays:
        overlay.update({e.key: e for e in read_po(po) if e.msgid and e.is_translated()})

    root = args.root or wagtail_dir()
    total = 0
    unique = set()
    print(f"{'catalogue':<60} {'missing':>7} {'empty':>5} {'fuzzy':>5} {'total':>5} {'of':>5}")
    for source, target in catalogue_pairs(root, args.domain):
        gaps = find_gaps(source, target, overlay)
        size = sum(1 for e in read_po(source) if e.msgid and not e.obsolete)
        counts = {
            r: sum(1 for reason, _ in gaps if reason == r) for r in ("missing", "empty", "fuzzy")
        }
        name = str(target.relative_to(root.parent))
        print(
            f"{name:<60} {counts['missing']:>7} {counts['empty']:>5} {counts['fuzzy']:>5}"
            f" {len(gaps):>5} {size:>5}"
        )
        total += len(gaps)
        unique.update(entry.key for _, entry in gaps)
        if args.list:
            for reason, entry in gaps:
                ctx = f"[{entry.msgctxt}] " if entry.msgctxt else ""
                plural = " (plural)" if entry.msgid_plural else ""
                print(f"    {reason:<7} {ctx}{entry.msgid!r}{plural}")
    print(f"{'TOTAL':<60} {'':>7} {'':>5} {'':>5} {total:>5}")
    print(f"distinct msgids (msgctxt+msgid) among the gaps: {len(unique)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
