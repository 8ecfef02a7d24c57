"""Validation of the carrier specs' requests: pure functions, no Django, one source of truth for
the partner API, staff forms, CSV import and the sandboxes."""
from .batch_delivery import validate_batch_delivery
from .errors import SpecError, SpecValidationError
from .stops import validate_stop, validate_stop_import, validate_stop_import_envelope

__all__ = [
    "SpecError",
    "SpecValidationError",
    "validate_batch_delivery",
    "validate_stop",
    "validate_stop_import",
    "validate_stop_import_envelope",
]
