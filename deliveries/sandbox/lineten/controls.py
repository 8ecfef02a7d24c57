"""Run-time switches for tests and demos: injected faults (shared Faults from sandbox/faults.py,
optionally for the next N faulty answers only) and which methods the cancel endpoint accepts.

Kept in the cache, like the shared faults: the sandbox views read them in the web process."""
from django.conf import settings
from django.core.cache import cache

from deliveries.sandbox.faults import Faults, fault_answer_status, faults_for, faults_set

CARRIER = "lineten"
_TIMES_KEY = "sandbox-faults-times:lineten"
_CANCEL_METHODS_KEY = "sandbox-lineten:cancel-methods"
CANCEL_METHODS = ("POST", "PUT")


def faults_current() -> Faults:
    return faults_for(CARRIER, settings.SANDBOX_FAULTS_LINETEN)


def faults_change(*, text: str, times: int | None = None) -> Faults:
    """Set the faults from their text form; empty text goes back to the configured ones.
    times: stop injecting error answers after that many (a "500 then success" script)."""
    text = text.strip()
    faults_set(CARRIER, text or None)  # ValueError for an unknown key, before anything is stored
    if text and times:
        cache.set(_TIMES_KEY, int(times), None)
    else:
        cache.delete(_TIMES_KEY)
    return faults_current()


def fault_status() -> tuple[int | None, Faults]:
    """Apply the current faults (latency, timeouts) and return the status to answer instead, if any."""
    faults = faults_current()
    status = fault_answer_status(faults)
    if status is not None and cache.get(_TIMES_KEY) is not None:
        try:
            left = cache.decr(_TIMES_KEY)
        except ValueError:  # the budget ran out under a concurrent request
            left = 0
        if left <= 0:
            faults_set(CARRIER, None)
            cache.delete(_TIMES_KEY)
    return status, faults


def cancel_methods() -> tuple[str, ...]:
    configured = cache.get(_CANCEL_METHODS_KEY) or getattr(settings, "SANDBOX_LINETEN_CANCEL_METHODS", "POST,PUT")
    return _methods(configured)


def cancel_methods_change(*, text: str) -> tuple[str, ...]:
    """e.g. "PUT" to answer a POST with 405 (the client then falls back to PUT); empty resets."""
    text = text.strip()
    if not text:
        cache.delete(_CANCEL_METHODS_KEY)
    else:
        _methods(text)
        cache.set(_CANCEL_METHODS_KEY, text, None)
    return cancel_methods()


def _methods(text: str) -> tuple[str, ...]:
    methods = tuple(m.strip().upper() for m in text.split(",") if m.strip())
    unknown = [m for m in methods if m not in CANCEL_METHODS]
    if unknown or not methods:
        raise ValueError(f"cancel methods must be some of {', '.join(CANCEL_METHODS)}, not {text!r}")
    return methods


def controls_reset() -> None:
    faults_change(text="")
    cancel_methods_change(text="")
