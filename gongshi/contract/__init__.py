"""The content/ contract between the CMS and the public site.

Plain Python with no Django import: the CMS's exporter checks every file it writes with
it, and the Pelican reader checks every file it reads, on whatever machine builds the
site. The format is documented in docs/content-format.md.

`schema.py` checks a document against field tables (`tables.py`); the notice's own fields
are typed records (`notice.py`), from which its tables are made and which the exporter,
the site and the benchmark's loader build and read (`records.py`, ADR 43).
"""

from .files import ContractError, dump, load, relative_path
from .schema import KINDS, SCHEMA_VERSION, check

__all__ = ["KINDS", "SCHEMA_VERSION", "ContractError", "check", "dump", "load", "relative_path"]
