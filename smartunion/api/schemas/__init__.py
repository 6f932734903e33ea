"""The API's request and response schemas, one module per domain over common.py. Import them from
their module."""
