"""MkDocs adapter for executable runbooks (``plugins: [runbooks]`` in mkdocs.yml).

A thin layer: it calls ``runner.parse`` (and later ``runner.site``) and never
``runner.execute``. All runbook logic lives in the ``runner`` package.
"""
