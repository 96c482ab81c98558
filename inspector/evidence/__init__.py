"""Evidence files (HTML as fetched, screenshots, traces) stored by content hash."""
