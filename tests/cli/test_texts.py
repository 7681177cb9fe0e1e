"""The texts a command reads: given ones first, then a file's lines or JSONL fields."""

from __future__ import annotations

import pytest

from fairlm.cli._texts import read_texts
from fairlm.errors import FairlmError


def test_lines_and_jsonl_fields(tmp_path):
    txt = tmp_path / "a.txt"
    txt.write_bytes("\ufeffone\n\n  \ntwo ü\r\n".encode())  # BOM, blank lines, CRLF
    assert read_texts(str(txt), ["zero"], fields=("text",), what="texts") == [
        "zero", "one", "two ü"
    ]  # fmt: skip
    js = tmp_path / "a.jsonl"
    js.write_text('{"prompt": "p", "text": "t"}\n\n{"text": "t2"}\n')
    # the first of the fields an object has
    assert read_texts(str(js), [], fields=("prompt", "text"), what="prompts") == ["p", "t2"]
    assert read_texts(str(js), [], fields=("text",), what="texts") == ["t", "t2"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty: no prompts (one per line)"),
        (b"\n \n", "holds only blank lines: no prompts"),
        (b'{"prompt": 3}\n', "line 1: the 'prompt' or 'text' field must be text, not 3"),
        (b'{"p": "x"}\n', "line 1: expected a JSON object with a 'prompt' or 'text' field"),
        (b'["x"]\n', "line 1: expected a JSON object"),
        (b"caf\xe9\n", ":1: not UTF-8 text (byte 0xe9 at offset 3)"),
    ],
)
def test_refusals_name_the_file_and_line(tmp_path, content, message):
    f = tmp_path / "p.jsonl"
    f.write_bytes(content)
    with pytest.raises(FairlmError) as err:
        read_texts(str(f), [], fields=("prompt", "text"), what="prompts")
    assert message in str(err.value) and "\n" not in str(err.value)


def test_nothing_given_and_no_file():
    with pytest.raises(FairlmError, match="no prompts: give them, or a file of them"):
        read_texts(None, [], fields=("prompt",), what="prompts")
    with pytest.raises(FairlmError, match="cannot read /nonexistent/p.txt"):
        read_texts("/nonexistent/p.txt", ["x"], fields=("prompt",), what="prompts")
