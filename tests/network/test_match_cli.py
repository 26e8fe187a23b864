"""``twinschedule match FILE --school ID``: JSON as network.md, text, exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_batch import _write

import twinschedule
from twinschedule import cli
from twinschedule.render.match_text import render_all


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


def _with_countries(tmp_path: Path) -> Path:
    """The pool file with Dublin and lisbon-a in Ireland, the other Lisbon schools in
    Portugal, Nairobi in Kenya and "far" without a country."""
    path = _write(tmp_path)
    text = path.read_text(encoding="utf-8")
    countries = {"dublin": "IE", "lisbon-a": "IE", "lisbon-b": "PT", "lisbon-c": "PT",
                 "nairobi": "KE"}
    for sid, code in countries.items():
        text = text.replace(f'id = "{sid}"\n', f'id = "{sid}"\ncountry = "{code}"\n')
    path.write_text(text, encoding="utf-8")
    assert text.count("country = ") == len(countries)
    return path


def test_partners_abroad_unless_same_country(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = _with_countries(tmp_path)
    network = twinschedule.load_network(path)
    assert cli.main(["match", str(path), "--school", "dublin", "--json"]) == 0
    abroad = json.loads(capsys.readouterr().out)
    assert abroad == twinschedule.match(network, "dublin").to_dict()
    assert abroad["pool"] == 4 and "lisbon-a" not in [p["school"] for p in abroad["partners"]]
    assert cli.main(["match", str(path), "--school", "dublin", "--json",
                     "--same-country"]) == 0
    home = json.loads(capsys.readouterr().out)
    assert home == twinschedule.match(network, "dublin", same_country=True).to_dict()
    assert home["pool"] == 5 and home["partners"][0]["school"] == "lisbon-a"
    assert cli.main(["match", str(path), "--school", "dublin"]) == 0
    assert ("(schools in other countries only; --same-country adds the 1 school of its own country)"
            in capsys.readouterr().out)
    assert cli.main(["match", str(path), "--school", "dublin", "--same-country"]) == 0
    assert "--same-country adds" not in capsys.readouterr().out


@pytest.mark.parametrize("same_country", [False, True])
def test_all_abroad_unless_same_country(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        same_country: bool) -> None:
    path = _with_countries(tmp_path)
    network = twinschedule.load_network(path)
    flag = ["--same-country"] if same_country else []
    assert cli.main(["match", str(path), "--all", "--top", "2", "--json", *flag]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got == [twinschedule.match(network, s.id, top=2, same_country=same_country)
                   .to_dict() for s in network.schools]
    assert [m["pool"] for m in got] == ([5] * 6 if same_country else [4, 5, 4, 5, 4, 4])


@pytest.mark.parametrize("workers", [[], ["--workers", "2"]])
def test_all_writes_the_bytes_of_one_dump(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          workers: list[str]) -> None:
    """Each match is turned into its JSON text as it arrives: the output is still
    ``json.dumps`` of the whole list, byte for byte, and the text as render_all's."""
    path = _with_countries(tmp_path)
    network = twinschedule.load_network(path)
    matches = twinschedule.match_all(network, top=3)
    assert cli.main(["match", str(path), "--all", "--top", "3", "--json", *workers]) == 0
    out, err = capsys.readouterr()
    assert out == json.dumps([m.to_dict() for m in matches], indent=2,
                             ensure_ascii=False) + "\n"
    assert err == ""  # progress only ever on standard error, and not here (no terminal)
    assert cli.main(["match", str(path), "--all", "--top", "3", *workers]) == 0
    assert capsys.readouterr().out == render_all(matches, network)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=6),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=12)


@given(st.lists(_JSON, max_size=4))
def test_items_written_one_at_a_time_make_the_whole_dump(items: list[object]) -> None:
    import io
    import sys

    out = io.StringIO()
    real, sys.stdout = sys.stdout, out
    try:
        cli._write_json_list(cli._json_item(x) for x in items)
    finally:
        sys.stdout = real
    assert out.getvalue() == json.dumps(items, indent=2, ensure_ascii=False) + "\n"
