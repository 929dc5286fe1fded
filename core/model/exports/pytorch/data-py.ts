/**
 * data.py of the PyTorch project, the same for every network: the datasets Fathom imports, read as
 * Fathom reads them (core/data/import/) and scaled with the statistics it stored — the IDX files of
 * the run (config.json "data"), or with --data a folder of IDX files, a numeric CSV file (a label
 * column and one column per input) or a folder of class folders of PNG images (greyed as Fathom
 * greys them; train/ and test/ folders bring their own test split). PNGs are decoded here with zlib
 * and numpy, so the project needs no imaging package. Kept as one Python text so the project is
 * written by pure code; run under Debian's python3-torch by test/core/model/exports/.
 */
export const DATA_PY = String.raw`"""The data train.py trains on: the files Fathom used, or those --data names, scaled as Fathom scales.

Formats, as Fathom imports them:
- IDX (MNIST's format, raw or .gz): the four files config.json "data" names, or files of those names
  in the --data folder;
- CSV (--data FILE.csv, and --test-data FILE.csv for a separate test set): one row per sample, a
  label column (named label, labels, class or category, else the first) holding class indices 0, 1, …
  or the class names of config.json, and one column per input; a first row holding a word is a header;
- image folders (--data DIR): one sub-folder of PNG images per class (named as config.json
  "classes", else taken in name order), all of the network's height × width, turned grey with
  Fathom's weights (0.299 R + 0.587 G + 0.114 B); a DIR holding train/ and test/ brings its own test set.
Without a separate test set, a share of the samples (--test-share, default 0.2, as Fathom's default
split) is held out, chosen by the seed (PyTorch's generator: not the samples Fathom held out).
"""
import csv
import gzip
import re
import struct
import sys
import zlib
from pathlib import Path

import numpy as np
import torch

from model import INPUT_SHAPE, INPUTS, OUTPUTS


def fail(message):
    """One line on stderr and exit status 1, as Fathom's CLI does."""
    print(f"train.py: {message}", file=sys.stderr)
    sys.exit(1)


# ---- scaling: core/data/scaling.ts ----------------------------------------------------------------


def scale(raw, scaling):
    """Fathom's input scaling, in float64 then rounded to float32 as Fathom rounds it."""
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


def as_input(rows):
    """Scaled rows as the network's input: N×C×H×W for an image input (Fathom stores CHW), else N×n."""
    x = torch.from_numpy(rows)
    return x.reshape(len(rows), *INPUT_SHAPE) if INPUT_SHAPE else x


def part(raw, labels, config, what):
    """(inputs, labels) tensors of raw rows, checked against the network's input size and outputs."""
    raw = raw.reshape(len(raw), -1).astype(np.float64)
    if raw.shape[1] != INPUTS:
        fail(f"{what}: the samples have {raw.shape[1]} values each; the network takes {INPUTS}")
    labels = np.asarray(labels, dtype=np.int64)
    if len(labels) and (labels.min() < 0 or labels.max() >= OUTPUTS):
        fail(f"{what}: a label is {labels.max() if labels.max() >= OUTPUTS else labels.min()}; the network has {OUTPUTS} outputs (0 to {OUTPUTS - 1})")
    return as_input(scale(raw, config["scaling"])), torch.from_numpy(labels)


# ---- IDX ------------------------------------------------------------------------------------------


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


def load_idx(config, data_dir):
    """The run's split of its IDX files: the first split.train images, the last validationSize as validation, the first split.test."""
    data = config["data"]
    files = {k: data_file(v, data_dir) for k, v in data["files"].items()}
    train_images, train_labels = read_idx(files["trainImages"]), read_idx(files["trainLabels"])
    test_images, test_labels = read_idx(files["testImages"]), read_idx(files["testLabels"])
    split = data["split"]
    validation_size = split["validation"]
    available = len(train_images) - (data["validationSize"] if validation_size else 0)

    def take(images, labels, start, count):
        if count > len(images) - start:
            fail(f"the data holds fewer images than the run used ({count} from image {start})")
        return part(images[start : start + count], labels[start : start + count], config, "the IDX images")

    result = {"train": take(train_images, train_labels, 0, min(split["train"], available)), "validation": None}
    if validation_size:
        result["validation"] = take(train_images, train_labels, available, validation_size)
    result["test"] = take(test_images, test_labels, 0, min(split["test"], len(test_images)))
    return result


# ---- CSV ------------------------------------------------------------------------------------------

LABEL_NAMES = {"label", "labels", "class", "category"}


def is_number(cell):
    try:
        float(cell)
        return True
    except ValueError:
        return False


def read_csv(path, classes):
    """(raw inputs float64 [N, n], labels [N]) of a CSV file: the label column and every other column as an input."""
    try:
        text = path.read_bytes()
    except OSError as err:
        fail(f"cannot read {path}: {err.strerror}")
    if path.name.endswith(".gz"):
        text = gzip.decompress(text)
    lines = text.decode("utf-8-sig").splitlines()
    dialect = "excel-tab" if lines and "\t" in lines[0] and "," not in lines[0] else "excel"
    rows = [row for row in csv.reader(lines, dialect) if any(cell.strip() for cell in row)]
    if not rows:
        fail(f"{path} holds no rows")
    header = not all(is_number(cell) for cell in rows[0])
    names = [cell.strip() for cell in rows[0]] if header else [f"column {i + 1}" for i in range(len(rows[0]))]
    label = next((i for i, name in enumerate(names) if name.lower() in LABEL_NAMES), 0)
    body = rows[1:] if header else rows
    index = {name: i for i, name in enumerate(classes)}
    inputs, labels = [], []
    for number, row in enumerate(body, start=2 if header else 1):
        if len(row) != len(names):
            fail(f"{path} row {number}: expected {len(names)} cells, found {len(row)}")
        cell = row[label].strip()
        if cell in index:
            labels.append(index[cell])
        elif re.fullmatch(r"\d+", cell) and int(cell) < OUTPUTS:
            labels.append(int(cell))
        else:
            fail(f"{path} row {number}: the label \"{cell}\" is neither a class of this model ({', '.join(classes[:10])}) nor a class index below {OUTPUTS}")
        try:
            inputs.append([float(c) for i, c in enumerate(row) if i != label])
        except ValueError:
            fail(f"{path} row {number}: expected numbers in every input column")
    return np.array(inputs, dtype=np.float64).reshape(len(body), len(names) - 1), np.array(labels, dtype=np.int64)


# ---- PNG image folders ----------------------------------------------------------------------------

CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # PNG colour type → samples per pixel


def unfilter(raw, height, stride, bpp):
    """The scanlines of a PNG without their filters (None, Sub, Up, Average, Paeth)."""
    out = np.zeros((height, stride), dtype=np.uint8)
    prior = np.zeros(stride, dtype=np.int32)
    at = 0
    for y in range(height):
        kind, line = raw[at], np.frombuffer(raw, np.uint8, stride, at + 1).astype(np.int32)
        at += stride + 1
        if kind == 0:
            row = line
        elif kind == 2:
            row = (line + prior) & 0xFF
        elif kind in (1, 3, 4):
            row = line.copy()
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                if kind == 1:
                    row[i] = (row[i] + left) & 0xFF
                elif kind == 3:
                    row[i] = (row[i] + (left + prior[i]) // 2) & 0xFF
                else:
                    up, corner = prior[i], prior[i - bpp] if i >= bpp else 0
                    p = left + up - corner
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                    row[i] = (row[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        else:
            raise ValueError(f"unknown filter {kind}")
        out[y] = row
        prior = row
    return out


def read_png(path):
    """A PNG file as grey levels [height, width] (8- or 16-bit, any colour type, not interlaced)."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    at, idat, palette, header = 8, [], None, None
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        chunk = data[at + 8 : at + 8 + length]
        at += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"PLTE":
            palette = np.frombuffer(chunk, np.uint8).reshape(-1, 3)
        elif kind == b"IDAT":
            idat.append(chunk)
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("no IHDR chunk")
    width, height, depth, colour, _, _, interlace = header
    if colour not in CHANNELS or depth not in (8, 16) or interlace:
        raise ValueError(f"only 8- or 16-bit, non-interlaced PNGs are read here (this one: {depth}-bit, colour type {colour}{', interlaced' if interlace else ''})")
    samples = CHANNELS[colour]
    bpp = samples * depth // 8
    pixels = unfilter(zlib.decompress(b"".join(idat)), height, width * bpp, bpp)
    if depth == 16:
        pixels = pixels[:, 0::2]  # the high byte of each sample
    pixels = pixels.reshape(height, width, samples).astype(np.float64)
    if colour == 3:
        if palette is None:
            raise ValueError("a palette image without its palette")
        pixels = palette[pixels[:, :, 0].astype(np.int64)].astype(np.float64)
    elif samples <= 2:
        return pixels[:, :, 0]
    return np.floor(0.299 * pixels[:, :, 0] + 0.587 * pixels[:, :, 1] + 0.114 * pixels[:, :, 2] + 0.5)


def natural(name):
    """Name order with numbers compared as numbers (class 2 before class 10), as Fathom lists folders."""
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", name)]


def read_image_folder(folder, classes):
    """(raw grey levels [N, H·W], labels [N]) of a folder of class folders of PNGs."""
    if not INPUT_SHAPE:
        fail(f"--data {folder}: the network takes a flat vector of {INPUTS} values, not images")
    height, width = INPUT_SHAPE[1], INPUT_SHAPE[2]
    names = sorted((d.name for d in folder.iterdir() if d.is_dir() and not d.name.startswith(".")), key=natural)
    if not names:
        fail(f"--data {folder}: expected one sub-folder of PNG images per class, found none")
    known = set(classes)
    index = {name: classes.index(name) for name in names} if known >= set(names) else {name: i for i, name in enumerate(names)}
    if len(index) > OUTPUTS or max(index.values()) >= OUTPUTS:
        fail(f"--data {folder}: {len(names)} class folders ({', '.join(names[:10])}); the network has {OUTPUTS} outputs")
    images, labels = [], []
    for name in names:
        for file in sorted((f for f in (folder / name).iterdir() if f.suffix.lower() == ".png"), key=lambda f: natural(f.name)):
            try:
                grey = read_png(file)
            except (ValueError, zlib.error, struct.error) as err:
                fail(f"{file}: cannot be read: {err}")
            if grey.shape != (height, width):
                fail(f"{file}: the image is {grey.shape[1]}×{grey.shape[0]}; the network takes {width}×{height}")
            images.append(grey.reshape(-1))
            labels.append(index[name])
    if not images:
        fail(f"--data {folder}: the class folders hold no PNG images")
    return np.stack(images), np.array(labels, dtype=np.int64)


# ---- choosing ---------------------------------------------------------------------------------------


def hold_out(raw, labels, share, seed):
    """(train, test) of one set: "share" of the samples, chosen by the seed, held out (in file order within each)."""
    n = len(raw)
    count = 0 if share == 0 else max(1, round(n * share))
    if count >= n:
        fail(f"--test-share {share} leaves no training samples of {n}")
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed)).numpy()
    test, train = np.sort(order[:count]), np.sort(order[count:])
    return (raw[train], labels[train]), (raw[test], labels[test])


def load_data(config, data, test_data, test_share, seed):
    """{"train", "validation" (maybe None), "test"}: each (inputs float32, labels int64)."""
    idx = data is None or (data.is_dir() and any(re.search(r"idx\d-ubyte", f.name) for f in data.iterdir()))
    if idx:
        if config["data"] is None:
            fail("Fathom did not record this model's IDX files and their split: give --data a CSV file or an image folder")
        return load_idx(config, data)
    classes = config["classes"]
    if data.is_file():
        train, test = read_csv(data, classes), read_csv(test_data, classes) if test_data else None
    elif data.is_dir():
        parts = {d.name.lower(): d for d in data.iterdir() if d.is_dir()}
        if set(parts) == {"train", "test"}:
            train, test = read_image_folder(parts["train"], classes), read_image_folder(parts["test"], classes)
        else:
            train, test = read_image_folder(data, classes), None
    else:
        fail(f"--data {data}: no such file or folder")
    if test is None:
        train, test = hold_out(*train, test_share, seed)
    return {"train": part(*train, config, str(data)), "validation": None, "test": part(*test, config, str(test_data or data))}
`;
