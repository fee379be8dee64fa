"""Stage 1b — catalogues: the shared files every plan is read against.

``data/topics.yaml``, ``indicators.yaml``, ``links.yaml``, ``departments.yaml`` and ``glossary.yaml`` are
loaded here, each checked against its model in :mod:`.model` (an absent file is an empty catalogue), with
unique IDs where the catalogue has them. The rules that hold plans against the catalogues (unknown topic,
unknown indicator …) are cross-file rules in :mod:`.validate`; this module only loads.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .load import Document, load_yaml
from .model import DepartmentCatalogue, Glossary, IndicatorCatalogue, LinkEdits, TopicCatalogue
from .problems import Problem


@dataclass
class Catalogues:
    topics: TopicCatalogue
    indicators: IndicatorCatalogue
    pins: list[tuple[str, str]] = field(default_factory=list)
    suppress: list[tuple[str, str]] = field(default_factory=list)
    departments: DepartmentCatalogue = field(default_factory=DepartmentCatalogue)
    glossary: Glossary = field(default_factory=Glossary)


# file stem -> (model, whether its items have unique IDs)
FILES = {"topics": (TopicCatalogue, True), "indicators": (IndicatorCatalogue, True), "links": (LinkEdits, False),
         "departments": (DepartmentCatalogue, True), "glossary": (Glossary, True)}


@dataclass
class Loaded:
    """Every catalogue as loaded (None where it failed), the parsed documents (for line numbers), problems."""

    topics: TopicCatalogue | None = None
    indicators: IndicatorCatalogue | None = None
    links: LinkEdits | None = None
    departments: DepartmentCatalogue | None = None
    glossary: Glossary | None = None
    docs: dict[str, Document | None] = field(default_factory=dict)
    found: dict[str, list[Problem]] = field(default_factory=dict)  # each file's own problems

    @property
    def problems(self) -> list[Problem]:
        return [p for name in FILES for p in self.found.get(name, [])]

    def catalogues(self) -> Catalogues | None:
        if any(getattr(self, name) is None for name in FILES):
            return None
        return Catalogues(self.topics, self.indicators, [(e.a, e.b) for e in self.links.pin],
                          [(e.a, e.b) for e in self.links.suppress], self.departments, self.glossary)


def load_catalogue(path: Path, model, unique_ids: bool = True):
    """Load one catalogue file; an absent file is an empty catalogue. Returns (catalogue, doc, problems),
    kept in ``.cache/files/`` under the file's content (:func:`cache.by_content`)."""
    if not path.exists() and not path.is_symlink():
        return model(**{next(iter(model.model_fields)): []}), None, []
    from .cache import by_content
    return by_content(path, lambda: _load_catalogue(path, model, unique_ids), "catalogue.py")


def _load_catalogue(path: Path, model, unique_ids: bool):
    from .validate import check_schema

    doc, problems = load_yaml(path)
    if doc is None:
        return None, None, problems
    catalogue, found = check_schema(doc, model)
    problems += found
    if catalogue is not None and unique_ids:
        problems += cross_unique_catalogue_ids(catalogue, doc)
    return catalogue, doc, problems


def cross_unique_catalogue_ids(catalogue, doc: Document) -> list[Problem]:
    """Topic and indicator IDs are unique in their catalogue."""
    key = next(iter(type(catalogue).model_fields))
    seen, problems = set(), []
    for i, item in enumerate(getattr(catalogue, key)):
        if item.id in seen:
            loc = (key, i, "id")
            problems.append(Problem(doc.display, doc.line_of(loc), loc, "duplicate_id", f"'{item.id}' is defined twice"))
        seen.add(item.id)
    return problems


def load_catalogues(data_dir: Path) -> Loaded:
    loaded = Loaded()
    for name, (model, unique) in FILES.items():
        catalogue, doc, problems = load_catalogue(data_dir / f"{name}.yaml", model, unique)
        setattr(loaded, name, catalogue)
        loaded.docs[name] = doc
        loaded.found[name] = problems
    return loaded
