"""Limits that keep a stray file from stalling a batch: a patient file is a few kilobytes, and
tomllib's time grows with the square of a dotted key's length. Both sides of each limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from cartscreen.errors import InputError
from cartscreen.patient import MAX_DOTS_PER_LINE, MAX_FILE_BYTES, load_patient
from tests_support import ELIGIBLE, run, write

BASE = ELIGIBLE.read_text(encoding="utf-8")


def _padded_to(size: int, tmp_path: Path) -> Path:
    """The eligible sample, padded with a comment to exactly ``size`` bytes."""
    head = BASE.encode("utf-8") + b"# "
    path = tmp_path / "padded.toml"
    path.write_bytes(head + b"x" * (size - len(head) - 1) + b"\n")
    assert path.stat().st_size == size
    return path


def test_a_file_of_the_largest_size_loads(tmp_path: Path) -> None:
    assert load_patient(_padded_to(MAX_FILE_BYTES, tmp_path)).id == "CS-SLE-001"


def test_one_byte_more_is_refused_without_parsing(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_patient(_padded_to(MAX_FILE_BYTES + 1, tmp_path))
    assert caught.value.key is None
    assert caught.value.message.startswith("larger than 1 MiB")


@pytest.mark.parametrize(("dots", "refused"), [(MAX_DOTS_PER_LINE, False),
                                               (MAX_DOTS_PER_LINE + 1, True)])
def test_dots_on_one_line(tmp_path: Path, dots: int, refused: bool) -> None:
    path = write(tmp_path / "dots.toml", BASE + "# " + "." * dots + "\n")
    line = BASE.count("\n") + 1
    if refused:
        with pytest.raises(InputError) as caught:
            load_patient(path)
        assert caught.value.line == line
        assert "more than 1000 dots on one line" in caught.value.message
    else:
        assert load_patient(path).id == "CS-SLE-001"


def test_many_dots_spread_over_lines_are_fine(tmp_path: Path) -> None:
    text = BASE + "".join("# " + "." * 50 + "\n" for _ in range(100))
    assert load_patient(write(tmp_path / "p.toml", text)).id == "CS-SLE-001"


def test_a_huge_dotted_key_is_refused_at_once_in_a_batch(tmp_path: Path) -> None:
    # 100,000 parts: tomllib alone would take minutes over this line.
    folder = tmp_path / "clinic"
    write(folder / "a.toml", BASE)
    write(folder / "b.toml", 'id = "X"\n' + "k" + ".k" * 100_000 + " = 1\n")
    result = run("check", folder, "--format", "jsonl")  # run() gives up after 60 s
    assert result.returncode == 3
    assert result.stderr.splitlines() == [
        f"cartscreen: {folder / 'b.toml'}:2: more than 1000 dots on one line, far more than a "
        "patient file's keys and values hold; check that this is a patient file"]
    assert len(result.stdout.splitlines()) == 5 + 1  # a.toml's five trials and b's error row
