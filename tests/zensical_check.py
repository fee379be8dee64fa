"""Non-blocking check that the site still builds with Zensical (Material's successor); run by `make zensical`.

Not collected by pytest (MkDocs 1.6 + Material 9.8 is the supported build). Renders the Chinese pages with
`build.py render`, builds them with Zensical, and checks what readers would get: every topic, indicator and
plan page exists, the language switch points at the twin page, and nothing is loaded from other hosts.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(out: Path, zensical: str) -> int:
    subprocess.run([sys.executable, str(ROOT / "build.py"), "render", "--out", str(out)], check=True)
    subprocess.run([zensical, "build", "-f", "mkdocs.yml"], check=True, cwd=out)
    site = out / "site"
    problems = []
    import yaml
    for kind, key in (("topics", "topics"), ("indicators", "indicators")):
        for item in yaml.safe_load((ROOT / "data" / f"{kind}.yaml").read_text(encoding="utf-8"))[key]:
            if not (site / kind / item["id"] / "index.html").exists():
                problems.append(f"missing {kind}/{item['id']}/")
    for plan in (ROOT / "data" / "plans").glob("*.yaml"):
        if not (site / "plans" / plan.stem / "index.html").exists():
            problems.append(f"missing plans/{plan.stem}/")
    page = (site / "topics" / "tobacco-alcohol" / "index.html").read_text(encoding="utf-8")
    if '../../en/topics/tobacco-alcohol/" hreflang="en"' not in page:
        problems.append("language switch does not point at the English twin")
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        loads = re.findall(r'<(?:script|img|iframe)[^>]+src="(https?://[^"]+)"', text)
        loads += [href for tag in re.findall(r"<link[^>]+>", text) if re.search(r'rel="(?:stylesheet|icon|preload|modulepreload)"', tag)
                  for href in re.findall(r'href="(https?://[^"]+)"', tag)]
        for src in loads:
            problems.append(f"{html.relative_to(site)} loads {src}")
    for p in problems[:20]:
        print("zensical check:", p)
    print("zensical check:", "OK" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2]))
