"""Fault injection for the sandboxes, set by configuration (SANDBOX_FAULTS_<CARRIER>) or, in tests
and demos, at run time over HTTP (see each sandbox's `_faults` endpoint).

Keys: error_rate (0..1) and error_status (default 503) — answer that status instead;
timeout_rate (0..1) and timeout_seconds (default 30) — sleep that long before answering;
latency_ms — added to every answer; retry_after (seconds) — sent with 429 answers;
token_ttl (seconds) — lifetime of issued tokens.
"""
import random
import time
from dataclasses import dataclass, fields, replace

from django.core.cache import cache


@dataclass(frozen=True)
class Faults:
    error_rate: float = 0.0
    error_status: int = 503
    timeout_rate: float = 0.0
    timeout_seconds: float = 30.0
    latency_ms: int = 0
    retry_after: int = 0
    token_ttl: int = 0  # 0: the carrier's normal lifetime

    @classmethod
    def parse(cls, text: str) -> "Faults":
        values = {}
        types = {f.name: f.type for f in fields(cls)}
        for part in filter(None, (p.strip() for p in (text or "").split(","))):
            key, _, raw = part.partition("=")
            key = key.strip()
            if key not in types:
                raise ValueError(f"unknown sandbox fault {key!r}; known: {', '.join(types)}")
            values[key] = (float if types[key] in (float, "float") else int)(raw)
        return cls(**values)

    def updated(self, **changes) -> "Faults":
        return replace(self, **changes)


def faults_for(carrier: str, configured: str) -> Faults:
    """Faults set at run time (cache) win over the configured ones."""
    override = cache.get(f"sandbox-faults:{carrier}")
    return Faults.parse(override if override is not None else configured)


def faults_set(carrier: str, text: str | None) -> None:
    Faults.parse(text or "")  # refuse unknown keys before storing
    if text is None:
        cache.delete(f"sandbox-faults:{carrier}")
    else:
        cache.set(f"sandbox-faults:{carrier}", text, None)


def fault_answer_status(faults: Faults, rng=random) -> int | None:
    """Sleep for latency/timeouts as configured; return a status to answer instead, or None."""
    if faults.latency_ms:
        time.sleep(faults.latency_ms / 1000)
    if faults.timeout_rate and rng.random() < faults.timeout_rate:
        time.sleep(faults.timeout_seconds)
    if faults.error_rate and rng.random() < faults.error_rate:
        return faults.error_status
    return None
