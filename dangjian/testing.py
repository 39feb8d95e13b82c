"""pytest plugin loaded before Django (pyproject addopts): test defaults for the environment.

Only defaults: a variable already set (DATABASE_URL for the PostgreSQL run) wins.
"""

import os
import tempfile

os.environ.setdefault("DANGJIAN_TESTING", "1")
os.environ.setdefault("DANGJIAN_DATA_DIR", os.path.join(tempfile.gettempdir(), f"dangjian-test-{os.getuid()}"))
