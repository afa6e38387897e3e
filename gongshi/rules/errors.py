from dataclasses import dataclass


@dataclass(frozen=True)
class Citation:
    """Where a rule comes from: a regulation's document number (or title) and article."""

    regulation: str
    article: str | None

    def __str__(self) -> str:
        if not self.article:
            return self.regulation
        return f"{self.regulation} {self.article}"


class RuleViolation(ValueError):
    """A refusal an editor can act on: which field is at fault and why, with the article."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message
