"""Whether two run folders hold the same results, to show that a change to the pipeline changes none.

`identity.py` fingerprints simulate()'s tables; this compares what `policesim run` writes around
them: every Parquet table (read back, `Table.equals` and the same schema), summary.json,
estimate.json, scenario.json, check.json where there is one, and report.html. What differs from
one run to the next is left out: the git commit, the creation time, and each replication's
seconds in the monitors.

    python benchmarks/same_run.py RUN_FOLDER OTHER_RUN_FOLDER
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyarrow.parquet as pq

VOLATILE_MANIFEST = ("git_commit", "created", "package_version")
VOLATILE_MONITOR = ("seconds",)


def summary(folder: Path) -> dict:
    data = json.loads((folder / "summary.json").read_text())
    data["manifest"] = {k: v for k, v in data["manifest"].items() if k not in VOLATILE_MANIFEST}
    data["monitors"] = [{k: v for k, v in m.items() if k not in VOLATILE_MONITOR} for m in data["monitors"]]
    return data


def report(folder: Path) -> str:
    """report.html with the run's commit and creation time (its provenance table) left out."""
    manifest = json.loads((folder / "summary.json").read_text())["manifest"]
    html = (folder / "report.html").read_text()
    for key in ("git_commit", "created"):
        html = html.replace(str(manifest[key]), f"<{key}>")
    return html


def same_json(a: Path, b: Path) -> bool:
    return json.loads(a.read_text()) == json.loads(b.read_text())


def comparisons(a: Path, b: Path) -> dict[str, bool]:
    same = {"summary.json": summary(a) == summary(b), "report.html": report(a) == report(b)}
    for name in ("estimate.json", "scenario.json", "check.json"):
        if (a / name).exists() or (b / name).exists():
            same[name] = (a / name).exists() and (b / name).exists() and same_json(a / name, b / name)
    tables = sorted({p.name for p in a.glob("*.parquet")} | {p.name for p in b.glob("*.parquet")})
    for name in tables:
        if not ((a / name).exists() and (b / name).exists()):
            same[name] = False
            continue
        ta, tb = pq.read_table(a / name), pq.read_table(b / name)
        same[name] = ta.equals(tb) and ta.schema.equals(tb.schema, check_metadata=True)
        print(f"{name}: {ta.num_rows:,} rows; {(a / name).stat().st_size / 1e6:.1f} MB and "
              f"{(b / name).stat().st_size / 1e6:.1f} MB on disk")
    return same


def main() -> None:
    a, b = (Path(p) for p in sys.argv[1:3])
    same = comparisons(a, b)
    for name, equal in same.items():
        print(f"{name}: {'identical' if equal else 'DIFFERENT'}")
    different = [name for name, equal in same.items() if not equal]
    print("all identical" if not different else f"different: {', '.join(different)}")
    sys.exit(1 if different else 0)


if __name__ == "__main__":
    main()
