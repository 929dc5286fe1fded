/**
 * train.py of the PyTorch project, the same for every network: it reads config.json (the run's
 * settings, scaling and data) and model.py (the network). Kept as one Python text so the project
 * is written by pure code; tested by running it under Debian's python3-torch
 * (test/core/model/exports/pytorch/). About 330 lines of Python: one file a person can read whole.
 */
export const TRAIN_PY = String.raw`#!/usr/bin/env python3
"""Trains the network Fathom exported, as Fathom would: the same loss, optimiser, η schedule, batch
size, L2 (the cost gains (λ/2)·Σw² over the weights, not the biases), input scaling and data.

    python3 train.py                      # train the epochs config.json plans, from weights.safetensors
    python3 train.py --epochs 1 --data ~/mnist --device cpu
    python3 train.py --evaluate           # the included weights on the test split, no training
    torchrun --nproc_per_node 4 train.py  # the same run, data-parallel (DistributedDataParallel)

Prints one JSON object per line, like Fathom's --json: "started", then "epoch" (epoch, trainLoss,
trainAccuracy, validationLoss/-Accuracy, testLoss, testAccuracy, learningRate, seconds), then
"finished" and "saved" (or "evaluated" with --evaluate). Written by Fathom; config.json holds the
run's settings, model.py the network.
"""
import argparse
import gzip
import json
import math
import os
import struct
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from model import FathomNet, load_weights, save_weights  # noqa: E402

# ---- data: the IDX files Fathom read, scaled with the statistics it stored -------------------------


def fail(message):
    """One line on stderr and exit status 1, as Fathom's CLI does."""
    print(f"train.py: {message}", file=sys.stderr)
    sys.exit(1)


def read_idx(path):
    """An IDX file of unsigned bytes (raw or gzipped) as a numpy array of its declared shape."""
    try:
        data = path.read_bytes()
    except OSError as err:
        fail(f"cannot read {path}: {err.strerror}")
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 8:
        fail(f"{path} is not an IDX file of unsigned bytes")
    dims = data[3]
    if len(data) < 4 + 4 * dims:
        fail(f"{path} is cut short in its header")
    shape = struct.unpack(">" + "I" * dims, data[4 : 4 + 4 * dims])
    count = int(np.prod(shape))
    if len(data) - 4 - 4 * dims != count:
        fail(f"{path} declares {count} values but holds {len(data) - 4 - 4 * dims}")
    return np.frombuffer(data, np.uint8, count, 4 + 4 * dims).reshape(shape)


def data_file(configured, data_dir):
    """The configured file, or one of the same name (raw or .gz) in --data DIR."""
    if data_dir is None:
        return Path(configured)
    name = Path(configured).name
    stem = name[:-3] if name.endswith(".gz") else name
    for candidate in (stem, stem + ".gz"):
        if (data_dir / candidate).is_file():
            return data_dir / candidate
    fail(f"--data {data_dir}: expected {stem} or {stem}.gz there")


def scale(raw, scaling):
    """Fathom's input scaling (core/data/scaling.ts), in float64 then rounded to float32 as Fathom rounds it."""
    kind = scaling["kind"]
    if kind == "none":
        return raw.astype(np.float32)
    if kind == "unit-norm":
        norm = np.sqrt((raw * raw).sum(axis=1, keepdims=True))
        return np.where(norm == 0, 0.0, raw / np.where(norm == 0, 1.0, norm)).astype(np.float32)
    if kind == "z-score":
        offset, divisor = np.array(scaling["mean"]), np.array(scaling["std"])
    else:
        offset, divisor = np.array(scaling["min"]), np.array(scaling["max"]) - np.array(scaling["min"])
    divisor = np.where(divisor == 0, 1.0, divisor)
    out = (raw - offset) / divisor
    if kind == "min-max-symmetric":
        out = out * 2 - 1
    return out.astype(np.float32)


def load_data(config, data_dir):
    """{"train", "validation" (maybe None), "test"}: each (inputs float32 [N, n], labels int64 [N])."""
    data = config["data"]
    if data is None or data.get("kind") != "idx":
        fail("this project has no IDX files to read (config.json \"data\"); Fathom exports IDX datasets only for now")
    files = {k: data_file(v, data_dir) for k, v in data["files"].items()}
    train_images, train_labels = read_idx(files["trainImages"]), read_idx(files["trainLabels"])
    test_images, test_labels = read_idx(files["testImages"]), read_idx(files["testLabels"])
    width = config["network"]["inputSize"]
    split = data["split"]
    validation_size = split["validation"]
    available = len(train_images) - (data["validationSize"] if validation_size else 0)

    def take(images, labels, start, count):
        if count > len(images) - start:
            fail(f"the data holds fewer images than the run used ({count} from image {start})")
        raw = images[start : start + count].reshape(count, -1).astype(np.float64)
        if raw.shape[1] != width:
            fail(f"the images have {raw.shape[1]} values each; the network takes {width}")
        return torch.from_numpy(scale(raw, config["scaling"])), torch.from_numpy(labels[start : start + count].astype(np.int64))

    result = {"train": take(train_images, train_labels, 0, min(split["train"], available)), "validation": None}
    if validation_size:
        result["validation"] = take(train_images, train_labels, available, validation_size)
    result["test"] = take(test_images, test_labels, 0, min(split["test"], len(test_images)))
    return result


# ---- the loss: C_x per sample, as core/engine/losses.ts defines it; the cost is their mean -------

EPS = 1e-12


def log_cosh(x):
    ax = x.abs()
    return ax + torch.log1p(torch.exp(-2 * ax)) - math.log(2)


def per_sample_cost(loss, last_activation, z, a, y):
    d = a - y
    if loss == "quadratic":
        return 0.5 * (d * d).sum(1)
    if loss == "mse":
        return (d * d).mean(1)
    if loss == "sse":
        return (d * d).sum(1)
    if loss == "mae":
        return d.abs().mean(1)
    if loss == "sae":
        return d.abs().sum(1)
    if loss == "mape":
        return 100 * ((y - a) / y).abs().mean(1)
    if loss == "msle":
        return ((torch.log1p(a) - torch.log1p(y)) ** 2).mean(1)
    if loss == "log-cosh":
        return log_cosh(d).mean(1)
    if loss == "binary-cross-entropy":
        # Summed over the outputs (Nielsen's cross-entropy); from z when a = σ(z), which keeps it finite.
        if last_activation == "sigmoid":
            return F.binary_cross_entropy_with_logits(z, y, reduction="none").sum(1)
        ac = a.clamp(EPS, 1 - EPS)
        return -(y * ac.log() + (1 - y) * (1 - ac).log()).sum(1)
    if loss in ("cross-entropy", "kl-divergence"):
        log_a = F.log_softmax(z, 1) if last_activation == "softmax" else a.clamp_min(EPS).log()
        cost = -(y * log_a).sum(1)
        return cost + torch.xlogy(y, y).sum(1) if loss == "kl-divergence" else cost
    if loss == "cosine-proximity":
        return -(a * y).sum(1) / ((a.norm(dim=1) + EPS) * (y.norm(dim=1) + EPS))
    fail(f'the loss "{loss}" is not one this script knows')


# ---- η over the run: core/engine/schedules.ts, step for step -------------------------------------


class Schedule:
    def __init__(self, base, settings, epochs, batches):
        self.base, self.s, self.epochs, self.batches = base, settings, epochs, batches
        self.cuts, self.best, self.bad = 0, math.inf, 0

    def rate(self, epoch, batch):
        s, B = self.s, self.batches
        step = (epoch - 1) * B + batch
        warmup = math.floor(s["warmupEpochs"] * B + 0.5)
        if step < warmup:
            return self.base * (step + 1) / warmup
        step -= warmup
        floor = lambda eta: max(s["minLearningRate"], eta)  # noqa: E731
        done = step // B
        kind = s["kind"]
        if kind == "constant":
            return self.base
        if kind == "step":
            return floor(self.base * s["decay"] ** (done // s["every"]))
        if kind == "exponential":
            return floor(self.base * s["decay"] ** done)
        if kind == "cosine":
            total = max(1, self.epochs * B - warmup)
            t = min(1, step / total)
            return s["minLearningRate"] + (self.base - s["minLearningRate"]) * (1 + math.cos(math.pi * t)) / 2
        if kind == "plateau":
            return floor(self.base * s["decay"] ** self.cuts)
        fail(f'the schedule "{kind}" is not one this script knows')

    def end_epoch(self, loss):
        if self.s["kind"] != "plateau" or loss is None or not math.isfinite(loss):
            return
        if loss < self.best * (1 - 1e-4):
            self.best, self.bad = loss, 0
        else:
            self.bad += 1
            if self.bad > self.s["patience"]:
                self.cuts, self.bad = self.cuts + 1, 0


CONSTANT = {"kind": "constant", "warmupEpochs": 0, "decay": 0.1, "every": 10, "minLearningRate": 0, "patience": 3}

# ---- training ----------------------------------------------------------------------------------


def number(x):
    """JSON has no NaN or ∞: Fathom writes null for them."""
    return x if x is not None and math.isfinite(x) else None


def emit(rank, **fields):
    if rank == 0:
        print(json.dumps(fields), flush=True)


@torch.no_grad()
def evaluate(model, split, config, device):
    """Mean C_x and accuracy on a split, in chunks."""
    x_all, labels = split
    cost, correct = 0.0, 0
    loss, last = config["network"]["loss"], config["network"]["layers"][-1]["activation"]
    outputs = config["network"]["layers"][-1]["units"]
    for start in range(0, len(x_all), 1000):
        x = x_all[start : start + 1000].to(device)
        l = labels[start : start + 1000].to(device)
        z, a = model(x, with_z=True)
        y = F.one_hot(l, outputs).to(a.dtype)
        cost += per_sample_cost(loss, last, z, a, y).double().sum().item()
        correct += (a.argmax(1) == l).sum().item()
    n = len(x_all)
    return (cost / n if n else math.nan), (correct / n if n else None)


def optimiser(model, training):
    """Fathom's optimisers in PyTorch's terms: its L2 adds λ·w to each weight's gradient, as PyTorch's weight_decay does."""
    weights = [p for name, p in model.named_parameters() if name.split(".")[-1].startswith("W")]
    biases = [p for name, p in model.named_parameters() if name.split(".")[-1].startswith("b")]
    groups = [{"params": weights, "weight_decay": training["l2"]}, {"params": biases, "weight_decay": 0.0}]
    lr = training["learningRate"]
    kind = training["optimizer"]
    if kind == "sgd":
        return torch.optim.SGD(groups, lr=lr)
    if kind == "momentum":
        return torch.optim.SGD(groups, lr=lr, momentum=training["momentum"])
    if kind == "adam":
        return torch.optim.Adam(groups, lr=lr, betas=(0.9, 0.999), eps=1e-8)
    fail(f'the optimiser "{kind}" is not one this script knows')


def arguments(config):
    p = argparse.ArgumentParser(description="Train the network Fathom exported (see README.md).")
    p.add_argument("--epochs", type=int, help="epochs to train (default: what is left of the run's plan, or all of it)")
    p.add_argument("--data", type=Path, help="a folder holding the dataset's files under the names config.json gives")
    p.add_argument("--evaluate", action="store_true", help="evaluate the weights on the test split and stop")
    p.add_argument("--device", help="cpu, cuda, cuda:1… (default: cuda when there is one)")
    p.add_argument("--weights", type=Path, help="start from these weights (default: the ones in this folder)")
    p.add_argument("--fresh", action="store_true", help="start from a new initialisation instead of the included weights")
    p.add_argument("--out", type=Path, default=HERE / "trained.safetensors", help="where to write the trained weights")
    p.add_argument("--seed", type=int, default=config["training"]["seed"])
    args = p.parse_args()
    if args.epochs is not None and args.epochs < 1:
        p.error("--epochs: expected a whole number ≥ 1")
    return args


def main():
    config = json.loads((HERE / "config.json").read_text())
    args = arguments(config)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if device.type == "cuda" and world > 1:
        device = torch.device("cuda", local_rank)
        torch.cuda.set_device(device)
    if world > 1:
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")

    torch.manual_seed(args.seed)
    model = FathomNet().to(device)
    weights = None if args.fresh else (args.weights or (HERE / config["weights"] if config["weights"] else None))
    if weights is not None:
        model.load_state_dict({k: v.to(device) for k, v in load_weights(weights).items()})
    data = load_data(config, args.data)
    if args.evaluate:
        loss, accuracy = evaluate(model, data["test"], config, device)
        emit(rank, type="evaluated", weights=str(weights) if weights else None, testLoss=number(loss), testAccuracy=accuracy)
        return finish(world)

    training = config["training"]
    network = config["network"]
    if any(layer["activation"] == "step" for layer in network["layers"]):
        fail("a network with a step activation cannot be trained by gradient descent (its derivative is 0 everywhere)")
    done = config["epochsDone"] if weights is not None else 0
    epochs = args.epochs or (training["epochs"] - done if training["epochs"] > done else training["epochs"])
    net = model if world == 1 else torch.nn.parallel.DistributedDataParallel(model)
    opt = optimiser(model, training)
    x_train, l_train = data["train"]
    n = len(x_train)
    batch = training["batchSize"]
    batches = math.ceil(n / batch)
    schedule = Schedule(training["learningRate"], training.get("schedule") or CONSTANT, max(training["epochs"], done + epochs), batches)
    stop = training["stop"]
    order = torch.Generator().manual_seed(args.seed)  # the same on every process: each takes its share of the same batches
    outputs, loss_name, last = network["layers"][-1]["units"], network["loss"], network["layers"][-1]["activation"]
    emit(rank, type="started", network="-".join(str(s) for s in [network["inputSize"]] + [l["units"] for l in network["layers"]]),
         train=n, test=len(data["test"][0]), batchSize=batch, batchesPerEpoch=batches, epochs=epochs, afterEpoch=done,
         processes=world, device=str(device))
    history, best, patience_left = [], -math.inf, stop.get("patience")
    for epoch in range(done + 1, done + epochs + 1):
        started = time.perf_counter()
        perm = torch.randperm(n, generator=order)
        totals = torch.zeros(3, dtype=torch.float64)  # Σ C_x, correct, rows
        for b in range(batches):
            rows = perm[b * batch : (b + 1) * batch]
            mine = rows[rank::world]
            lr = schedule.rate(epoch, b)
            for group in opt.param_groups:
                group["lr"] = lr
            x, labels = x_train[mine].to(device), l_train[mine].to(device)
            z, a = net(x, with_z=True)
            y = F.one_hot(labels, outputs).to(a.dtype)
            cost = per_sample_cost(loss_name, last, z, a, y)
            # The batch's mean cost over every process's rows: DDP averages the gradients over the processes.
            (cost.sum() * (world / len(rows))).backward()
            opt.step()
            opt.zero_grad(set_to_none=True)
            totals += torch.tensor([cost.detach().double().sum().item(), (a.argmax(1) == labels).sum().item(), len(mine)], dtype=torch.float64)
        if world > 1:
            dist.all_reduce(totals)
        report = {"type": "epoch", "epoch": epoch, "trainLoss": number(totals[0].item() / totals[2].item()),
                  "trainAccuracy": totals[1].item() / totals[2].item()}
        watched = None
        if data["validation"] is not None:
            vloss, vacc = evaluate(model, data["validation"], config, device)
            report.update(validationLoss=number(vloss), validationAccuracy=vacc)
            watched = (vacc, vloss)
        tloss, tacc = evaluate(model, data["test"], config, device)
        report.update(testLoss=number(tloss), testAccuracy=tacc, learningRate=lr, seconds=time.perf_counter() - started)
        emit(rank, **report)
        schedule.end_epoch(report["validationLoss"] if watched else report["trainLoss"])
        reason = None
        acc, loss = watched or (tacc, tloss)
        score = acc if acc is not None else -loss
        if score > best:
            best, patience_left = score, stop.get("patience")
        elif stop["kind"] == "early-stopping":
            patience_left -= 1
            if patience_left <= 0:
                reason = f"no validation improvement for {stop['patience']} epochs"
        if stop["kind"] == "loss-plateau" and history and report["trainLoss"] is not None:
            previous = history[-1]["trainLoss"]
            if (previous - report["trainLoss"]) / abs(previous) < stop["minImprovement"]:
                reason = "the training loss stopped improving"
        history.append(report)
        if report["trainLoss"] is None:
            reason = "the loss became NaN or infinite: try a lower learning rate"
        if reason:
            emit(rank, type="stopped", epoch=epoch, reason=reason)
            break
    emit(rank, type="finished", epochs=history[-1]["epoch"] if history else done)
    if rank == 0:
        save_weights(model.state_dict(), args.out)
        emit(rank, type="saved", file=str(args.out))
    return finish(world)


def finish(world):
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
`;
