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
