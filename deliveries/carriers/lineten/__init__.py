"""LineTen (L10 Delivery V2): schemas, the status table, pure JSON mapping and the HTTP client."""
