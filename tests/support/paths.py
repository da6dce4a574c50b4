"""Where the tests find things: the repository, its fixtures, the demo studies and the seed documents.

Every path a test needs is named here once. The demo studies are the library's own (the folder
`kb demo` loads); the seed documents (the two published studies) sit beside the repository and may
be absent, in which case the tests that read them skip with SEEDS in the reason.
"""

from pathlib import Path

from loaders.wave.api import DEMO_DIR

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests"
FIXTURES = TESTS / "fixtures"
WAVE_FIXTURES = FIXTURES / "waves"
CITATION_FIXTURES = FIXTURES / "citations"
CONFORMANCE = TESTS / "conformance"  # real exports of other tools, with their sources
DEMO = DEMO_DIR
SEEDS = REPO.parent / "shared" / "seeds"
