"""What a failed spec check reports: the field's path and a message a dispatcher understands."""
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SpecError:
    field: str  # e.g. "items[0].itemSourceReference", "serviceDate"; "" for the payload itself
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


class SpecValidationError(Exception):
    """Raised by services that refuse a payload; carries every problem found, not just the first."""

    def __init__(self, errors: list[SpecError]):
        self.errors = list(errors)
        super().__init__("; ".join(f"{e.field}: {e.message}" if e.field else e.message for e in self.errors))
