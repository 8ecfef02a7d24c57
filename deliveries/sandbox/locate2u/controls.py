"""Run-time controls of the Locate2u sandbox, for tests and demos (kept in the cache, so every
web process and the test run that starts a live server see the same values):

- faults (deliveries/sandbox/faults.py), optionally for the next N requests only, so a test can
  ask for "two 500s, then answers" and watch the client retry;
- the import rate (stops per second) given to imports accepted from now on.
"""
import logging

from django.conf import settings
from django.core.cache import cache

from deliveries.sandbox.faults import Faults, faults_for, faults_set

logger = logging.getLogger(__name__)

CARRIER = "locate2u"
_FAULT_BUDGET = "sandbox-faults-budget:locate2u"
_IMPORT_RATE = "sandbox-import-rate:locate2u"
MIN_IMPORT_RATE = 0.001  # stops per second


def sandbox_faults() -> Faults:
    """The faults this request answers under; uses up one request of a limited fault."""
    faults = faults_in_force()
    if cache.get(_FAULT_BUDGET) is None:
        return faults
    try:
        left = cache.decr(_FAULT_BUDGET)
    except ValueError:  # expired or cleared meanwhile
        left = -1
    if left < 0:
        faults_control_set(text="")
        return faults_in_force()
    return faults


def faults_in_force() -> Faults:
    """The faults set at run time, else the configured ones (using up nothing)."""
    try:
        return faults_for(CARRIER, settings.SANDBOX_FAULTS_LOCATE2U)
    except ValueError:
        # A typo in SANDBOX_FAULTS_LOCATE2U must not take the sandbox down; say so in the log.
        logger.warning("ignoring unreadable SANDBOX_FAULTS_LOCATE2U=%r", settings.SANDBOX_FAULTS_LOCATE2U)
        return Faults()


def faults_control_set(*, text: str, count: int | None = None) -> Faults:
    """Set the run-time faults ("" clears them: the configured ones apply again). With `count`,
    they apply to that many requests and then clear themselves. Unknown keys: ValueError."""
    text = (text or "").strip()
    faults = Faults.parse(text)
    cache.delete(_FAULT_BUDGET)
    if not text:
        faults_set(CARRIER, None)
        return faults_in_force()
    faults_set(CARRIER, text)
    if count is not None:
        cache.set(_FAULT_BUDGET, count, None)
    return faults


def import_rate() -> float:
    """Stops per second for an import accepted now."""
    override = cache.get(_IMPORT_RATE)
    rate = float(override) if override is not None else float(settings.SANDBOX_LOCATE2U_IMPORT_RATE)
    return max(rate, MIN_IMPORT_RATE)  # a 0 in the environment must not divide anything by zero


def import_rate_set(*, rate: float | None) -> None:
    if rate is None:
        cache.delete(_IMPORT_RATE)
    else:
        cache.set(_IMPORT_RATE, rate, None)
