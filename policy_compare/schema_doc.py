"""Schema reference generated from the models (python build.py schema).

The JSON Schema comes straight from :mod:`.model`, descriptions included, so
editors' tools (VS Code YAML, check-jsonschema) can validate plan files as they
type, and the documentation never drifts from the validator.
"""
from __future__ import annotations

import json

from .model import Plan


def json_schema() -> str:
    schema = Plan.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "policy-compare plan file (data/plans/<id>.yaml)"
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def _type_name(annotation) -> str:
    import typing
    text = str(annotation).replace("typing.", "").replace("policy_compare.model.", "")
    text = text.replace("<class '", "").replace("'>", "")
    if typing.get_origin(annotation) is typing.Literal:
        return " | ".join(repr(a) for a in typing.get_args(annotation))
    return text


def reference() -> list[dict]:
    """Every model a plan file is made of, with its fields: what the 'Adding a plan' guide prints.

    Walks from :class:`Plan` through the field annotations, so a field added to the schema appears in
    the guide on the next build, with the description it was declared with."""
    import typing

    from pydantic import BaseModel

    seen: list[type] = []

    def visit(model: type) -> None:
        if model in seen:
            return
        seen.append(model)
        for f in model.model_fields.values():
            stack = [f.annotation]
            while stack:
                a = stack.pop()
                if isinstance(a, type) and issubclass(a, BaseModel):
                    visit(a)
                stack.extend(typing.get_args(a))

    visit(Plan)
    out = []
    for model in seen:
        fields = [{"name": name, "type": _type_name(f.annotation), "required": f.is_required(),
                   "description": f.description or ""} for name, f in model.model_fields.items()]
        out.append({"name": model.__name__, "doc": (model.__doc__ or "").strip(), "fields": fields})
    return out
