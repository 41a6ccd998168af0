"""Normalising source values before pandera: bools, numbers, dates, codes, column names."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.layers._normalise import (
    match_columns,
    to_bool,
    to_date,
    to_gemeentecode,
    to_number,
    to_text,
)

_SPELLINGS = {True: ["ja", "Ja", "JA", "j", "1", "true", "True", "waar", "yes", " ja "],
              False: ["nee", "Nee", "n", "0", "false", "FALSE", "onwaar", "no", "nee "]}


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 8)), min_size=1, max_size=30))
def test_any_spelling_of_ja_nee_is_read_back(items):
    values = [v for v, _ in items]
    spelled = [_SPELLINGS[v][i % len(_SPELLINGS[v])] for v, i in items]
    result, bad = to_bool(pd.Series(spelled, dtype=object))
    assert not bad.any()
    assert result.tolist() == values


def test_bool_marks_unreadable_and_keeps_missing_apart():
    result, bad = to_bool(pd.Series(["ja", "misschien", None, 2], dtype=object))
    assert bad.tolist() == [False, True, False, True]
    assert result.isna().tolist() == [False, True, True, True]


def test_numbers():
    result, bad = to_number(pd.Series(["1,5", " 2 ", "", "x", None], dtype=object),
                            integer=False)
    assert result.iloc[:2].tolist() == [1.5, 2.0]
    assert result.iloc[2:].isna().all()
    assert bad.tolist() == [False, False, False, True, False]
    _, bad = to_number(pd.Series([1.0, 2.5]), integer=True)
    assert bad.tolist() == [False, True]


def test_dates_iso_dutch_and_datetime():
    result, bad = to_date(pd.Series(["2024-02-29", "29-02-2024", "29/2/2024", "20240229",
                                     "30-02-2024"]))
    assert bad.tolist() == [False, False, False, False, True]
    assert (result.iloc[:4] == pd.Timestamp("2024-02-29")).all()
    aware = pd.Series(pd.to_datetime(["2024-03-01 23:30"]).tz_localize("Europe/Amsterdam"))
    assert to_date(aware)[0].tolist() == [pd.Timestamp("2024-03-01")]
    assert to_date(aware)[0].dtype == "datetime64[ns]"


def test_text_from_whole_floats_and_blank_is_missing():
    result, _ = to_text(pd.Series([1.0, 20.0, float("nan")]))
    assert result.iloc[:2].tolist() == ["1", "20"] and pd.isna(result.iloc[2])
    result, _ = to_text(pd.Series([" a ", "   "], dtype=object))
    assert result.iloc[0] == "a" and pd.isna(result.iloc[1])


@pytest.mark.parametrize("raw, code", [("981", "GM0981"), (981, "GM0981"), ("gm0014", "GM0014"),
                                       ("GM1954", "GM1954"), ("G0981", "G0981")])
def test_gemeentecode(raw, code):
    assert to_gemeentecode(pd.Series([raw], dtype=object))[0].tolist() == [code]


def test_column_names_case_and_shapefile_truncation():
    wanted = ["leegstand_pct", "woonfunctie_pct", "aantal_vestigingen", "naam"]
    present = ["Leegstand_", "woonfuncti", "aantal_ves", "NAAM", "eigen"]
    assert match_columns(present, wanted) == {
        "Leegstand_": "leegstand_pct", "woonfuncti": "woonfunctie_pct",
        "aantal_ves": "aantal_vestigingen", "NAAM": "naam"}


def test_ambiguous_truncation_not_guessed():
    wanted = ["permanente_bewoning_pct", "permanente_eigenaren_pct"]
    assert match_columns(["permanente"], wanted) == {}
