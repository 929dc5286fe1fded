"""
The benchmark's peers: the same networks, losses, optimisers and batch sizes as bench/networks.ts,
as a vectorised mini-batch implementation in numpy (float32, OpenBLAS) or PyTorch (CPU).
Run by bench/peers.ts as `/usr/bin/python3 bench/peers/mlp.py JSON`; prints one JSON line.

  {"peer": "numpy" | "torch" | "sgemm", "sizes": [784, 30, 10], "kind": "sigmoid" | "relu" | "cnn",
   "batch": 10, "eta": 3.0, "samples": 60000, "warmUp": 1000, "threads": 1, "images": PATH, "labels": PATH,
   "conv": {"filters": 20, "kernel": 5, "pool": 2}}

"cnn" (torch only): 28×28×1 → conv k×k×filters (ReLU) → max-pool → the dense `sizes` after the
flattened maps (ReLU, then softmax through the loss); He init, Adam, cross-entropy.

Timed: one shuffled epoch of training steps only (the shuffle included), after `warmUp` untimed
samples on a separate model, as Fathom and TF.js are timed.
"""
import json
import os
import resource
import sys
import time


def read_idx(images_path, labels_path, count):
    import numpy as np

    with open(images_path, "rb") as f:
        raw = f.read()
    n, rows, cols = int.from_bytes(raw[4:8], "big"), int.from_bytes(raw[8:12], "big"), int.from_bytes(raw[12:16], "big")
    count = min(count, n)
    pixels = np.frombuffer(raw, dtype=np.uint8, count=count * rows * cols, offset=16).reshape(count, rows * cols)
    with open(labels_path, "rb") as f:
        labels = np.frombuffer(f.read(), dtype=np.uint8, count=count, offset=8)
    x = pixels.astype(np.float32) / np.float32(255)  # min-max over [0, 255], as Fathom scales MNIST
    y = np.zeros((count, 10), dtype=np.float32)
    y[np.arange(count), labels] = 1
    return x, y


def blas_info():
    """Which BLAS numpy runs on, from the library loaded into this process (threadpoolctl is not installed)."""
    import ctypes

    paths = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            if "blas" in line:
                paths.add(line.split()[-1])
    # Debian's libblas.so.3 is an alternative that points at OpenBLAS when libopenblas0-pthread is installed.
    path = next((p for p in sorted(paths) if "openblas" in os.path.realpath(p) and "blas" in os.path.basename(p)), None)
    path = path or next((p for p in sorted(paths) if "libblas" in p), None)
    if path is None:
        return {"library": "unknown"}
    info = {"library": os.path.basename(os.path.realpath(path))}
    try:
        lib = ctypes.CDLL(path)
        lib.openblas_get_corename.restype = ctypes.c_char_p
        lib.openblas_get_config.restype = ctypes.c_char_p
        info["core"] = lib.openblas_get_corename().decode()
        info["config"] = lib.openblas_get_config().decode().strip()
        info["threads"] = lib.openblas_get_num_threads()
    except (AttributeError, OSError):
        pass
    return info


def sgemm_peak(threads):
    """Best GFLOP/s of a float32 1024² product through numpy, over a few repeats."""
    import numpy as np

    n = 1024
    a = np.random.default_rng(1).standard_normal((n, n), dtype=np.float32)
    b = np.random.default_rng(2).standard_normal((n, n), dtype=np.float32)
    c = np.empty((n, n), dtype=np.float32)
    np.matmul(a, b, out=c)
    best = 0.0
    for _ in range(7):
        started = time.perf_counter()
        for _ in range(4):
            np.matmul(a, b, out=c)
        best = max(best, 4 * 2 * n**3 / (time.perf_counter() - started) / 1e9)
    return {"gflops": best, "blas": blas_info(), "threads": threads}


def numpy_trainer(job, seed):
    """Returns step(x, y) -> batch loss × rows, on float32 arrays, and nothing else allocated between steps but numpy's temporaries."""
    import numpy as np

    sizes, relu = job["sizes"], job["kind"] == "relu"
    rng = np.random.default_rng(seed)
    # x·W layout (n_in × n_out). N(0, 1) for the sigmoid networks, He (std √(2/n_in), zero biases) for ReLU.
    W = [(rng.standard_normal((i, o)) * (np.sqrt(2.0 / i) if relu else 1.0)).astype(np.float32) for i, o in zip(sizes, sizes[1:])]
    b = [np.zeros(o, np.float32) if relu else rng.standard_normal(o).astype(np.float32) for o in sizes[1:]]
    params = W + b
    eta = np.float32(job["eta"])
    if relu:
        m = [np.zeros_like(p) for p in params]
        v = [np.zeros_like(p) for p in params]
        state = {"t": 0}
        beta1, beta2, eps = np.float32(0.9), np.float32(0.999), np.float32(1e-8)
    L = len(W)

    def step(x, y):
        n = x.shape[0]
        acts = [x]
        for l in range(L):
            z = acts[-1] @ W[l]
            z += b[l]
            if relu and l < L - 1:
                np.maximum(z, 0, out=z)
            elif relu:
                z -= z.max(axis=1, keepdims=True)
                np.exp(z, out=z)
                z /= z.sum(axis=1, keepdims=True)
            else:
                np.negative(z, out=z)
                np.exp(z, out=z)
                z += 1
                np.reciprocal(z, out=z)
            acts.append(z)
        a = acts[-1]
        if relu:
            loss = -float(np.log(np.maximum(a[y > 0], 1e-30)).sum())
            delta = (a - y) / np.float32(n)
        else:
            diff = a - y
            loss = 0.5 * float(np.einsum("ij,ij->", diff, diff))
            delta = diff * a * (1 - a) / np.float32(n)
        grads_w = [None] * L
        grads_b = [None] * L
        for l in range(L - 1, -1, -1):
            grads_w[l] = acts[l].T @ delta
            grads_b[l] = delta.sum(axis=0)
            if l > 0:
                delta = delta @ W[l].T
                if relu:
                    delta *= acts[l] > 0
                else:
                    delta *= acts[l] * (1 - acts[l])
        grads = grads_w + grads_b
        if relu:
            state["t"] += 1
            t = state["t"]
            c1, c2 = 1 - 0.9**t, 1 - 0.999**t
            for p, g, mi, vi in zip(params, grads, m, v):
                mi *= beta1
                mi += (1 - beta1) * g
                vi *= beta2
                vi += (1 - beta2) * g * g
                p -= eta * (mi / np.float32(c1)) / (np.sqrt(vi / np.float32(c2)) + eps)
        else:
            for p, g in zip(params, grads):
                p -= eta * g
        return loss

    return step


