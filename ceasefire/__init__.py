"""ceasefire: verify compliance with ceasefire agreements.

Data flows one way: agreement + sources -> Incident -> rules -> Finding -> outputs.
"""

from pathlib import Path

__all__ = ["EXAMPLES", "__version__"]

# The one place the version is written: pyproject.toml reads it ([tool.setuptools.dynamic]).
__version__ = "0.1.0"

# The worked examples shipped inside the package (agreement.yaml, incidents, news/), used by
# `ceasefire demo`; a source checkout's top-level examples/ is a link to this folder (issue 17).
EXAMPLES = Path(__file__).resolve().parent / "examples"
