"""The mobile web's views, one module per domain."""
