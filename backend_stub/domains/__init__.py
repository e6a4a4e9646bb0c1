"""One module per domain of the shop; each exposes `router` (and sweep rules where time matters)."""
