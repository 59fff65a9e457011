"""The tests use the same fake Kubernetes API server as `runner test` cases do."""

from runner.testing.fake_kube import TOKEN, FakeApi, status

__all__ = ["TOKEN", "FakeApi", "status"]
