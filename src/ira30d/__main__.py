"""``python -m ira30d``: the same command as ``ira30d``.

>>> import subprocess, sys
>>> subprocess.run([sys.executable, "-m", "ira30d", "--version"], capture_output=True,
...                text=True).stdout.startswith("ira30d ")
True
"""

import sys

from ira30d._cli import main

if __name__ == "__main__":
    sys.exit(main())
