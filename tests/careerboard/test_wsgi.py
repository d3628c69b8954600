"""The WSGI entry point: what it leaves for the garbage collector to walk."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FROZEN_SHARE = """
import gc
import careerboard.wsgi
frozen, tracked = gc.get_freeze_count(), len(gc.get_objects())
print(frozen / (frozen + tracked))
"""


def test_a_worker_sets_its_lifelong_objects_aside_from_full_collections():
    """Loading the app (URL patterns and views included) leaves at most a tenth of its objects
    for a full collection to walk, which is what keeps such a pause out of a search's time."""
    share = subprocess.run(
        [sys.executable, "-c", FROZEN_SHARE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert float(share) > 0.9
