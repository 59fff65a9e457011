"""Alerting integration: Prometheus rule files, runbook_url annotations, Alertmanager."""
