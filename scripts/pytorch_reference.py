"""Golden values for the NeuralNet tests from an independent PyTorch implementation.

Builds SmallResNet and SmallVGG in PyTorch with the tensor names and order that
Sources/NeuralNet uses, writes their weights in the NeuralNet weight format (little-endian
float32 file plus a JSON manifest), and records for a few fixed inputs:
  * eval-mode logits and 64 features,
  * the mean BCE of one training step (Adam, BatchNorm in training mode) on those inputs, the
    gradient of that loss with respect to the inputs and the L2 norm of each parameter's gradient,
  * eval-mode logits after that step.

Command, from the repository root, with a Python 3 that has torch 2.x (CPU) and numpy, for
example a virtual environment's interpreter:
  python scripts/pytorch_reference.py --out Tests/NeuralNetTests/Golden
The NeuralNet tests read the committed files and need no Python.

It also trains one model for timing when given --bench (see scripts/bench/train_throughput.sh).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import time

try:
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as error:
    raise SystemExit(f"Error: {error}. Run this script with a Python 3 that has torch 2.x and numpy, "
                     "for example a virtual environment's bin/python.")

SIDE = 16
IMAGES = 4
LABELS = [0.0, 1.0, 1.0, 0.0]
FORMAT = "intrinsic-audit-cnn-weights"


class ConvBN(nn.Module):
    """Convolution without bias followed by BatchNorm2d; names its children conv and bn."""

    def __init__(self, cin, cout, kernel, stride, padding):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, stride, padding, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return self.bn(self.conv(x))


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = ConvBN(cin, cout, 1, stride, 0) if (stride != 1 or cin != cout) else None

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(y + (x if self.shortcut is None else self.shortcut(x)))


class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = ConvBN(1, 16, 3, 1, 1)
        self.block1 = Block(16, 16, 1)
        self.block2 = Block(16, 32, 2)
        self.block3 = Block(32, 64, 2)
        self.fc = nn.Linear(64, 1)

    def features(self, x):
        x = F.relu(self.stem(x))
        return self.block3(self.block2(self.block1(x))).mean(dim=(2, 3))

    def forward(self, x):
        return self.fc(self.features(x)).squeeze(1)


class VGG(nn.Module):
    def __init__(self, side):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, 1, 1)
        self.conv2 = nn.Conv2d(16, 32, 3, 1, 1)
        self.conv3 = nn.Conv2d(32, 64, 3, 1, 1)
        self.fc1 = nn.Linear(64 * (side // 8) ** 2, 64)
        self.fc2 = nn.Linear(64, 1)

    def features(self, x):
        for conv in (self.conv1, self.conv2, self.conv3):
            x = F.max_pool2d(F.relu(conv(x)), 2)
        return F.relu(self.fc1(x.flatten(1)))

    def forward(self, x):
        return self.fc2(self.features(x)).squeeze(1)


def build(kind, side):
    return ResNet() if kind == "resnet" else VGG(side)


def save_weights(model, kind, side, path):
    """Writes the state_dict as float32 little-endian plus the JSON manifest NeuralNet reads."""
    tensors, blobs, offset = [], [], 0
    for name, value in model.state_dict().items():
        array = value.detach().to(torch.float32).numpy().astype("<f4")
        tensors.append({"name": name, "shape": list(value.shape), "byteOffset": offset,
                        "elementCount": int(array.size)})
        blobs.append(array.tobytes())
        offset += array.nbytes
    with open(path, "wb") as f:
        f.write(b"".join(blobs))
    manifest = {"format": FORMAT, "version": 1, "model": kind, "inputSide": side, "dtype": "float32",
                "tensors": tensors}
    with open(path + ".json", "w") as f:
        json.dump(manifest, f, indent=1)


def fixed_inputs(count, side):
    """Smooth deterministic patterns in [0, 1], different per image."""
    n, i, j = np.meshgrid(np.arange(count), np.arange(side), np.arange(side), indexing="ij")
    x = 0.5 + 0.5 * np.sin(0.37 * (i + 1) * (n + 1) + 0.23 * j * (n + 2)) * np.cos(0.11 * (i - j) + n)
    return x.astype(np.float32).reshape(count, 1, side, side)


def perturb_batchnorm(model, generator):
    """Gives BatchNorm non-default statistics and affine values so evaluation mode is exercised."""
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            c = module.num_features
            module.running_mean.copy_(0.2 * torch.randn(c, generator=generator))
            module.running_var.copy_(0.5 + torch.rand(c, generator=generator))
            module.weight.data.copy_(0.8 + 0.4 * torch.rand(c, generator=generator))
            module.bias.data.copy_(0.1 * torch.randn(c, generator=generator))
            module.num_batches_tracked.fill_(3)


def golden(out_dir):
    torch.set_num_threads(1)
    os.makedirs(out_dir, exist_ok=True)
    x = torch.from_numpy(fixed_inputs(IMAGES, SIDE))
    y = torch.tensor(LABELS)
    x.numpy().astype("<f4").tofile(os.path.join(out_dir, "inputs16.bin"))
    record = {"side": SIDE, "images": IMAGES, "labels": LABELS, "torch": torch.__version__, "models": {}}

    for seed, kind in enumerate(("resnet", "vgg")):
        torch.manual_seed(seed)
        model = build(kind, SIDE)
        with torch.no_grad():
            perturb_batchnorm(model, torch.Generator().manual_seed(100 + seed))
        save_weights(model, kind, SIDE, os.path.join(out_dir, f"{kind}16.bin"))

        model.eval()
        with torch.no_grad():
            features = model.features(x)
            logits = model(x)

        model.train()
        optimiser = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-4)
        optimiser.zero_grad()
        inputs = x.clone().requires_grad_(True)
        loss = F.binary_cross_entropy_with_logits(model(inputs), y)
        loss.backward()
        gradient_norms = {name: p.grad.norm().item() for name, p in model.named_parameters()}
        optimiser.step()

        model.eval()
        with torch.no_grad():
            logits_after = model(x)
        record["models"][kind] = {
            "parameters": sum(p.numel() for p in model.parameters()),
            "logits": logits.tolist(),
            "features": features.flatten().tolist(),
            "stepLoss": loss.item(),
            "inputGradient": inputs.grad.flatten().tolist(),
            "gradientNorms": gradient_norms,
            "logitsAfterStep": logits_after.tolist(),
        }

    with open(os.path.join(out_dir, "reference.json"), "w") as f:
        json.dump(record, f, indent=1)
    print(json.dumps({k: v["logits"] for k, v in record["models"].items()}))


def bench(kind, images, epochs, threads, repeats):
    """Prints the median training images/s and CPU time per image of PyTorch over `repeats` runs of `epochs` epochs."""
    torch.set_num_threads(threads)
    x = torch.from_numpy(fixed_inputs(images, 64))
    y = (torch.arange(images) % 2).float()
    rates, cpu_per_image = [], []
    for repeat in range(repeats):
        torch.manual_seed(repeat)
        model = build(kind, 64)
        optimiser = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
        generator = torch.Generator().manual_seed(repeat)
        model.train()
        elapsed = cpu = 0.0
        for _ in range(epochs):
            order = torch.randperm(images, generator=generator)
            start = time.perf_counter()
            cpu_start = time.process_time()
            for first in range(0, images, 32):
                index = order[first:first + 32]
                optimiser.zero_grad()
                F.binary_cross_entropy_with_logits(model(x[index]), y[index]).backward()
                optimiser.step()
            elapsed += time.perf_counter() - start
            cpu += time.process_time() - cpu_start
        rates.append(images * epochs / elapsed)
        cpu_per_image.append(cpu / (images * epochs))
    # process_time counts the CPU time of all threads of the process.
    print(f"torch {kind}: {float(np.median(rates)):.0f} img/s (median of {repeats}, {threads} threads), "
          f"{1000 * float(np.median(cpu_per_image)):.1f} CPU ms per image")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="directory for the golden files")
    parser.add_argument("--bench", choices=["resnet", "vgg"], help="time PyTorch training of this model instead")
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    if arguments.bench:
        bench(arguments.bench, arguments.images, arguments.epochs, arguments.threads, arguments.repeats)
    else:
        golden(arguments.out or "Tests/NeuralNetTests/Golden")
