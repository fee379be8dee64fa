"""Whether the build may use a second process: the machine has a second core and PC_SEQUENTIAL is not 1
(the build's parallel steps: plans checked by two workers, the languages built side by side, the search
terms segmented beside the cross-links; each runs in turn otherwise)."""
from __future__ import annotations

import os


def spare_core() -> bool:
    return (os.cpu_count() or 1) > 1 and os.environ.get("PC_SEQUENTIAL") != "1"
