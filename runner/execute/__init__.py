"""Planning and running a runbook's steps (see engine.execute)."""
