#!/usr/bin/env python3
"""policy-compare: build the site from data/.

    python build.py                 validate, render and build site/
    python build.py check           validate the data only
    python build.py import SRC      print a draft plan YAML for a .txt/.html/.docx/.pdf plan
                                    (--write: into data/; --review [FILE]: the review page)
    python build.py serve           build, then serve site/ on http://127.0.0.1:8000/
    python build.py render --out D  render pages + mkdocs.yml into D for another engine (Zensical)

Options: --data DIR (default data/), --out DIR (default site/), --strict
(warnings fail the build). Errors are printed one per line as
``file:line: key.path: message [code]``; the exit status is 1 on failure and
the previous output folder is left untouched.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from policy_compare import pipeline  # noqa: E402
from policy_compare.problems import BuildFailed  # noqa: E402


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", default="build", choices=["build", "check", "import", "serve", "schema", "render"])
    parser.add_argument("source", nargs="?", help="with 'import': the plan file (.txt, .html, .docx or .pdf)")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="data folder (default: data/)")
    parser.add_argument("--out", type=Path, default=ROOT / "site", help="output folder (default: site/)")
    parser.add_argument("--id", help="with 'import': the plan ID (default: the file name)")
    parser.add_argument("--write", action="store_true", help="with 'import': write sources/<id>.txt, the original beside it, plans/<id>.yaml and drafts/ into --data (default: print the draft)")
    parser.add_argument("--force", action="store_true", help="with 'import --write': overwrite existing files")
    parser.add_argument("--review", nargs="?", const="", metavar="FILE", help="with 'import': also write the review page (default <id>.review.html)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--port", type=int, default=8000, help="with 'serve': the port")
    parser.add_argument("--lang", default="zh", choices=["zh", "en"], help="with 'render': the interface language")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        if args.command == "import":
            if not args.source:
                print("build.py import: name the source text file, e.g. python build.py import data/sources/ordos-2020.txt")
                return 2
            from policy_compare import importer
            return importer.cli(Path(args.source), args.id, args.data, args.write, args.force, args.review)
        if args.command == "schema":
            from policy_compare import schema_doc
            sys.stdout.write(schema_doc.json_schema())
            return 0
        if args.command == "render":
            config = pipeline.render_only(args.data, args.out, strict=args.strict, lang_code=args.lang)
            print(f"pages rendered; build them with another engine, e.g.: zensical build -f {config}")
            return 0
        if args.command == "check":
            plans, warnings = pipeline.check(args.data, strict=args.strict)
            for w in warnings:
                print(w)
            print(f"data OK: {pipeline.summary(plans)}")
            return 0
        warnings = pipeline.build(args.data, args.out, strict=args.strict)
        for w in warnings:
            print(w)
        print(f"site built in {args.out}")
        if args.command == "serve":
            pipeline.serve(args.out, args.port)
        return 0
    except BuildFailed as failed:
        errors = [p for p in failed.problems if p.level == "error" or args.strict]
        for problem in failed.problems:
            print(problem, file=sys.stderr)
        print(f"build failed: {len(errors)} error{'s' if len(errors) != 1 else ''}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
