"""Support code shared by ``tests/`` and ``benchmarks/``: running Voila, workers and a proxy for them."""
