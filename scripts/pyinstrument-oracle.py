"""pyinstrument's own reading of a saved session, as JSON: the oracle of profconv's tests.

usage: PYTHONPATH=$PYI_SRC python3 pyinstrument-oracle.py FILE.pyisession > FILE.oracle.json

Session.load, then the unprocessed frame tree (root_frame() without processors): per
(function, file) the self time summed over the tree (a "[self]" child counts for its parent), and the root's total time.
"""
import json
import sys
from collections import defaultdict

from pyinstrument.session import Session

session = Session.load(sys.argv[1])
root = session.root_frame(trim_stem=False)
self_time = defaultdict(float)
stack = [(root, None)]
while stack:
    frame, parent = stack.pop()
    stack.extend((child, frame) for child in frame.children)
    own = frame.time - sum(child.time for child in frame.children)
    # The tree gives a function's own samples a synthetic "[self]" child: count them for it.
    owner = parent if frame.identifier == "[self]" and parent is not None else frame
    name = owner.function
    if owner.class_name:
        name = f"{owner.class_name}.{name}"
    self_time[(name, owner.file_path or "")] += own
json.dump(
    {
        "total": root.time,
        "sample_count": session.sample_count,
        "functions": [
            {"name": n, "file": f, "self": t} for (n, f), t in sorted(self_time.items()) if t > 0
        ],
    },
    sys.stdout,
    indent=1,
)
sys.stdout.write("\n")
