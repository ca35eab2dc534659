"""The command line: exit codes, one-line errors, atomic outputs, info --json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gtconvert.cli import main

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "fixtures" / "shapes" / "annotations.json"
MATLAB_FIXTURES = REPO.parent / "shared" / "fixtures" / "matlab"


def test_info_json_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", str(SAMPLE), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    doc = json.loads(SAMPLE.read_text())
    assert info["images"] == len(doc["images"])
    assert info["annotations"] == len(doc["annotations"])
    assert sum(info["by_kind"].values()) == len(doc["annotations"])
    per_cat = {
        c["id"]: sum(a["category_id"] == c["id"] for a in doc["annotations"]) for c in doc["categories"]
    }
    assert {c["id"]: c["count"] for c in info["categories"]} == per_cat
    assert set(info["categories"][0]) == {"id", "name", "type", "count"}


def test_info_table_is_readable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "images:" in out and "triangle" in out


def test_convert_refuses_to_overwrite_then_overwrites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.json"
    assert main(["convert", str(SAMPLE), str(out)]) == 0
    first = out.read_bytes()
    assert main(["convert", str(SAMPLE), str(out)]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert out.read_bytes() == first
    assert main(["convert", str(SAMPLE), str(out), "--overwrite"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]  # no temporary left


def test_bad_input_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"images": [')
    assert main(["convert", str(bad), str(tmp_path / "o.json"), "--from", "coco"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and str(bad) in err and "\n" not in err
    assert not (tmp_path / "o.json").exists()


def test_option_that_does_not_apply(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(SAMPLE), str(tmp_path / "o.json"), "--vertex-convention", "openlabel"]) == 2
    assert "--vertex-convention does not apply" in capsys.readouterr().err


def test_unknown_format_lists_the_known_ones(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(SAMPLE), str(tmp_path / "o"), "--to", "nope"]) == 2
    assert "coco" in capsys.readouterr().err


def test_report_json_is_written(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    assert main(["convert", str(SAMPLE), str(tmp_path / "o.json"), "--report", str(report)]) == 0
    assert "events" in json.loads(report.read_text())


def test_python_dash_m_and_help_are_quick() -> None:
    # the console entry and `python -m gtconvert` are the same program
    res = subprocess.run(
        [sys.executable, "-m", "gtconvert", "formats"], capture_output=True, text=True, check=True
    )
    assert "coco" in res.stdout
    res = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import gtconvert"],
        capture_output=True,
        text=True,
        check=True,
    )
    heavy = [
        m
        for m in ("numpy", "pandas", "pycocotools", "cv2", "matio", "scipy")
        if f" {m}\n" in res.stderr + "\n"
    ]
    assert heavy == [], f"import gtconvert pulls in {heavy}"


@pytest.mark.parametrize("command", ["convert", "info", "validate"])
def test_every_listed_option_is_a_flag(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`gtconvert formats` lists options from the readers' and writers' signatures: each is a flag."""
    from gtconvert import registry

    with pytest.raises(SystemExit):
        main([command, "--help"])
    flags = set(capsys.readouterr().out.replace(",", " ").split())
    for fmt in registry.available():
        for action in ("read", "write"):
            for option in fmt.options(action):
                flag = "--" + option.replace("_", "-")
                assert flag in flags or (option == "overwrite" and command != "convert"), (
                    f"{fmt.name} --{option}"
                )


def _cli_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err
    return err.removeprefix("error: ")


def test_an_option_no_side_accepts_is_the_same_error_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One policy (registry.route_options) for the CLI's convert, info, validate and the library."""
    import gtconvert

    with pytest.raises(gtconvert.GtconvertError) as reading:
        gtconvert.read(SAMPLE, vertex_convention="openlabel")
    message = str(reading.value)
    assert message.startswith("--vertex-convention does not apply to reading coco")
    assert "reading coco accepts --exif-frame, --images" in message
    for command in ("info", "validate"):
        assert _cli_error([command, str(SAMPLE), "--vertex-convention", "openlabel"], capsys) == message

    out = tmp_path / "o.json"
    with pytest.raises(gtconvert.GtconvertError) as converting:
        gtconvert.convert(SAMPLE, out, vertex_convention="openlabel", bw=True)
    message = str(converting.value)
    assert message.startswith("--bw, --vertex-convention does not apply to reading coco or writing coco")
    argv = ["convert", str(SAMPLE), str(out), "--vertex-convention", "openlabel", "--bw"]
    assert _cli_error(argv, capsys) == message
    assert not out.exists()

    dataset = gtconvert.read(SAMPLE)
    with pytest.raises(gtconvert.GtconvertError, match="--images does not apply to writing coco"):
        gtconvert.write(dataset, out, images="somewhere")
    with pytest.raises(gtconvert.GtconvertError, match="--indent does not apply to reading coco"):
        gtconvert.convert(SAMPLE, out, read_options={"indent": True})
    assert not out.exists()


def test_options_reach_the_side_that_takes_them(tmp_path: Path) -> None:
    import gtconvert

    out = tmp_path / "o.json"
    gtconvert.convert(SAMPLE, out, images=str(SAMPLE.parent / "images"), indent=True)
    assert out.read_text().startswith('{\n  "')  # --indent reached the writer
    assert gtconvert.read(out).image_root == str(out.parent)  # and --images only the reader


@pytest.mark.skipif(not MATLAB_FIXTURES.is_dir(), reason="shared MATLAB fixtures not present")
def test_info_and_validate_take_the_reader_options(capsys: pytest.CaptureFixture[str]) -> None:
    """Once dropped silently by info and validate; now routed as for convert."""
    import gtconvert
    from gtconvert import validate
    from gtconvert.report import Report

    mat = MATLAB_FIXTURES / "ivan-polygon" / "gTruthV1.mat"
    with Report() as read_events:
        dataset = gtconvert.read(mat, vertex_convention="openlabel")
    assert main(["info", str(mat), "--json", "--vertex-convention", "openlabel"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(dataset.counts()))
    from_reader, _ = validate.reader_findings(read_events.events)  # what the reader warned of, first
    findings = [f.as_dict() for f in validate.combined(from_reader, validate.check(dataset))]
    assert main(["validate", str(mat), "--json", "--vertex-convention", "openlabel"]) == (
        1 if findings else 0
    )
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(findings))


def test_readme_main_job(tmp_path: Path) -> None:
    """The README's first command: the shipped sample becomes a YOLO dataset with its images."""
    out = tmp_path / "out"
    assert main(["convert", str(SAMPLE), str(out), "--to", "yolo"]) == 0
    doc = json.loads(SAMPLE.read_text())
    for image in doc["images"]:
        stem = Path(image["file_name"]).with_suffix("")
        assert (out / "images" / image["file_name"]).is_file()  # found beside the JSON, under images/
        assert (out / "labels" / stem).with_suffix(".txt").is_file()
    assert (out / "data.yaml").is_file()
