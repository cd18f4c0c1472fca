"""The reference side of the trivial start-up comparison: start Python, print one JSON line."""
import json
import sys

print(json.dumps({"python": sys.version_info[0] * 100 + sys.version_info[1]}))
