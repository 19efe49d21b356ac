"""`make bench` (SPEC §12): a generated city and the time of the rating engine's heavy steps.

`python -m bench` makes a throw-away database (a fresh SQLite file in a temporary directory, or
the database named by `BENCH_DATABASE_URL`), generates a city (10,000 estates, 2,000 firms,
36 months of scores and 12345 figures by default) and times `quarter_compute` and the monthly
imports against the budgets of SPEC §12. The developer's own database is never touched.

`bench.city` builds the data; `bench.runner` times the steps and prints the table. Both need a
configured Django; `bench.__main__` sets one up before importing them, which is why this
module imports nothing.
"""
