"""The engine: realisation data, policies, evaluation, aggregation, rendering, and the `kinerja` command."""
