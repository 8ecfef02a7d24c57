"""The Locate2u sandbox: the product's own stand-in for Locate2u's Customer Integration API.

Speaks the spec over real HTTP under /sandbox/locate2u/ (token at connect/token), validates
batches with deliveries.spec (the same function as the portal), imports stops over time
(SANDBOX_LOCATE2U_IMPORT_RATE stops/s), moves stops Created → Pending → Enroute → Arrived →
Complete on the beat tick and sends webhooks to subscribers.

For demos and tests:
- an address containing "Nowhere", or the postcode "ZZ99 9ZZ", cannot be geocoded: that row
  fails (stage PreProcessing) and the import ends PartiallyCompleted or Failed;
- POST _faults (body "error_rate=1,error_status=500"; "?count=N" for the next N requests only;
  empty body clears), POST _import_rate (stops/s for new imports; empty resets), POST _tick.
"""
