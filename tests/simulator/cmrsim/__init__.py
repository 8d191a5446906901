"""cmrsim: a stateful local simulator of the Cold Mail Reseller (CMR) partner REST API.

Start it with ``python3 tests/simulator --port PORT --api-key KEY`` (see ``README.md``).
This package is test tooling: it is not part of the collection's runtime code.
"""
