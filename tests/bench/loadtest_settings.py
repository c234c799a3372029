"""Settings of the load test's server: the production settings, plus the data floor's routes
(``tests.bench.loadtest_urls``). Nothing else differs from production."""

from __future__ import annotations

from jetops.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.loadtest_urls"
