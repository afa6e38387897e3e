"""The regulations' rules as plain Python.

Nothing here imports Wagtail or touches the database: the CMS turns its models into the
small value objects below, calls these functions, and shows the messages they return.
Each refusal names the rule and the article it comes from, in the editors' language.
"""

from .errors import RuleViolation

__all__ = ["RuleViolation"]
