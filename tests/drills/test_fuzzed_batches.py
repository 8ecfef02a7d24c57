"""Fault drill: bad batches fuzzed against POST /v1/Logistics/batch-delivery — the spec's example
with random parts replaced, removed or repeated, and bodies that are not JSON at all. Whatever
comes in: never a 500, and either the whole batch is saved (a 200) or nothing is (a 4xx). A crash
in the middle of saving leaves nothing either, and the same request sent again then succeeds.
(Schemathesis checks every endpoint against its schema: tests/partner_api/test_schemathesis.py.)
"""
import copy

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from deliveries.api.models import IdempotencyRecord
from deliveries.models import Batch, Item, Outbox, Stop, StopItem
from tests.partner_api.conftest import api_for
from tests.spec.examples import SPEC_COMPLETE_EXAMPLE

PATH = "/v1/Logistics/batch-delivery"
EXAMPLES = 300
TABLES = (Batch, Item, Stop, StopItem, Outbox, IdempotencyRecord)


def leaf_paths(value, path=()) -> list[tuple]:
    """Every place in the payload a value sits, containers included."""
    paths = [path] if path else []
    if isinstance(value, dict):
        for key, inner in value.items():
            paths += leaf_paths(inner, path + (key,))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            paths += leaf_paths(inner, path + (index,))
    return paths


PATHS = leaf_paths(SPEC_COMPLETE_EXAMPLE)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=300)
    | st.sampled_from(["", " ", "2024-01-15", "2024-13-45T25:61:00", "ITEM-001", "PICKUP-001", "x" * 5000]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=3),
    max_leaves=6,
)
MUTATIONS = st.lists(st.tuples(st.sampled_from(PATHS), st.sampled_from(["replace", "remove", "repeat"]), JSON_VALUES),
                     min_size=1, max_size=4)
NOT_JSON = st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode),
                     st.sampled_from([b"", b"{", b"[]", b"null", b"NaN", b'{"items": Infinity}', b"\x00",
                                      b'{"a": "\\u0000"}', b"[" * 5000]))


def mutated(mutations) -> dict:
    payload = copy.deepcopy(SPEC_COMPLETE_EXAMPLE)
    for path, how, value in mutations:
        *parents, last = path
        container = payload
        try:
            for step in parents:
                container = container[step]
            if how == "replace":
                container[last] = value
            elif how == "remove":
                del container[last]
            elif isinstance(container, list):
                container.append(copy.deepcopy(container[last]))
            else:
                container[f"{last}Copy"] = copy.deepcopy(container[last])
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change took that place away
    return payload


def counts() -> tuple:
    return tuple(model.objects.count() for model in TABLES)


def links(payload: dict) -> int:
    return sum(len(dict.fromkeys(stop["itemSourceReferences"])) for stop in payload["pickups"] + payload["dropoffs"])


def assert_whole_or_nothing(response, before: tuple, payload: dict) -> None:
    assert response.status_code != 500 and response.status_code < 500, response.content[:500]
    assert response.status_code in (200, 400, 413, 422), (response.status_code, response.content[:300])
    if response.status_code != 200:
        assert counts() == before, "a refused request left rows behind"
        return
    batch = Batch.objects.get(batch_id=response.json()["data"]["batchId"])
    if counts() == before:
        return  # a repeat of a batch already saved: the same batch, nothing new
    assert batch.items.count() == len(payload["items"])
    assert batch.stops.count() == len(payload["pickups"]) + len(payload["dropoffs"]) == batch.total_count
    assert StopItem.objects.filter(stop__batch=batch).count() == links(payload)
    assert Outbox.objects.filter(key=str(batch.batch_id)).exists()  # the push is owed with it


@pytest.mark.django_db
def test_mutated_batches_get_no_500_and_leave_nothing_half_saved(client, partner, settings):
    settings.PARTNER_API_RATE_LIMIT = None  # many requests in a few seconds
    api = api_for(client, partner)
    seen = {"accepted": 0, "refused": 0}

    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                         suppress_health_check=list(HealthCheck))
    @given(mutations=MUTATIONS, key=st.none() | st.text(min_size=1, max_size=20))
    def post(mutations, key):
        before = counts()
        headers = {"Idempotency-Key": key.strip() or "k"} if key else None
        payload = mutated(mutations)
        response = api.post(PATH, payload, headers=headers)
        assert_whole_or_nothing(response, before, payload)
        seen["accepted" if response.status_code == 200 else "refused"] += 1

    post()
    assert seen["refused"] > EXAMPLES // 2 and seen["accepted"]  # mostly bad, as meant, and a few still valid


@pytest.mark.django_db
def test_bodies_that_are_not_json_objects_are_refused_without_a_500(client, partner, settings):
    settings.PARTNER_API_RATE_LIMIT = None
    api = api_for(client, partner)

    @hypothesis_settings(max_examples=60, deadline=None, database=None, derandomize=True,
                         suppress_health_check=list(HealthCheck))
    @given(raw=NOT_JSON, content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded"]))
    def post(raw, content_type):
        before = counts()
        response = api.post(PATH, raw=raw, content_type=content_type)
        assert response.status_code in (400, 413), (raw[:50], response.status_code, response.content[:300])
        assert counts() == before

    post()


@pytest.mark.django_db(transaction=True)
def test_a_crash_in_the_middle_of_saving_leaves_nothing_and_the_retry_succeeds(partner, monkeypatch):
    api = api_for(Client(raise_request_exception=False), partner)
    headers = {"Idempotency-Key": "crash-then-retry"}
    real = StopItem.objects.bulk_create

    def crash(*args, **kwargs):  # after the batch, its items and its stops were inserted
        assert Stop.objects.exists()
        raise OSError("disk full")

    monkeypatch.setattr(StopItem.objects, "bulk_create", crash)
    crashed = api.post(PATH, SPEC_COMPLETE_EXAMPLE, headers=headers)
    assert crashed.status_code == 500
    assert counts() == (0,) * len(TABLES)  # not a batch, item, stop, link, outbox row or key

    monkeypatch.setattr(StopItem.objects, "bulk_create", real)
    retried = api.post(PATH, SPEC_COMPLETE_EXAMPLE, headers=headers)
    assert retried.status_code == 200
    batch = Batch.objects.get()
    assert batch.items.count() == 2 and batch.stops.count() == 3 and StopItem.objects.count() == links(SPEC_COMPLETE_EXAMPLE)
    assert Outbox.objects.count() == 1 and IdempotencyRecord.objects.count() == 1
