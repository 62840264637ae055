"""A small tidy log and a scenario that replays it, for the replay and check tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from sim.logs import write_tidy_log

START = datetime(2026, 1, 15)  # a Thursday
CENTRE_LON, CENTRE_LAT = 76.9, 43.25


def tidy_log(n: int = 300, seed: int = 5, messy: bool = True) -> pd.DataFrame:
    """`n` public calls over two days, priorities A/B/C, each with a place and every time; with
    `messy`, also an officer-initiated call, a flagged one and one without a place."""
    rng = np.random.default_rng(seed)
    created = [START + timedelta(minutes=float(m)) for m in np.sort(rng.uniform(0, 2 * 1440, n))]
    delay = rng.exponential(4.0, n)
    travel = rng.exponential(8.0, n)
    on_scene = rng.exponential(30.0, n)
    frame = pd.DataFrame({
        "call_id": [f"L{i:05d}" for i in range(n)],
        "created": created,
        "dispatched": [c + timedelta(minutes=float(d)) for c, d in zip(created, delay)],
        "arrived": [c + timedelta(minutes=float(d + t)) for c, d, t in zip(created, delay, travel)],
        "cleared": [c + timedelta(minutes=float(d + t + s)) for c, d, t, s in zip(created, delay, travel, on_scene)],
        "call_type": rng.choice(["theft", "assault", "noise"], n),
        "priority": rng.choice(["A", "B", "C"], n, p=[0.3, 0.5, 0.2]),
        "lon": CENTRE_LON + rng.uniform(-0.02, 0.02, n),
        "lat": CENTRE_LAT + rng.uniform(-0.015, 0.015, n),
        "district": rng.choice(["North", "South"], n),
        "initiated": "public",
        "on_scene_min": on_scene,
        "flags": "",
    })
    if messy:
        frame.loc[3, "initiated"] = "officer"
        frame.loc[4, "flags"] = "negative interval"
        frame.loc[5, ["lon", "lat"]] = np.nan
        frame.loc[5, "priority"], frame.loc[5, "district"] = "A", "South"
    frame["priority_rank"] = frame["priority"].map({"A": 1, "B": 2, "C": 3})
    return frame


def scenario_toml(log_name: str, extra: str = "", random_type: bool = True) -> str:
    """Two districts with a station each; priorities A and B replayed, `other` drawn at random."""
    other = """
[demand.other]
kind = "field"
priority = 3
yearly_volume = 20000
service = { dist = "exponential", mean_min = 30 }
""" if random_type else ""
    return f'''
name = "replay-test"
[city]
districts = [{{ name = "North", population = 50000, neighbours = ["South"] }},
             {{ name = "South", population = 50000, neighbours = ["North"] }}]
precincts = [
  {{ name = "N1", district = "North", population = 50000, lon = {CENTRE_LON}, lat = {CENTRE_LAT + 0.008}, radius_km = 1.2 }},
  {{ name = "S1", district = "South", population = 50000, lon = {CENTRE_LON}, lat = {CENTRE_LAT - 0.008}, radius_km = 1.2 }},
]
stations = [
  {{ name = "North station", kind = "fixed", precinct = "N1", lon = {CENTRE_LON}, lat = {CENTRE_LAT + 0.008}, inspectors = 6 }},
  {{ name = "South station", kind = "fixed", precinct = "S1", lon = {CENTRE_LON}, lat = {CENTRE_LAT - 0.008}, inspectors = 6 }},
]
[demand.priority-A]
kind = "field"
priority = 1
yearly_volume = 30000
service = {{ dist = "exponential", mean_min = 30 }}
[demand.priority-B]
kind = "field"
priority = 2
yearly_volume = 50000
service = {{ dist = "exponential", mean_min = 30 }}
{other}
[demand_log]
file = "{log_name}"
{extra}
[demand_log.call_types]
A = "priority-A"
B = "priority-B"
[run]
horizon_days = 6
warmup_days = 7
replications = 2
'''


def write_replay(folder: Path, frame: pd.DataFrame, extra: str = "", random_type: bool = True) -> Path:
    write_tidy_log(frame, folder / "calls.csv")
    path = folder / "replay.toml"
    path.write_text(scenario_toml("calls.csv", extra, random_type), encoding="utf-8")
    return path
