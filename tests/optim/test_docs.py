"""docs/optim.md's Python examples run as written and say what they do."""

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "optim.md"


@pytest.mark.skipif(not DOC.exists(), reason="docs/optim.md is not in this checkout")
def test_optim_page_examples_run():
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)
    assert len(blocks) >= 4
    namespace = {}
    exec(compile(blocks[0], str(DOC), "exec"), namespace)
    assert namespace["opt"].global_step == 3
    for block in blocks[1:]:
        exec(compile(block, str(DOC), "exec"), namespace)
    assert namespace["opt"].lr == 1e-4
