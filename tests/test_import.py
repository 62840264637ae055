"""policesim import: counts held against independent counts of the raw exports, and bad logs
refused in one line naming the file, row and column, with exit code 2."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main
from sim.logs import LogError, read_tidy_log

ROOT = Path(__file__).resolve().parent.parent
SF = ROOT / "scenarios" / "data" / "sf" / "calls_2026-01-15_17.csv"
SEATTLE = ROOT.parent / "shared" / "data" / "seattle" / "call_data_sample.csv"
SF_TIME = "%Y/%m/%d %I:%M:%S %p"


@pytest.fixture(scope="module")
def sf_import(tmp_path_factory):
    out = tmp_path_factory.mktemp("import") / "sf-tidy.csv"
    assert main(["import", str(SF), "--format", "sf", "--out", str(out), "--parquet"]) == 0
    return out


@pytest.fixture(scope="module")
def sf_raw() -> pd.DataFrame:
    return pd.read_csv(SF, dtype=str, keep_default_na=False)


def test_sf_public_calls_with_an_arrival_per_priority_match_a_hand_count(sf_import, sf_raw, capsys):
    raw = sf_raw
    police_public = raw[(raw["agency"] == "Police") & (raw["onview_flag"] == "N")]
    hand = police_public[police_public["onscene_datetime"] != ""].groupby("priority_original").size().to_dict()
    assert hand == {"A": 368, "B": 480, "C": 427}  # SOURCES.md's figures
    tidy = read_tidy_log(sf_import)
    answered = tidy[(tidy["initiated"] == "public") & tidy["arrived"].notna()]
    assert answered.groupby("priority").size().to_dict() == hand


def test_sf_drops_and_flags_are_counted_by_reason(sf_import, sf_raw):
    raw = sf_raw
    tidy = read_tidy_log(sf_import)
    police = raw[raw["agency"] == "Police"]
    assert len(tidy) == len(police) == 2533
    assert (tidy["initiated"] == "officer").sum() == police["onview_flag"].isin(["Y", "HSOC"]).sum() == 1124
    flags = tidy["flags"]
    received = pd.to_datetime(police["received_datetime"], format=SF_TIME)
    expected = {
        "censored": (police["close_datetime"] == "").sum(),
        "no_place": (police["intersection_point"] == "").sum(),
        "before_window": (received < pd.Timestamp("2026-01-15")).sum(),
        "negative_interval": (pd.to_datetime(police["close_datetime"], format=SF_TIME)
                              < pd.to_datetime(police["onscene_datetime"], format=SF_TIME)).sum(),
    }
    for reason, count in expected.items():
        assert flags.str.contains(reason).sum() == count, reason
    assert expected["before_window"] == 20 and expected["negative_interval"] == 5
    parquet = read_tidy_log(sf_import.with_suffix(".parquet"))
    pd.testing.assert_frame_equal(parquet, tidy)


def test_sf_report_prints_counts(tmp_path, capsys):
    assert main(["import", str(SF), "--format", "sf", "--out", str(tmp_path / "t.csv")]) == 0
    out = capsys.readouterr().out
    assert "dropped    837  other_agency" in out
    assert "public-initiated with an arrival, by priority: A 368, B 480, C 427" in out


@pytest.mark.skipif(not SEATTLE.is_file(), reason="shared Seattle sample not beside the checkout")
def test_seattle_placeholder_arrivals_are_blanked_and_counted(tmp_path):
    out = tmp_path / "seattle.csv"
    assert main(["import", str(SEATTLE), "--format", "seattle", "--out", str(out)]) == 0
    raw = pd.read_csv(SEATTLE, dtype=str, keep_default_na=False)
    kept = raw[raw["Priority"] != "-1"]
    tidy = read_tidy_log(out)
    assert len(tidy) == len(kept)
    placeholders = kept["Arrived Time"].str.startswith("01/01/1900").sum()
    assert placeholders == 710
    assert tidy["flags"].str.contains("placeholder_time").sum() == placeholders
    assert tidy["arrived"].isna().sum() == placeholders
    assert (tidy["initiated"] == "officer").sum() == kept["Call Type"].isin(["ONVIEW", "PROACTIVE (OFFICER INITIATED)"]).sum()
    assert set(tidy["priority_rank"]) == {1, 2, 3, 4}


def _broken_time(tmp_path: Path) -> tuple[Path, int]:
    lines = SF.read_text().splitlines()
    row = next(i for i, line in enumerate(lines) if ",Police," in line and i > 10)
    lines[row] = lines[row].replace(lines[row].split(",")[2], "2026/01/15 25:61:00 PM", 1)
    path = tmp_path / "broken-time.csv"
    path.write_text("\n".join(lines) + "\n")
    return path, row + 1


def test_unreadable_time_names_file_row_and_column(tmp_path, capsys):
    path, row = _broken_time(tmp_path)
    assert main(["import", str(path), "--format", "sf", "--out", str(tmp_path / "t.csv")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err
    assert "broken-time.csv" in err and f"row {row}" in err and "'received_datetime'" in err
    assert "25:61:00" in err
    assert not (tmp_path / "t.csv").exists()


@pytest.mark.parametrize("case, args, expected", [
    ("wrong column map", ["--format", "sf", "--map", "Received=created"], ["row 1", "'Received'", "mapped to created"]),
    ("another format", ["--format", "seattle"], ["row 1", "'CAD Event Number'", "no such column"]),
    ("generic without a map", [], ["row 1", "no column mapped to created"]),
    ("unknown field", ["--map", "id=when"], ["--map id=when", "expected a field"]),
])
def test_bad_maps_and_formats_are_one_line_errors(tmp_path, capsys, case, args, expected):
    assert main(["import", str(SF), *args, "--out", str(tmp_path / "t.csv")]) == 2, case
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "calls_2026-01-15_17.csv" in err, case
    for part in expected:
        assert part in err, (case, err)


@pytest.mark.parametrize("content, expected", [
    (b"", "empty file"),
    (b"a,b,c\n", "no rows after the header"),
    (bytes(range(256)) * 4, "not a text CSV file"),
])
def test_empty_and_binary_files_are_refused(tmp_path, capsys, content, expected):
    path = tmp_path / "log.csv"
    path.write_bytes(content)
    assert main(["import", str(path), "--format", "sf", "--out", str(tmp_path / "t.csv")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "log.csv" in err and expected in err


def test_unmapped_priority_names_its_row(tmp_path, capsys):
    lines = SF.read_text().splitlines()
    row = next(i for i, line in enumerate(lines) if ",Police," in line)
    cells = lines[row].split(",")
    index = lines[0].split(",").index("priority_original")
    cells[index] = "E"
    lines[row] = ",".join(cells)
    path = tmp_path / "priority.csv"
    path.write_text("\n".join(lines) + "\n")
    assert main(["import", str(path), "--format", "sf", "--out", str(tmp_path / "t.csv")]) == 2
    err = capsys.readouterr().err
    assert f"row {row + 1}" in err and "'priority_original'" in err and "'E'" in err and "--rank" in err


def test_generic_format_with_a_map_reads_what_sf_reads(tmp_path, sf_import):
    out = tmp_path / "generic.csv"
    mapping = {"id": "call_id", "received_datetime": "created", "onscene_datetime": "arrived",
               "close_datetime": "cleared", "call_type_final_desc": "call_type", "priority_original": "priority",
               "onview_flag": "initiated"}
    args = ["import", str(SF), "--time-format", SF_TIME, "--rank", "A=1", "--rank", "B=2", "--rank", "C=3",
            "--out", str(out)]
    for column, field in mapping.items():
        args += ["--map", f"{column}={field}"]
    assert main(args) == 0
    generic = read_tidy_log(out)
    assert len(generic) == 3370  # no agency column mapped: nothing dropped
    assert (generic["initiated"] == "officer").sum() == 0  # no on-view values given: all public
    sf = read_tidy_log(sf_import).set_index("call_id")
    same = generic.set_index("call_id").loc[sf.index]
    assert (same["created"] == sf["created"]).all() and (same["priority_rank"] == sf["priority_rank"]).all()


def test_reading_a_raw_export_as_a_tidy_log_says_so():
    with pytest.raises(LogError) as caught:
        read_tidy_log(SF)
    message = str(caught.value)
    assert "row 1" in message and "column 'call_id'" in message and "policesim import" in message
