"""``twinschedule match FILE --school ID``: JSON as network.md, text, exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_batch import _write

import twinschedule
from twinschedule import cli


def test_json_is_the_match(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path)
    assert cli.main(["match", str(path), "--school", "dublin", "--top", "2", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert list(got) == ["school", "pool", "partners"]
    expected = twinschedule.match(twinschedule.load_network(path), "dublin", top=2)
    assert got == expected.to_dict()
    assert [p["school"] for p in got["partners"]] == ["lisbon-a", "lisbon-b"]
    assert list(got["partners"][0]) == ["rank", "school", "option"]


def test_text_and_an_empty_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path)
    assert cli.main(["match", str(path), "--school", "far"]) == 0
    out = capsys.readouterr().out
    assert "Partners for far" in out
    assert cli.main(["match", str(path), "--school", "dublin", "--top", "1"]) == 0
    assert "1. lisbon-a" in capsys.readouterr().out


@pytest.mark.parametrize("args", [
    ["--school", "paris"],
    ["--school", "dublin", "--top", "0"],
    ["--school", "dublin", "--workers", "2"],
    ["--all", "--workers", "0"],
    [],
    ["--school", "dublin", "--all"],
])
def test_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                           args: list[str]) -> None:
    path = _write(tmp_path)
    with pytest.raises(SystemExit) as raised:
        raise SystemExit(cli.main(["match", str(path), *args]))
    assert raised.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and err and "Traceback" not in err
