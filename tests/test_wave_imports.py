"""What a wave's load imports: networkx (about 22 MB) only where a graph is built or written
(exports, the notebook API), never on the load path, whose peak memory the benchmark judges."""

from __future__ import annotations

import subprocess
import sys

from support.paths import REPO


def test_loading_a_wave_does_not_import_networkx():
    check = (
        "import sys\n"
        "import kb.cli\n"
        "from loaders.wave import api, measures\n"
        "assert 'networkx' not in sys.modules, sorted(m for m in sys.modules if m.startswith('networkx'))[:3]\n"
    )
    done = subprocess.run([sys.executable, "-c", check], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
