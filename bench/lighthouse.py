"""`make lighthouse`: Lighthouse's mobile performance score of the main public pages (SPEC §12: ≥ 95).

Runs the npm `lighthouse` that the Makefile installs into .lighthouse/ against a site already
served by `make run` (DEBUG off, WhiteNoise, gzip: as residents get it), in Debian's Chromium,
with Lighthouse's default mobile settings (a mid-range phone, simulated slow 4G and CPU).
Not part of CI: the scores depend on the machine.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

CHROMIUM = "/usr/bin/chromium"
PAGES = [
    ("首页", "/"),
    ("小区目录", "/estates/"),
    ("小区页", "/estates/fenglinyayuan/"),
    ("季度评级", "/ratings/2026-q2/"),
    ("搜索", "/search/?q=" + quote("雅园")),
]
METRICS = [
    ("first-contentful-paint", "FCP"),
    ("largest-contentful-paint", "LCP"),
    ("total-blocking-time", "TBT"),
    ("cumulative-layout-shift", "CLS"),
    ("speed-index", "SI"),
]


def measure(lighthouse: str, url: str, out: Path) -> dict:
    subprocess.run(
        [
            lighthouse,
            url,
            "--only-categories=performance",
            "--output=json",
            f"--output-path={out}",
            "--chrome-flags=--headless --no-sandbox --disable-gpu",
            "--quiet",
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", CHROMIUM)},
    )
    return json.loads(out.read_text(encoding="utf-8"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lighthouse", required=True, help="the lighthouse executable")
    parser.add_argument("--base-url", required=True, help="where `make run` serves the site")
    args = parser.parse_args(argv)
    print(f"Lighthouse mobile performance, {args.base_url}")
    print(f"{'score':>5}  " + "  ".join(f"{label:>7}" for _, label in METRICS) + "  page")
    lowest = 100
    with tempfile.TemporaryDirectory() as tmp:
        for number, (name, path) in enumerate(PAGES):
            report = measure(args.lighthouse, args.base_url.rstrip("/") + path, Path(tmp) / f"{number}.json")
            score = round(report["categories"]["performance"]["score"] * 100)
            lowest = min(lowest, score)
            values = "  ".join(f"{report['audits'][key]['displayValue']:>7}" for key, _ in METRICS)
            print(f"{score:>5}  {values}  {path} {name}")
    print(f"lowest {lowest} (goal ≥ 95)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
