"""``runner test``: runbooks run as tests, with stubbed tools, in a sandbox."""
