"""The public mix of `make bench`'s load test (bench/load.py): what residents do, weighted.

The paths come from the benchmark (BENCH_LOAD_PATHS, JSON name → path), picked from the city's
data; every answer must be a success (locust counts 4xx and 5xx as failures).
"""

import json
import os

from locust import HttpUser, between, task

PATHS = json.loads(os.environ.get("BENCH_LOAD_PATHS", "{}"))
WEIGHTS = {
    "home": 3,
    "estate directory (band filter)": 2,
    "estate page": 5,
    "quarter page (page 2)": 2,
    "search": 2,
    "suggest": 3,
    "data.json": 1,
}


class Resident(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self):
        self.client.headers["Accept-Encoding"] = "gzip"


def _visit(name: str, path: str):
    def visit(user):
        user.client.get(path, name=name)

    visit.__name__ = "visit_" + "".join(c if c.isalnum() else "_" for c in name)
    return visit


Resident.tasks = {task(_visit(name, path)): WEIGHTS[name] for name, path in PATHS.items() if name in WEIGHTS}
