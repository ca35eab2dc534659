"""``metadata.matlab_label_definitions`` <-> categories (label, sublabel and attribute definitions).

MathWorks writes one entry per row of ``gTruth.LabelDefinitions``: ``{"description": ...,
"name": <Name>, "val": {"Name", "Type", "LabelColor", "PixelLabelID", "Group",
"Description", "Hierarchy"}}``. ``Hierarchy`` is the MATLAB struct of sublabels (a struct
with a ``Type``) and attributes (``DefaultValue`` as ``mat2str(value, 'class')`` text, or
``ListItems``), plus the label's own ``Type`` and ``Description``; ``[]`` when it has none.
"""

from __future__ import annotations

from typing import Any

from ...model import Category
from .schema import LABEL_TYPE, TYPE_NAMES, mat2str_class, parse_mat2str, to_mat2str

_DEFINITION_TEXT = (
    "Custom metadata holding each label definition similarly to groundTruth's LabelDefinitions property"
)


def categories_from_definitions(entries: Any) -> list[Category]:
    """MathWorks' label definitions -> categories (sublabels after their parent), ids 1..K."""
    cats: list[Category] = []
    for entry in entries if isinstance(entries, list) else []:
        val = entry.get("val") if isinstance(entry, dict) else None
        if not isinstance(val, dict):
            continue
        name = str(val.get("Name", entry.get("name", "")))
        hierarchy = val.get("Hierarchy")
        cat = _category(name, val, "")
        cat.attributes = _attribute_definitions(hierarchy)
        cats.append(cat)
        for sub_name, sub in _sublabels(hierarchy):
            child = _category(sub_name, sub, name)
            child.attributes = _attribute_definitions(sub)
            cats.append(child)
    for k, c in enumerate(cats):
        c.id = k + 1
    return cats


def _category(name: str, val: dict[str, Any], parent: str) -> Category:
    color = val.get("LabelColor")
    pixel = val.get("PixelLabelID")
    pixel_values = _flat_numbers(pixel)
    return Category(
        id=0,
        name=name,
        type=TYPE_NAMES.get(str(val.get("Type", "")), str(val.get("Type", "")).lower()),
        color=tuple(float(c) for c in color) if _is_numbers(color, 3) else None,
        pixel_id=tuple(int(v) for v in pixel_values) if pixel_values else None,
        group=str(val.get("Group", "")) if not parent else "",
        description=str(val.get("Description", "") or ""),
        parent=parent,
    )


def _is_numbers(value: Any, n: int) -> bool:
    return isinstance(value, list) and len(value) == n and all(isinstance(v, (int, float)) for v in value)


def _flat_numbers(value: Any) -> list[float]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [value]
    if isinstance(value, list):
        return [v for item in value for v in _flat_numbers(item)]
    return []


def _sublabels(hierarchy: Any) -> list[tuple[str, dict[str, Any]]]:
    if not isinstance(hierarchy, dict):
        return []
    return [(k, v) for k, v in hierarchy.items() if isinstance(v, dict) and "Type" in v]


def _attribute_definitions(struct: Any) -> list[dict[str, Any]]:
    """The attribute structs of a Hierarchy (or sublabel) struct, as Category.attributes."""
    out: list[dict[str, Any]] = []
    if not isinstance(struct, dict):
        return out
    for name, spec in struct.items():
        if not isinstance(spec, dict) or "Type" in spec:
            continue  # the label's own Type/Description texts, or a sublabel
        if "ListItems" in spec:
            items = spec["ListItems"]
            items = [items] if isinstance(items, str) else [str(i) for i in items or []]
            out.append({"name": name, "type": "list", "list_items": items, "description": _text(spec)})
        elif "DefaultValue" in spec:
            raw = spec["DefaultValue"]
            rec: dict[str, Any] = {"name": name, "type": mat2str_class(raw)}
            default = parse_mat2str(raw)
            if default is not None:
                rec["default"] = default
            rec["description"] = _text(spec)
            out.append(rec)
    return out


def _text(spec: dict[str, Any]) -> str:
    value = spec.get("Description", "")
    return value if isinstance(value, str) else ""


# ---- writing -------------------------------------------------------------------------------


def definitions_from_categories(cats: list[Category], label_types: list[str]) -> list[dict[str, Any]]:
    """Categories -> MathWorks' label definitions; sublabels go into their parent's Hierarchy.

    ``label_types`` is the labelType name of each category (decided by the writer from its
    type or its objects).
    """
    top = [k for k, c in enumerate(cats) if not c.parent]
    children: dict[str, list[int]] = {}
    for k, c in enumerate(cats):
        if c.parent:
            children.setdefault(c.parent, []).append(k)
    with_pixels = any(c.pixel_id for c in cats)
    out = []
    for k in top:
        c = cats[k]
        val: dict[str, Any] = {"Name": c.name, "Type": label_types[k]}
        if c.color is not None:
            val["LabelColor"] = [float(v) for v in c.color]
        if with_pixels:
            val["PixelLabelID"] = _pixel_id(c.pixel_id)
        val["Group"] = c.group or "None"
        val["Description"] = c.description
        subs = [(cats[j], label_types[j]) for j in children.get(c.name, [])]
        val["Hierarchy"] = _hierarchy(c, label_types[k], subs)
        out.append({"description": _DEFINITION_TEXT, "name": c.name, "val": val})
    return out


def _pixel_id(pixel_id: tuple[int, ...] | None) -> Any:
    if not pixel_id:
        return []
    if len(pixel_id) == 1:
        return pixel_id[0]
    if len(pixel_id) % 3 == 0:  # RGB triplets, as MATLAB's Mx3
        return [list(pixel_id[i : i + 3]) for i in range(0, len(pixel_id), 3)]
    return [[v] for v in pixel_id]  # a column of ids


def _hierarchy(cat: Category, label_type: str, subs: list[tuple[Category, str]]) -> Any:
    if not cat.attributes and not subs:
        return []
    out: dict[str, Any] = {}
    for sub, sub_type in subs:
        spec: dict[str, Any] = {"Type": sub_type}
        if sub.color is not None:
            spec["LabelColor"] = [float(v) for v in sub.color]
        spec["Description"] = sub.description
        spec.update(_attribute_structs(sub.attributes))
        out[sub.name] = spec
    out.update(_attribute_structs(cat.attributes))
    out["Type"] = label_type
    out["Description"] = cat.description
    return out


def _attribute_structs(defs: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for d in defs:
        if not isinstance(d, dict) or "name" not in d:
            continue
        if d.get("type") == "list":
            out[str(d["name"])] = {
                "ListItems": list(d.get("list_items", [])),
                "Description": d.get("description", ""),
            }
        else:
            out[str(d["name"])] = {
                "DefaultValue": to_mat2str(d.get("default")),
                "Description": d.get("description", ""),
            }
    return out


def label_type_of(cat: Category, kinds_seen: list[str]) -> str:
    """The labelType name of a category: its own type, else the most frequent of its objects."""
    if cat.type in LABEL_TYPE:
        return LABEL_TYPE[cat.type]
    if kinds_seen:
        return max(sorted(set(kinds_seen)), key=kinds_seen.count)  # sorted: ties break the same way every run
    return "Rectangle"  # an unused label: the apps' default type
