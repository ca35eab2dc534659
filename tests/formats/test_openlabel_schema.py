"""Our OpenLABEL output has the structure of the ASAM OpenLABEL 1.0.0 JSON schema.

The ASAM schema file is not shipped (its licence is ASAM's, not an open one). ``STRUCTURE`` is
our own statement, in JSON schema (draft 7, checked with ``jsonschema``), of the rules of that
schema for every part gtconvert writes: which keys each element may have (objects, object
data lists, frames, frame objects, contexts, streams and frame intervals are closed;
geometric and attribute entries and ``metadata``/``frame_properties`` are open), the required
keys, the lengths of ``bbox``/``rbbox``/``point2d`` values and the key patterns.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings

import gtconvert

from .test_openlabel_roundtrip import openlabel_datasets

DATA = Path(__file__).parent / "data" / "openlabel"
UID = r"^(-?[0-9]+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"


def _numbers(n: int | None = None) -> dict:
    out: dict = {"type": "array", "items": {"type": "number"}}
    if n is not None:
        out.update(minItems=n, maxItems=n)
    return out


def _entry(required: tuple[str, ...], **props) -> dict:
    return {
        "type": "object",
        "required": list(required),
        "properties": {
            "name": {"type": "string"},
            "attributes": {"$ref": "#/definitions/attributes"},
            **props,
        },
    }


def _list_of(ref: str) -> dict:
    return {"type": "array", "items": {"$ref": f"#/definitions/{ref}"}}


def _keyed(ref: str, pattern: str = UID) -> dict:
    return {
        "type": "object",
        "patternProperties": {pattern: {"$ref": f"#/definitions/{ref}"}},
        "additionalProperties": False,
    }


_VALUE_TYPES = {"text": "text", "num": "num", "boolean": "boolean", "vec": "vec"}
STRUCTURE = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["openlabel"],
    "additionalProperties": False,
    "properties": {"openlabel": {"$ref": "#/definitions/openlabel"}},
    "definitions": {
        "openlabel": {
            "type": "object",
            "required": ["metadata"],
            "additionalProperties": False,
            "properties": {
                "metadata": {
                    "type": "object",
                    "required": ["schema_version"],
                    "properties": {"schema_version": {"enum": ["1.0.0"]}},
                },
                "objects": _keyed("object"),
                "contexts": _keyed("context"),
                "frames": _keyed("frame", r"^[0-9]+$"),
                "streams": {"type": "object", "additionalProperties": {"$ref": "#/definitions/stream"}},
                "frame_intervals": _list_of("frame_interval"),
            },
        },
        "object": {
            "type": "object",
            "required": ["name", "type"],
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string"},
                "type": {"type": "string"},
                "object_data": {"$ref": "#/definitions/object_data"},
                "object_data_pointers": {"$ref": "#/definitions/pointers"},
                "frame_intervals": _list_of("frame_interval"),
            },
        },
        "object_data": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                **{k: _list_of(k) for k in ("bbox", "rbbox", "point2d", "poly2d", "image")},
                **{k: _list_of(v) for k, v in _VALUE_TYPES.items()},
            },
        },
        "attributes": {
            "type": "object",
            "additionalProperties": False,
            "properties": {k: _list_of(v) for k, v in _VALUE_TYPES.items()},
        },
        "bbox": _entry(("name", "val"), val=_numbers(4)),
        "rbbox": _entry(("name", "val"), val=_numbers(5)),
        "point2d": _entry(("name", "val"), val=_numbers(2)),
        "poly2d": _entry(
            ("name", "val", "mode", "closed"),
            val=_numbers(),
            mode={"type": "string"},
            closed={"type": "boolean"},
            hierarchy={"type": "array", "items": {"type": "integer"}, "minItems": 4, "maxItems": 4},
        ),
        "image": _entry(
            ("name", "val", "mime_type", "encoding"),
            val={"type": "string"},
            mime_type={"type": "string"},
            encoding={"type": "string"},
        ),
        "text": _entry(("val",), val={"type": "string"}),
        "num": _entry(("val",), val={"type": "number"}),
        "boolean": _entry(("val",), val={"type": "boolean"}),
        "vec": _entry(("val",), val={"type": "array", "items": {"type": ["number", "string"]}}),
        "pointers": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["frame_intervals"],
                "properties": {"frame_intervals": _list_of("frame_interval"), "type": {"type": "string"}},
            },
        },
        "frame_interval": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"frame_start": {"type": "integer"}, "frame_end": {"type": "integer"}},
        },
        "frame": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "objects": {
                    "type": "object",
                    "additionalProperties": False,
                    "patternProperties": {
                        UID: {
                            "type": "object",
                            "additionalProperties": False,
                            "properties": {"object_data": {"$ref": "#/definitions/object_data"}},
                        }
                    },
                },
                "frame_properties": {
                    "type": "object",
                    "properties": {"timestamp": {"type": ["string", "number"]}},
                },
            },
        },
        "context": {
            "type": "object",
            "required": ["name", "type"],
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string"},
                "type": {"type": "string"},
                "frame_intervals": _list_of("frame_interval"),
                "context_data": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {k: _list_of(v) for k, v in _VALUE_TYPES.items()},
                },
            },
        },
        "stream": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "type": {"enum": ["camera", "lidar", "radar", "gps_imu", "other"]},
                "uri": {"type": "string"},
                "description": {"type": "string"},
                "stream_properties": {"type": "object"},
            },
        },
    },
}
VALIDATOR = jsonschema.Draft7Validator(STRUCTURE)


def test_the_structure_is_a_valid_schema() -> None:
    jsonschema.Draft7Validator.check_schema(STRUCTURE)


@pytest.mark.parametrize("name", ["mathworks_images.json", "mathworks_video.json"])
def test_mathworks_shaped_fixtures_pass(name: str) -> None:
    VALIDATOR.validate(json.loads((DATA / name).read_text()))


@settings(max_examples=40)
@given(ds=openlabel_datasets())
def test_our_output_passes(ds: gtconvert.Dataset, tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("schema") / "labels.json"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gtconvert.write(ds, path, "openlabel")
    VALIDATOR.validate(json.loads(path.read_text()))


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["openlabel"]["objects"]["0"].update(image="a.png"),  # objects are closed
        lambda d: d["openlabel"]["objects"]["0"]["object_data"]["bbox"][0]["val"].pop(),  # 4 numbers
        lambda d: d["openlabel"]["objects"]["4"]["object_data"]["poly2d"][0].pop("closed"),  # required
        lambda d: d["openlabel"].update(images=[]),  # the root is closed
        lambda d: d["openlabel"]["metadata"].update(schema_version="0.3.0"),
    ],
)
def test_the_structure_rejects_what_the_schema_rejects(change) -> None:
    doc = json.loads((DATA / "mathworks_images.json").read_text())
    change(doc)
    assert not VALIDATOR.is_valid(doc)
