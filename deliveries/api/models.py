"""Tables of the partner API; see the modules that use them."""
