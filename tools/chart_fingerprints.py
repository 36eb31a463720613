"""Fingerprints of every page's charts at fixed settings, to prove a refactor changed no picture.

Runs each page headless (Streamlit's AppTest) at its defaults and at lecturer URLs, and writes
one SHA-256 per chart (keyed by page, URL and chart position) as JSON. Record before a change,
record after, and compare::

    python tools/chart_fingerprints.py --out before.json
    ... change the code ...
    python tools/chart_fingerprints.py --compare before.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

LECTURER_URLS = (
    {},
    {"k": "4", "cov": "diag", "init": "kmeans", "data_seed": "3", "big": "true"},
    {"source": "old_faithful", "k": "2", "cov": "tied", "init": "k-means++"},
    {"n": "400", "d": "1", "k_true": "2", "k": "3", "cov": "spherical", "init": "random"},
    {"d": "3", "k": "3", "layout": "spread", "sep": "2.0", "view": "pca"},
)
PAGES = (
    "app.py",
    "pages/1_Step_through.py",
    "pages/2_How_the_data_is_made.py",
    "pages/3_How_many_components.py",
    "pages/4_When_EM_goes_wrong.py",
    "pages/5_Your_own_data.py",
)


def page_fingerprints(page: str, query: dict) -> list[str]:
    """SHA-256 of each chart's JSON (and of the error texts, so a failing URL is noticed too)."""
    at = AppTest.from_file(str(ROOT / page), default_timeout=120)
    at.query_params.update(query)
    at.run()
    if at.exception:
        return [f"exception: {at.exception[0].value}"]
    prints = [hashlib.sha256(chart.proto.spec.encode()).hexdigest() for chart in at.get("plotly_chart")]
    prints += [f"error: {element.value}" for element in at.error]
    return prints


def all_fingerprints() -> dict[str, list[str]]:
    result = {}
    for page in PAGES:
        for query in LECTURER_URLS:
            label = f"{page}?{'&'.join(f'{k}={v}' for k, v in query.items())}"
            result[label] = page_fingerprints(page, query)
            print(f"{len(result[label]):2d} charts  {label}", file=sys.stderr)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="write the fingerprints to this JSON file")
    parser.add_argument("--compare", help="compare with fingerprints saved earlier; exit 1 on any difference")
    args = parser.parse_args()
    now = all_fingerprints()
    if args.out:
        Path(args.out).write_text(json.dumps(now, indent=1))
    if args.compare:
        before = json.loads(Path(args.compare).read_text())
        changed = [label for label in before.keys() | now.keys() if before.get(label) != now.get(label)]
        for label in sorted(changed):
            print(f"CHANGED {label}\n  before {before.get(label)}\n  now    {now.get(label)}")
        print(f"{len(before) - len(changed)} of {len(before)} page URLs identical")
        return 1 if changed else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