def torch_cnn(job):
    """The bench CNN's layers: conv (He init, zero bias), ReLU, max-pool, flatten, then dense ReLU layers and the logits."""
    import torch

    conv = job["conv"]
    c = torch.nn.Conv2d(1, conv["filters"], conv["kernel"])
    with torch.no_grad():
        c.weight.normal_(0, (2.0 / (conv["kernel"] ** 2)) ** 0.5)
        c.bias.zero_()
    layers = [c, torch.nn.ReLU(), torch.nn.MaxPool2d(conv["pool"]), torch.nn.Flatten()]
    sizes = job["sizes"]
    for l, (i, o) in enumerate(zip(sizes, sizes[1:])):
        linear = torch.nn.Linear(i, o)
        with torch.no_grad():
            linear.weight.normal_(0, (2.0 / i) ** 0.5)
            linear.bias.zero_()
        layers.append(linear)
        if l < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    return layers


def torch_trainer(job, seed):
    import torch

    sizes, relu = job["sizes"], job["kind"] in ("relu", "cnn")
    torch.manual_seed(seed)
    if job["kind"] == "cnn":
        model = torch.nn.Sequential(*torch_cnn(job))
        optimizer = torch.optim.Adam(model.parameters(), lr=job["eta"])
        criterion = torch.nn.CrossEntropyLoss()

        def cnn_step(x, y):
            optimizer.zero_grad(set_to_none=True)
            loss = criterion(model(x.view(-1, 1, 28, 28)), y)
            loss.backward()
            optimizer.step()
            return float(loss) * x.shape[0]

        return cnn_step
    layers = []
    for l, (i, o) in enumerate(zip(sizes, sizes[1:])):
        linear = torch.nn.Linear(i, o)
        with torch.no_grad():
            linear.weight.normal_(0, (2.0 / i) ** 0.5 if relu else 1.0)
            if relu:
                linear.bias.zero_()
            else:
                linear.bias.normal_(0, 1)
        layers.append(linear)
        if l < len(sizes) - 2:
            layers.append(torch.nn.ReLU() if relu else torch.nn.Sigmoid())
        elif not relu:
            layers.append(torch.nn.Sigmoid())
    model = torch.nn.Sequential(*layers)
    if relu:
        optimizer = torch.optim.Adam(model.parameters(), lr=job["eta"])
        criterion = torch.nn.CrossEntropyLoss()  # softmax + cross-entropy from the logits, as PyTorch recommends
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=job["eta"])

    def step(x, y):
        optimizer.zero_grad(set_to_none=True)
        out = model(x)
        if relu:
            loss = criterion(out, y)
        else:
            loss = 0.5 * ((out - y) ** 2).sum() / x.shape[0]
        loss.backward()
        optimizer.step()
        return float(loss) * x.shape[0]

    return step


def train(job):
    import numpy as np

    x, y = read_idx(job["images"], job["labels"], job["samples"])
    count, batch = x.shape[0], job["batch"]
    if job["peer"] == "torch":
        import torch

        torch.set_num_threads(job["threads"])
        xs, labels = torch.from_numpy(x), torch.from_numpy(y.argmax(axis=1))
        ys = labels if job["kind"] in ("relu", "cnn") else torch.from_numpy(y)
        make = torch_trainer

        def epoch(step, n, rng):
            order = torch.from_numpy(rng.permutation(count)[:n])
            xe, ye = xs[order], ys[order]
            return sum(step(xe[i : i + batch], ye[i : i + batch]) for i in range(0, n, batch))

    elif job["kind"] == "cnn":
        raise ValueError("the numpy peer trains fully connected networks only")
    else:
        make = numpy_trainer

        def epoch(step, n, rng):
            order = rng.permutation(count)[:n]
            xe, ye = x[order], y[order]
            return sum(step(xe[i : i + batch], ye[i : i + batch]) for i in range(0, n, batch))

    rng = np.random.default_rng(job.get("seed", 1))
    epoch(make(job, 99), min(job["warmUp"], count), rng)
    step = make(job, 1)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    total = epoch(step, count, rng)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return {
        "samples": count,
        "seconds": wall,
        "cpuSeconds": cpu,
        "meanLoss": total / count,
        "peakRss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "blas": blas_info() if job["peer"] == "numpy" else None,
        "version": np.__version__ if job["peer"] == "numpy" else __import__("torch").__version__,
    }


def main():
    job = json.loads(sys.argv[1])
    try:
        if job["peer"] == "sgemm":
            result = sgemm_peak(job["threads"])
        else:
            result = train(job)
        print(json.dumps({"ok": True, **result}))
    except ImportError as err:
        print(json.dumps({"ok": False, "missing": str(err)}))


main()
