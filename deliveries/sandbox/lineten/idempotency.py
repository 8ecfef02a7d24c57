"""Idempotency-Key handling for the sandbox's POSTs (the spec is silent; we send the header so
that retries are safe, and the sandbox honours it so the client's retries can be tested).

The first successful answer for (client, endpoint, key) is kept and replayed for a repeat with
the same body; the same key with a different body is a 409. Refusals and faults are not kept:
repeating a refused request does it afresh.
"""
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from .models import SandboxIdempotency
from .services import SandboxError


@dataclass(frozen=True)
class Answer:
    status: int
    payload: object
    rows: int


def with_idempotency(*, client_id: str, endpoint: str, key: str, body: bytes, run: Callable[[], Answer]) -> Answer:
    if not key:
        return run()
    key = key[:200]
    digest = hashlib.sha256(body).hexdigest()
    stored = SandboxIdempotency.objects.filter(client_id=client_id, endpoint=endpoint, key=key).first()
    if stored is None:
        try:
            # One transaction for the work and the record: of two racing requests with one key,
            # the loser's work is rolled back and it answers with the winner's result.
            with transaction.atomic():
                answer = run()
                if 200 <= answer.status < 300:
                    SandboxIdempotency.objects.create(client_id=client_id, endpoint=endpoint, key=key,
                                                      request_hash=digest, status_code=answer.status,
                                                      payload=answer.payload, rows=answer.rows)
                return answer
        except IntegrityError:
            stored = SandboxIdempotency.objects.filter(client_id=client_id, endpoint=endpoint, key=key).first()
            if stored is None:
                raise
    if stored.request_hash != digest:
        raise SandboxError(409, [f"Idempotency-Key: {key!r} was already used for a different request"])
    return Answer(stored.status_code, stored.payload, stored.rows)
