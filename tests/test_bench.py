"""The benchmark: its generator is deterministic, and the whole run works at size S (no timings)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.generate import SIZES, generate, write_database
from bench.run import METRICS, main


def test_generator_writes_the_same_bytes_for_the_same_seed(tmp_path: Path) -> None:
    first, second, other = tmp_path / "1.json", tmp_path / "2.json", tmp_path / "3.json"
    write_database(first, SIZES["S"], seed=7)
    write_database(second, SIZES["S"], seed=7)
    write_database(other, SIZES["S"], seed=8)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()


def test_generated_sizes_have_the_accounts_and_nodes_the_design_names() -> None:
    portfolio = generate(SIZES["S"], seed=1)
    assert len(portfolio.accounts) == 20
    assert {account.node_count() for account in portfolio.accounts} == {50}
    assert len({account.name for account in portfolio.accounts}) == 20
    assert (SIZES["M"].accounts, SIZES["M"].nodes) == (200, 50)
    assert (SIZES["L"].accounts, SIZES["L"].nodes) == (1000, 100)


def test_generator_refuses_to_overwrite_a_database(tmp_path: Path) -> None:
    path = tmp_path / "plans.json"
    path.write_text("{}")
    with pytest.raises(FileExistsError):
        write_database(path, SIZES["S"])
    assert path.read_text() == "{}"


def test_bench_smoke_at_size_s(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["--size", "S", "--repeat", "1", "--json", "--dir", str(tmp_path)])
    report = json.loads(capsys.readouterr().out)
    assert status == 0, report["raw"]["errors"]
    assert report["size"] == "S"
    for key in METRICS:
        assert isinstance(report[key], float) and report[key] > 0, key
