"""CLI helpers: output files are whole or absent; the progress bar waits for large inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from ceasefire.cli import output


def test_emit_writes_whole_file(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    output.emit(lambda fp: fp.write("done\n") and None, out)
    assert out.read_text() == "done\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_emit_leaves_nothing_when_writing_fails(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    out.write_text("previous\n")

    def broken(fp: object) -> None:
        fp.write("half")  # type: ignore[attr-defined]
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        output.emit(broken, out)
    assert out.read_text() == "previous\n"  # the old file is untouched, no temp file is left
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


@pytest.mark.parametrize(
    ("rows", "shown"),
    [(10_000, False), (99_999, False), (100_000, True), (2_000_000, True)],
    ids=["small", "just-below", "threshold", "large"],
)
def test_progress_appears_only_past_the_threshold(rows: int, shown: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[bool] = []
    monkeypatch.setattr(output.Progress, "start", lambda self: started.append(True))
    monkeypatch.setattr(output.Progress, "stop", lambda self: None)
    with output.progress_bar("reading") as update:
        update(rows)
    assert bool(started) is shown
