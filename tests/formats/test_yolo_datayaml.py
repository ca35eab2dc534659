"""data.yaml: the strings written by hand read back exactly with a YAML reader."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from gtconvert.formats.yolo.datayaml import yaml_string


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.characters(codec=None))
    | st.sampled_from(["yes", "null", "~", "- a", "a: b", "#x", " x ", "\u2028", "\x85", "\ufeff", "1e3"])
)
def test_data_yaml_strings_read_back_exactly(text: str) -> None:
    # names and paths are written as YAML double-quoted scalars by hand (no PyYAML emitter)
    doc = yaml.safe_load(f"names:\n  0: {yaml_string(text)}\npath: {yaml_string(text)}\n")
    assert doc == {"names": {0: text}, "path": text}
