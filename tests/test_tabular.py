"""Per-study tables: CSV, TSV, XLSX and JSON, with errors that name file, line, column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sysreview.errors import ParseError
from sysreview.tabular import read_table


def test_csv_with_bom_and_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "bcg.csv"
    path.write_text("\ufeffstudy;ai;n1i\nAronson 1948;4;123\n\nFerguson;6;306\n", encoding="utf-8")
    table = read_table(path)
    assert table.texts("study") == ["Aronson 1948", "Ferguson"]
    assert table.numbers("ai") == [4.0, 6.0]
    assert table.lines == [2, 4]


def test_tsv_and_unicode_minus(tmp_path: Path) -> None:
    path = tmp_path / "g.tsv"
    path.write_text("yi\tvi\n\u22120.5\t0.1\n", encoding="utf-8")
    assert read_table(path).numbers("yi") == [-0.5]


def test_bad_cell_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("yi,vi\n0.1,0.2\n0.3,n/a\n", encoding="utf-8")
    with pytest.raises(ParseError) as err:
        read_table(path).numbers("vi")
    assert (err.value.path, err.value.line, err.value.field) == (str(path), 3, "vi")


def test_missing_column_lists_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("yi,vi\n1,2\n", encoding="utf-8")
    with pytest.raises(ParseError, match=r"no column 'sei' \(columns: yi, vi\)"):
        read_table(path).numbers("sei")


def test_duplicate_header_and_long_rows(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("yi,yi\n1,2\n", encoding="utf-8")
    with pytest.raises(ParseError, match="named twice"):
        read_table(path)
    path.write_text("yi,vi\n1,2,3\n", encoding="utf-8")
    with pytest.raises(ParseError, match="3 cells") as err:
        read_table(path)
    assert err.value.line == 2


def test_json_list_or_studies_object(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(
        json.dumps(
            {"studies": [{"study": "A", "yi": 0.1, "vi": 0.2}, {"study": "B", "yi": -1, "vi": 1}]}
        )
    )
    table = read_table(path)
    assert table.numbers("yi") == [0.1, -1.0] and table.texts("study") == ["A", "B"]
    path.write_text("[1, 2]")
    with pytest.raises(ParseError, match="list of objects"):
        read_table(path)
    path.write_text("[{")
    with pytest.raises(ParseError, match="not valid JSON") as err:
        read_table(path)
    assert err.value.line == 1


def test_xlsx(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["study", "m1i", "sd1i", None])
    sheet.append(["Edinburgh", 55, 47])
    sheet.append(["Orpington", "x", 45])
    path = tmp_path / "n.xlsx"
    book.save(path)
    table = read_table(path)
    assert table.texts("study") == ["Edinburgh", "Orpington"]
    with pytest.raises(ParseError) as err:
        table.numbers("m1i")
    assert (err.value.line, err.value.field) == (3, "m1i")


def test_unknown_format_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="no such file"):
        read_table(tmp_path / "none.csv")
    (tmp_path / "x.sav").write_text("")
    with pytest.raises(ParseError, match="unknown table format"):
        read_table(tmp_path / "x.sav")


def test_json_shape_error_names_what_a_row_is(tmp_path: Path) -> None:
    path = tmp_path / "rows.json"
    path.write_text(json.dumps({"study": "A", "n_1": 10}), encoding="utf-8")
    with pytest.raises(ParseError) as err:
        read_table(path)  # outcome data, records: no word about studies
    assert "one per row" in err.value.message and "studies" not in err.value.message
    with pytest.raises(ParseError, match=r"one per study,.*'studies'"):
        read_table(path, row="study")


def test_latin1_csv_is_refused_naming_file_line_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(b"study,yi,vi\nAronson,0.1,0.2\nM\xfcller,0.3,0.1\n")
    with pytest.raises(ParseError) as err:
        read_table(path)
    assert err.value.path == str(path) and err.value.line == 3
    assert "byte 0xfc at byte offset 29" in err.value.message and "UTF-8" in (err.value.hint or "")


def test_utf16_with_its_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes("study\tyi\tvi\nMüller\t0.1\t0.2\n".encode("utf-16"))
    assert read_table(path).texts("study") == ["Müller"]


@pytest.mark.parametrize(
    "content", [b"\x7fELF" + bytes(range(256)) * 8, b"PK\x03\x04 not a zip", b""]
)
def test_a_file_named_xlsx_that_is_no_workbook(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "data.xlsx"
    path.write_bytes(content)
    with pytest.raises(ParseError, match=r"not an \.xlsx workbook") as err:
        read_table(path)
    assert err.value.path == str(path)


def test_a_zip_without_a_workbook_named_xlsx(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "data.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(ParseError, match=r"not an \.xlsx workbook"):
        read_table(path)
