"""Reference side of the Fashion-MNIST loading comparison: read the four gzipped IDX files with
gzip + numpy into float32 arrays (images 70000 x 28 x 28, raw 0..255) and print one JSON line."""
import gzip
import json
import os
import sys
import time

import numpy as np


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    if data[0] != 0 or data[1] != 0:
        raise ValueError(f"{path}: not an IDX file")
    ndims = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndims).reshape(dims)


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.environ["NNTUNE_DATA"], "fashion-mnist") if os.environ.get("NNTUNE_DATA") else "/usr/share/datasets/fashion-mnist"
    t0 = time.perf_counter()
    parts = {}
    for part in ("train", "t10k"):
        x = read_idx(os.path.join(folder, f"{part}-images-idx3-ubyte.gz")).astype(np.float32)
        y = read_idx(os.path.join(folder, f"{part}-labels-idx1-ubyte.gz")).astype(np.int64)
        if len(x) != len(y):
            raise ValueError(f"{part}: {len(x)} images but {len(y)} labels")
        parts[part] = (x[:, None, :, :], y)
    load_s = time.perf_counter() - t0
    images = sum(len(v[1]) for v in parts.values())
    print(json.dumps({"images": images, "load_s": round(load_s, 4)}))


if __name__ == "__main__":
    main()
