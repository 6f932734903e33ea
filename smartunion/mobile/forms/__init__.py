"""The mobile web's forms: a shared base (base.py) and one module per domain."""
