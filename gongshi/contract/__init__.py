"""The content/ contract between the CMS and the public site.

Plain Python with no Django import: the CMS's exporter checks every file it writes with
it, and the Pelican reader checks every file it reads, on whatever machine builds the
site. The format is documented in docs/content-format.md.
"""

from .files import ContractError, dump, load, relative_path
from .schema import KINDS, SCHEMA_VERSION, check

__all__ = ["KINDS", "SCHEMA_VERSION", "ContractError", "check", "dump", "load", "relative_path"]
