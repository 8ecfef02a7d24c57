"""Partner references as Locate2u gets them: one namespace per customer.

Inside the portal a reference is unique per customer: two partners may both send batch "B-1" with
stop "S-1" and item "I-1". Downstream, every partner's batches and stops land in our one Locate2u
account, which refuses a reference it already holds. So each batch, item and stop source
reference of a partner's request goes to Locate2u as `C<customer id>~<reference>` ("C7~B-1") and
is read back with that namespace taken off; staff batches (no customer) go as they are. Partners,
and the staff pages, only ever see a reference as it was given. Team, customer and warehouse
references go unchanged: Locate2u does not require them to be unique.

Why the customer's id and not its `reference`: the reference is free text of up to 100 characters
(CONTRACT §3), so it could take Locate2u's whole length on its own, and customer "A" with "B~S-1"
would read like customer "A~B" with "S-1". The id is short, never changes and is never reused, and
no `C<digits>~` starts another one, so two customers can never send the same reference. (Staff
references are not kept out of the pattern: a dispatcher's "C7~B-1" would meet customer 7's "B-1".)

Length: Locate2u allows 100 characters per reference and the namespace takes a few of them ("C7~"
three, "C1234~" six). The partner API keeps the spec's documented 100 (CONTRACT §4 promises
Locate2u's bodies) and refuses, before anything is saved, a reference that would not fit with the
namespace: a 400 on that field naming the customer's own limit. Shortening the documented maximum
for everybody instead would refuse references that fit.

Where references cross: the outbox payloads of a batch delivery (batches.batch_submit) and of a
stop import (partner_stops), namespaced when queued; the import's stop results
(batch_import._stop_results_apply) and a webhook's stop found by its reference (carrier_events),
read back with `upstream_ref`; Locate2u's messages quoting our references (`upstream_text`).
Taking off a namespace that is not there changes nothing, so an import queued before namespaces
existed still finds its stops.
"""
import re

from deliveries.spec import SpecError
from deliveries.spec.fields import label_for

REFERENCE_MAX = 100  # Locate2u's maximum for a batch, item or stop source reference
REFERENCE_FIELDS = ("batchSourceReference", "itemSourceReference", "stopSourceReference")
NESTED = ("items", "pickups", "dropoffs", "stops")  # the lists of objects a request body holds


def namespace(customer) -> str:
    """What goes before a customer's references at Locate2u; nothing for staff (no customer)."""
    return "" if customer is None else f"C{customer.pk}~"


def reference_limit(customer) -> int:
    """The longest reference this customer may give: what Locate2u allows, less the namespace."""
    return REFERENCE_MAX - len(namespace(customer))


def upstream_ref(customer, ref: str) -> str:
    """A reference Locate2u names, as the customer gave it."""
    return ref.removeprefix(namespace(customer))


def upstream_text(customer, text: str) -> str:
    """Locate2u's message with our references as the customer gave them ("Item 'C7~I-1' …" →
    "Item 'I-1' …"). Only a namespace starting a word is ours: "C7~C7~X" was the partner's "C7~X"."""
    prefix = namespace(customer)
    return re.sub(rf"(?<![\w~]){re.escape(prefix)}", "", text) if prefix else text


def downstream_body(customer, body: dict) -> dict:
    """A batch-delivery or stop-import body as Locate2u is to get it (a copy; a staff body as it is)."""
    return body if customer is None else _namespaced(body, namespace(customer))


def _namespaced(node: dict, prefix: str) -> dict:
    out = dict(node)
    for name in REFERENCE_FIELDS:
        if name in out:
            out[name] = prefix + out[name]
    if "itemSourceReferences" in out:
        out["itemSourceReferences"] = [prefix + ref for ref in out["itemSourceReferences"]]
    for name in NESTED:
        if name in out:
            out[name] = [_namespaced(child, prefix) for child in out[name]]
    return out


def references_too_long(customer, body: dict) -> list[SpecError]:
    """The references of a valid request (a batch delivery, a stop import or one stop) that would
    not fit at Locate2u once namespaced: each reference once, where it first appears."""
    if customer is None:
        return []  # nothing is added to a staff reference: the spec's own limit, checked already, holds
    limit = reference_limit(customer)
    errors, seen = [], set()
    for name, path, ref in _references(body):
        if len(ref) > limit and (name, ref) not in seen:
            seen.add((name, ref))
            errors.append(SpecError(path, f"{label_for(name)} must be at most {limit} characters for this account "
                                          f"(it has {len(ref)}): the portal keeps {REFERENCE_MAX - limit} of "
                                          f"Locate2u's {REFERENCE_MAX} for the account's namespace."))
    return errors


def _references(node: dict, path: str = ""):
    """(field name, field path, reference) of every reference in a body, nested objects included."""
    for name in REFERENCE_FIELDS:
        if isinstance(node.get(name), str):
            yield name, path + name, node[name]
    for i, ref in enumerate(node.get("itemSourceReferences") or ()):
        yield "itemSourceReference", f"{path}itemSourceReferences[{i}]", ref
    for name in NESTED:
        for i, child in enumerate(node.get(name) or ()):
            yield from _references(child, f"{path}{name}[{i}].")
