/**
 * train.py of the PyTorch project, the same for every network: it reads config.json (the run's
 * settings, scaling and data) and model.py (the network). Kept as one Python text so the project
 * is written by pure code; tested by running it under Debian's python3-torch
 * (test/core/model/exports/). About 250 lines of Python: one file a person can read whole; reading
 * the data is data.py's (data-py.ts).
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
run's settings, model.py the network, data.py reads the data (IDX, CSV or PNG folders).
"""
import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import torch
import torch.distributed as dist
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from data import load_data  # noqa: E402
from model import NETWORK, OUTPUT_ACTIVATION, OUTPUTS, TRAINABLE, FathomNet, load_weights, save_weights  # noqa: E402

def fail(message):
    """One line on stderr and exit status 1, as Fathom's CLI does."""
    print(f"train.py: {message}", file=sys.stderr)
    sys.exit(1)


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
    loss = config["network"]["loss"]
    was_training = model.training
    model.eval()  # dropout off, batchnorm on its running statistics, as Fathom evaluates
    for start in range(0, len(x_all), 1000):
        x = x_all[start : start + 1000].to(device)
        l = labels[start : start + 1000].to(device)
        z, a = model(x, with_z=True)
        z, a = z.flatten(1), a.flatten(1)
        y = F.one_hot(l, OUTPUTS).to(a.dtype)
        cost += per_sample_cost(loss, OUTPUT_ACTIVATION, z, a, y).double().sum().item()
        correct += (a.argmax(1) == l).sum().item()
    model.train(was_training)
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
    p.add_argument("--data", type=Path, help="the data: a folder of IDX files named as config.json gives, a CSV file, or a folder of class folders of PNGs (see data.py)")
    p.add_argument("--test-data", type=Path, help="with a CSV --data: the CSV file of the test set")
    p.add_argument("--test-share", type=float, default=0.2, help="share held out for testing when the data brings no test set (default 0.2)")
    p.add_argument("--evaluate", action="store_true", help="evaluate the weights on the test split and stop")
    p.add_argument("--device", help="cpu, cuda, cuda:1… (default: cuda when there is one)")
    p.add_argument("--weights", type=Path, help="start from these weights (default: the ones in this folder)")
    p.add_argument("--fresh", action="store_true", help="start from a new initialisation instead of the included weights")
    p.add_argument("--out", type=Path, default=HERE / "trained.safetensors", help="where to write the trained weights")
    p.add_argument("--seed", type=int, default=config["training"]["seed"])
    args = p.parse_args()
    if not 0 < args.test_share < 1:
        p.error("--test-share: expected a number between 0 and 1")
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
    data = load_data(config, args.data, args.test_data, args.test_share, args.seed)
    if args.evaluate:
        loss, accuracy = evaluate(model, data["test"], config, device)
        emit(rank, type="evaluated", weights=str(weights) if weights else None, testLoss=number(loss), testAccuracy=accuracy)
        return finish(world)

    training = config["training"]
    network = config["network"]
    if not TRAINABLE:
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
    loss_name = network["loss"]
    model.train()
    emit(rank, type="started", network=NETWORK,
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
            z, a = z.flatten(1), a.flatten(1)
            y = F.one_hot(labels, OUTPUTS).to(a.dtype)
            cost = per_sample_cost(loss_name, OUTPUT_ACTIVATION, z, a, y)
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
