"""Suggestions and the near miss in the reader's language: the text output's lines, the
JSON ``text`` (the partnership's language), the structured data unchanged."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT
from test_suggest import MADRID_MEXICO

import twinschedule
from twinschedule.core.suggest import say
from twinschedule.i18n.words import FSI, PDI, RLM, words
from twinschedule.render.text import render


@pytest.fixture(scope="module")
def madrid() -> twinschedule.Plan:
    plan = twinschedule.plan(twinschedule.from_dict(copy.deepcopy(MADRID_MEXICO)))
    assert plan.suggestions
    return plan


def _flat(text: str) -> str:
    """The text output with its lines joined again (wrapping undone, marks removed)."""
    for mark in (FSI, PDI, RLM):
        text = text.replace(mark, "")
    return " ".join(x.strip() for x in text.splitlines())


def test_german_suggestions_in_the_text_output(madrid: twinschedule.Plan) -> None:
    out = _flat(render(madrid, lang="de", width=100))
    assert "Was mehr Treffen ermöglichen würde (jeweils eine Änderung):" in out
    assert ("Wenn sich IES San Isidro bis 15:00 statt bis 14:30 treffen könnte, käme man auf 6 "
            "von 10 Treffen: jeden 4. Dienstag im Monat um 14:00 (Europe/Madrid).") in out
    assert ("Wenn das Treffen 30 Minuten statt 45 Minuten dauerte, käme man auf 6 von 10 "
            "Treffen:") in out
    assert "Closest" not in out and "What would" not in out and "If " not in out
    assert "Am nächsten kommt: jeden 4. Dienstag im Monat um 14:00 (Europe/Madrid)" in out


def test_arabic_suggestions_and_near_miss(madrid: twinschedule.Plan) -> None:
    w = words("ar")
    text = render(madrid, lang="ar", width=100)
    assert all(line.startswith(RLM) for line in text.splitlines() if line)
    out = _flat(text)
    assert "ما الذي يتيح اجتماعات أكثر (تغيير واحد في كل مرة):" in out
    for s in madrid.suggestions:
        sentence = _flat(say(madrid.partnership, s, w))
        assert sentence in out
        assert _flat(w.rule(s.rule)) in sentence and "If " not in sentence
    assert "الأقرب:" in out and "Closest" not in out


def test_near_miss_in_german_for_the_shipped_infeasible_example() -> None:
    plan = twinschedule.plan(twinschedule.load(EXAMPLES / "infeasible" / "honolulu-delhi.toml"))
    assert plan.diagnostics is not None and plan.diagnostics.near_miss is not None
    nm = plan.diagnostics.near_miss
    out = _flat(render(plan, lang="de", width=100))
    w = words("de")
    assert (f"Am nächsten kommt: {w.rule(nm.rule)}, ausgeschlossen in {nm.failed} von "
            f"{nm.months} Monaten:") in out
    assert ("Punahou School: ausgeschlossen in 12 von 12 Monaten (außerhalb der Zeiten: lokal "
            "14:45–15:30 liegt außerhalb von 07:45–14:45)") in out
    assert "is outside" not in out  # the detail sentence in German, not English
    assert "is outside" in _flat(render(plan, lang="en", width=100))


def test_every_kind_of_change_is_worded_in_every_language() -> None:
    """Each sentence of the family, in every catalog, with its values filled in."""
    from twinschedule.core.suggest import changes, text
    from twinschedule.i18n.words import languages

    data = copy.deepcopy(MADRID_MEXICO)
    data["partnership"]["on_conflict"] = "skip"
    data["partnership"]["weekdays"] = ["MO", "TU"]
    data["partnership"]["weeks"] = [1, 2]
    p = twinschedule.from_dict(data)
    family = changes(p)
    assert {c.kind for c in family} == {"earlier", "later", "duration", "weekdays", "weeks",
                                        "moves"}
    rule = twinschedule.plan(twinschedule.from_dict(MADRID_MEXICO)).suggestions[0].rule
    for lang in languages():
        w = words(lang)
        said = {text(c, rule, 7, 10, w) for c in family}
        assert len(said) == len(family)  # every change reads differently
        for sentence in said:
            assert w.number(7) in sentence and _flat(w.rule(rule)) in _flat(sentence)
            assert "{" not in sentence
            if lang != "en":
                assert "meetings would be held" not in sentence, (lang, sentence)


def test_json_text_is_in_the_partnerships_language() -> None:
    english = twinschedule.plan(twinschedule.from_dict(copy.deepcopy(MADRID_MEXICO)))
    data = copy.deepcopy(MADRID_MEXICO)
    data["partnership"]["language"] = "de"
    german = twinschedule.plan(twinschedule.from_dict(data))
    a, b = english.to_dict()["suggestions"], german.to_dict()["suggestions"]
    assert [{k: v for k, v in s.items() if k != "text"} for s in a] == \
        [{k: v for k, v in s.items() if k != "text"} for s in b]
    assert a[0]["text"].startswith("If ") and b[0]["text"].startswith("Wenn ")
    assert [s["text"] for s in b] == [say(german.partnership, s, words("de"))
                                      for s in german.suggestions]


def test_cli_lang_words_the_text_not_the_json(tmp_path: Path) -> None:
    target = tmp_path / "madrid.json"
    target.write_text(json.dumps(MADRID_MEXICO))
    run = [sys.executable, "-m", "twinschedule", "plan", str(target), "--lang", "de"]
    done = subprocess.run([*run, "--json"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["suggestions"][0]["text"].startswith("If ")
    done = subprocess.run(run, capture_output=True, text=True, cwd=ROOT)
    assert "Wenn sich IES San Isidro bis 15:00" in done.stdout
