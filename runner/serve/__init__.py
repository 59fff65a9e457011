"""``runner serve``: the Alertmanager webhook receiver, /metrics and /healthz."""
